"""child summary keeps the whole history's streaks, stars and small wins

Revision ID: e4a6c8e0f2b4
Revises: d1e3f5a7b9c2
Create Date: 2026-12-02 19:20:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e4a6c8e0f2b4'
down_revision: str | None = 'd1e3f5a7b9c2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('streak_start_day', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('longest_streak', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('stars', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('small_wins', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
    # The backfill moved to b6d8f0a2c4e6, which changes what the rows' steps hold: the code
    # that rebuilds rows writes that, so it runs there, once.


def downgrade() -> None:
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.drop_column('small_wins')
        batch_op.drop_column('stars')
        batch_op.drop_column('longest_streak')
        batch_op.drop_column('streak_start_day')
