"""safety behaviours per ladder and per practice, fading steps, practice contexts

Revision ID: e8b1d3f5a7c9
Revises: e4a6c8e0f2b4
Create Date: 2026-12-02 19:00:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e8b1d3f5a7c9'
down_revision: str | None = 'e4a6c8e0f2b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EMPTY_LIST = sa.text("'[]'")


def upgrade() -> None:
    with op.batch_alter_table('ladder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mastery_min_contexts', sa.Integer(), nullable=False,
                                      server_default=sa.text('1')))
        batch_op.add_column(sa.Column('safety_behaviours', sa.JSON(), nullable=False,
                                      server_default=_EMPTY_LIST))
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('faded_from_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('without_safety', sa.String(length=80), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('fading_dismissed', sa.JSON(), nullable=False,
                                      server_default=_EMPTY_LIST))
        batch_op.create_foreign_key('fk_step_faded_from_id_step', 'step', ['faded_from_id'],
                                    ['id'], ondelete='SET NULL')
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safety_used', sa.JSON(), nullable=False,
                                      server_default=_EMPTY_LIST))
        for name in ('context_where', 'context_with', 'context_time'):
            batch_op.add_column(sa.Column(name, sa.String(length=16), nullable=False,
                                          server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('practice', schema=None) as batch_op:
        for name in ('context_time', 'context_with', 'context_where', 'safety_used'):
            batch_op.drop_column(name)
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.drop_constraint('fk_step_faded_from_id_step', type_='foreignkey')
        batch_op.drop_column('fading_dismissed')
        batch_op.drop_column('without_safety')
        batch_op.drop_column('faded_from_id')
    with op.batch_alter_table('ladder', schema=None) as batch_op:
        batch_op.drop_column('safety_behaviours')
        batch_op.drop_column('mastery_min_contexts')
