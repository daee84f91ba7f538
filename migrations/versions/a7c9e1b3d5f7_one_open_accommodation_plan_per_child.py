"""accommodationplan: one open (draft or active) plan per child, held by a unique partial index

Revision ID: a7c9e1b3d5f7
Revises: e5b7d9f1a3c6
Create Date: 2026-12-03 06:10:00

Before it, two caregivers writing a plan at the same moment could both pass the service's
look-up. Where that already happened, the newest open plan stays open and the older ones are
finished (kept as history, as a plan replaced by hand would be), so the index can be built.
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'a7c9e1b3d5f7'
down_revision: str | None = 'e5b7d9f1a3c6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status IN ('draft', 'active')")


def upgrade() -> None:
    op.execute(
        "UPDATE accommodationplan SET status = 'finished', finished_at = CURRENT_TIMESTAMP "
        "WHERE status IN ('draft', 'active') AND id NOT IN ("
        "SELECT MAX(id) FROM accommodationplan WHERE status IN ('draft', 'active') "
        "GROUP BY child_id)")
    op.create_index('ix_accommodationplan_one_open', 'accommodationplan', ['child_id'],
                    unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    op.drop_index('ix_accommodationplan_one_open', table_name='accommodationplan')
