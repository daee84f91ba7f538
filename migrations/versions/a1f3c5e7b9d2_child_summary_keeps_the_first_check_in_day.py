"""child summary keeps the first check-in day: no rising flags before a week to compare with

Revision ID: a1f3c5e7b9d2
Revises: f6140264d9cd
Create Date: 2026-12-02 15:30:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'a1f3c5e7b9d2'
down_revision: str | None = 'f6140264d9cd'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_checkin_day', sa.Integer(), nullable=True))
    # The backfill moved to e4a6c8e0f2b4, which adds later columns to this table: the code
    # that rebuilds rows reads them, so it can only run once they exist.


def downgrade() -> None:
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.drop_column('first_checkin_day')
