"""practice: a partial index of the practices with a prediction, by step and time

Revision ID: f2a4c6e8b0d1
Revises: e4a6c8e0b2d4
Create Date: 2026-12-02 19:50:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'f2a4c6e8b0d1'
down_revision: str | None = 'e4a6c8e0b2d4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICTED = sa.text("expected_likelihood IS NOT NULL")


def upgrade() -> None:
    op.create_index('ix_practice_step_predicted', 'practice', ['step_id', 'practiced_at'],
                    sqlite_where=PREDICTED, postgresql_where=PREDICTED)


def downgrade() -> None:
    op.drop_index('ix_practice_step_predicted', table_name='practice')
