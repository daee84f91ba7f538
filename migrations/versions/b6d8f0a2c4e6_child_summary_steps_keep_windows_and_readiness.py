"""childsummary: each listed step keeps its fear window, and a current one its readiness

Revision ID: b6d8f0a2c4e6
Revises: a4c6e8f0b2d4
Create Date: 2026-12-03 13:40:00

No column changes: each entry of the JSON `steps` gains three fields (models.ChildSummary):
the step's last five tried practices' peak fears with the newest one's moment, so a practice
logged on a listed step folds into its row without reading the step's practices; and for a
current step whether it meets its ladder's mastery rule, with the rule, so the home screen
does not read the step's practices to say it is ready (child_summary.add_practices). Rows
written before read what they lack as before, until rebuilt; the backfill rebuilds them all.
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
