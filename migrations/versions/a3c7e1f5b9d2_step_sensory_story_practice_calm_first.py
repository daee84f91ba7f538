"""step: a sensory story beside the social story; practice: whether the body was calmed first

Revision ID: a3c7e1f5b9d2
Revises: a1f3c5e7b9d2
Create Date: 2026-12-02 15:45:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'a3c7e1f5b9d2'
down_revision: str | None = 'a1f3c5e7b9d2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows get the defaults: no sensory story, and no calm-first recorded.
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sensory_story', sa.String(length=500), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calm_first', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_column('calm_first')
    with op.batch_alter_table('step', schema=None) as batch_op:
        batch_op.drop_column('sensory_story')
