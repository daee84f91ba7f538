"""day check-in: the caregiver noted hopeless words ("nothing will help")

Revision ID: a1f3c9e2d4b6
Revises: b8d2f4a6c1e3
Create Date: 2026-12-02 16:35:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'a1f3c9e2d4b6'
down_revision: str | None = 'b8d2f4a6c1e3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('daycheckin', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hopeless_words', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('daycheckin', schema=None) as batch_op:
        batch_op.drop_column('hopeless_words')
