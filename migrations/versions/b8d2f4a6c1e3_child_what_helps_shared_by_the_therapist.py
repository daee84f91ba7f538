"""child what helps: what a therapist shared with the family about what helps the child join in

Revision ID: b8d2f4a6c1e3
Revises: a5e7c3b1d9f2
Create Date: 2026-12-02 16:10:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'b8d2f4a6c1e3'
down_revision: str | None = 'a5e7c3b1d9f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.add_column(sa.Column('what_helps', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))


def downgrade() -> None:
    with op.batch_alter_table('child', schema=None) as batch_op:
        batch_op.drop_column('what_helps')
