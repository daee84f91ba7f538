"""inboxmessage and auditevent: indexes in the order their pages list them

Revision ID: a4c6e8f0b2d4
Revises: e2a4c6e8f0b2
Create Date: 2026-12-03 12:05:00

The inbox (a user's messages) and a family's audit log are listed newest first a page at a
time: through an index on the user or family alone, each page sorted every row they had. The
composite indexes give them in order. Inbox messages also lose the index on their time alone,
which nothing read: one index write less for every in-app reminder.
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'a4c6e8f0b2d4'
down_revision: str | None = 'e2a4c6e8f0b2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_inboxmessage_user_time', 'inboxmessage', ['user_id', 'created_at'])
    op.drop_index('ix_inboxmessage_user_id', table_name='inboxmessage')
    op.drop_index('ix_inboxmessage_created_at', table_name='inboxmessage')
    op.create_index('ix_auditevent_family_time', 'auditevent', ['family_id', 'at'])
    op.drop_index('ix_auditevent_family_id', table_name='auditevent')


def downgrade() -> None:
    op.create_index('ix_auditevent_family_id', 'auditevent', ['family_id'])
    op.drop_index('ix_auditevent_family_time', table_name='auditevent')
    op.create_index('ix_inboxmessage_created_at', 'inboxmessage', ['created_at'])
    op.create_index('ix_inboxmessage_user_id', 'inboxmessage', ['user_id'])
    op.drop_index('ix_inboxmessage_user_time', table_name='inboxmessage')
