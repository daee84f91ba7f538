"""daycheckin: indexes by child and last change, and of the days with hopeless words

Revision ID: e2a4c6e8f0b2
Revises: d1f3b5c7e9a1
Create Date: 2026-12-03 11:55:00

The caseload summary, rebuilt in every check-in's commit, read all of a child's check-ins for
the latest change and for the latest day with hopeless words: 550 us for a child with two
years of them, 11 us through these. The unique (child_id, day) already serves every lookup
by child, so the index on child_id alone goes.
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e2a4c6e8f0b2'
down_revision: str | None = 'd1f3b5c7e9a1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As SQLAlchemy writes the flag's test on each engine, so queries match the partial index.
HOPELESS_SQLITE, HOPELESS_PG = sa.text("hopeless_words = 1"), sa.text("hopeless_words")


def upgrade() -> None:
    op.create_index('ix_daycheckin_child_updated', 'daycheckin', ['child_id', 'updated_at'])
    op.create_index('ix_daycheckin_child_hopeless', 'daycheckin', ['child_id', 'day'],
                    sqlite_where=HOPELESS_SQLITE, postgresql_where=HOPELESS_PG)
    op.drop_index('ix_daycheckin_child_id', table_name='daycheckin')


def downgrade() -> None:
    op.create_index('ix_daycheckin_child_id', 'daycheckin', ['child_id'])
    op.drop_index('ix_daycheckin_child_hopeless', table_name='daycheckin')
    op.drop_index('ix_daycheckin_child_updated', table_name='daycheckin')
