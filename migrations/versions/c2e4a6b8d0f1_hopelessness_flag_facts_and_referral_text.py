"""hopelessness flag: the child summary's facts, and a therapist's referral pathway text

Revision ID: c2e4a6b8d0f1
Revises: a1f3c9e2d4b6
Create Date: 2026-12-02 16:40:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'c2e4a6b8d0f1'
down_revision: str | None = 'a1f3c9e2d4b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hopeless_sessions', sa.Integer(), nullable=False,
                                      server_default=sa.text('0')))
        batch_op.add_column(sa.Column('hopeless_words_day', sa.Integer(), nullable=True))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_text',
                                      sa.String(length=1000),
                                      nullable=False, server_default=''))
    # The rows' backfill moved to e4a6c8e0f2b4, which adds later columns to this table: the
    # code that rebuilds a row writes those too.


def downgrade() -> None:
    # Not batch mode: on SQLite that copies and drops "user", and dropping it would delete
    # every row that refers to a user with ON DELETE CASCADE (links, sessions, ...).
    op.drop_column('user', 'referral_text')
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.drop_column('hopeless_words_day')
        batch_op.drop_column('hopeless_sessions')
