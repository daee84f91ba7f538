"""practice: drop the child and step indexes that the (child, time) and (step, time) ones cover

Revision ID: d7a3c5e9f1b2
Revises: c4e1a7f0b2d9
Create Date: 2026-12-02 08:45:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'd7a3c5e9f1b2'
down_revision: str | None = 'c4e1a7f0b2d9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_practice_step_id', table_name='practice')
    op.drop_index('ix_practice_child_id', table_name='practice')


def downgrade() -> None:
    op.create_index('ix_practice_child_id', 'practice', ['child_id'])
    op.create_index('ix_practice_step_id', 'practice', ['step_id'])
