"""therapist link: one active link per therapist and child (a unique partial index)

Twins made before the index (two codes accepted at the same moment) are settled first: the
earliest-consented stays active, the others end, as ending consent already ended them whole.

Revision ID: d4f6a8c0e2b4
Revises: c3e5a7b9d1f2
Create Date: 2026-12-03 19:20:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'd4f6a8c0e2b4'
down_revision: str | None = 'c3e5a7b9d1f2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.execute("""
        UPDATE therapistlink SET status = 'ended', ended_at = CURRENT_TIMESTAMP, code_hash = ''
        WHERE status = 'active' AND EXISTS (
            SELECT 1 FROM therapistlink AS kept
            WHERE kept.status = 'active' AND kept.therapist_id = therapistlink.therapist_id
              AND kept.child_id = therapistlink.child_id AND kept.id < therapistlink.id)
    """)
    op.create_index('ux_therapistlink_one_active', 'therapistlink', ['therapist_id', 'child_id'],
                    unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE)


def downgrade() -> None:
    op.drop_index('ux_therapistlink_one_active', table_name='therapistlink')
