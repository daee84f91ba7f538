"""reminder.starts_on: a dated one-off reminder (a re-rating or a booster weeks ahead)

Revision ID: d1e3f5a7b9c2
Revises: c2e4a6b8d0f1
Create Date: 2026-12-02 18:50:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'd1e3f5a7b9c2'
down_revision: str | None = 'c2e4a6b8d0f1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column needs no table copy on SQLite.
    op.add_column('reminder', sa.Column('starts_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_column('starts_on')
