"""delivery: drop the reminder index that the unique (reminder, local date) one covers

Every delivery row was written into both; the unique index answers lookups by reminder as well
(and the cascade when a reminder is deleted), as its first column is the reminder.

Revision ID: e5b7d9f1a3c6
Revises: e5b7d9f1a3c4
Create Date: 2026-12-02 19:00:00
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'e5b7d9f1a3c6'
down_revision: str | None = 'e5b7d9f1a3c4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index('ix_delivery_reminder_id', table_name='delivery')


def downgrade() -> None:
    op.create_index('ix_delivery_reminder_id', 'delivery', ['reminder_id'])
