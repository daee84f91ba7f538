"""childsummary: each listed step keeps its fear window

Revision ID: b6d8f0a2c4e6
Revises: a4c6e8f0b2d4
Create Date: 2026-12-03 13:40:00

No column changes: the JSON of `steps` gains a ninth field per step, the step's last five tried
practices' peak fears and the newest one's moment, so a practice logged on a listed step folds
into its row without reading the step's practices (child_summary.add_practices). Rows written
before it read the window once; the backfill rebuilds them all now.
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'b6d8f0a2c4e6'
down_revision: str | None = 'a4c6e8f0b2d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every row (also for databases coming from before c4e1a7f0b2d9), with the same code that
    # keeps rows current, so the two cannot disagree. A later migration that changes what this
    # table holds takes this backfill over.
    from graded_exposure.services import child_summary
    child_summary.rebuild_all(op.get_bind())


def downgrade() -> None:
    # Rows with the ninth field read as before: the flags and the caseload ignore it.
    pass
