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
    # Backfill (every row, also for databases coming from before c4e1a7f0b2d9) with the same
    # code that keeps rows current, so the two cannot disagree. A later migration that adds a
    # column to this table takes this backfill over.
    from graded_exposure.services import child_summary
    child_summary.rebuild_all(op.get_bind())


def downgrade() -> None:
    # Not batch mode: on SQLite that copies and drops "user", and dropping it would delete
    # every row that refers to a user with ON DELETE CASCADE (links, sessions, ...).
    op.drop_column('user', 'referral_text')
    with op.batch_alter_table('childsummary', schema=None) as batch_op:
        batch_op.drop_column('hopeless_words_day')
        batch_op.drop_column('hopeless_sessions')
