"""practice indexes by child and by step, in time order

Revision ID: b4c2e9f1a7d3
Revises: 8893be6a7d58
Create Date: 2026-12-02 05:15:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'b4c2e9f1a7d3'
down_revision: str | None = '8893be6a7d58'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_practice_child_time', 'practice', ['child_id', 'practiced_at'])
    op.create_index('ix_practice_step_time', 'practice', ['step_id', 'practiced_at'])


def downgrade() -> None:
    op.drop_index('ix_practice_step_time', table_name='practice')
    op.drop_index('ix_practice_child_time', table_name='practice')
