"""auditevent: an index by actor and time

Revision ID: b8d0f2a4c6e8
Revises: a7c9e1b3d5f7
Create Date: 2026-12-03 11:10:00

The therapist page's "viewed within the hour?" check read every audit event of the last hour
through the index on time; at a clinic's volume of logins that was about 0.5 ms a page. The
SET NULL of the actor when an account is deleted no longer scans the table either.
"""
from collections.abc import Sequence

from alembic import op


revision: str = 'b8d0f2a4c6e8'
down_revision: str | None = 'a7c9e1b3d5f7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_auditevent_actor_time', 'auditevent', ['actor_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_auditevent_actor_time', table_name='auditevent')
