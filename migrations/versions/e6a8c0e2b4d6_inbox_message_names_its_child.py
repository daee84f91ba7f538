"""inbox message: the child it is about, so deleting the child takes it

A message outlives its reminder on purpose (a deleted or pruned reminder keeps its past
messages); found only through its reminder, it outlived the child too. Messages still linked
to their reminder get its child; earlier ones whose link had gone cannot be placed.

Revision ID: e6a8c0e2b4d6
Revises: d4f6a8c0e2b4
Create Date: 2026-12-03 19:00:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e6a8c0e2b4d6'
down_revision: str | None = 'd4f6a8c0e2b4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('inboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_inboxmessage_child_id'), ['child_id'],
                              unique=False)
        batch_op.create_foreign_key('fk_inboxmessage_child_id_child', 'child', ['child_id'],
                                    ['id'], ondelete='CASCADE')
    op.execute("""
        UPDATE inboxmessage SET child_id = (
            SELECT reminder.child_id FROM delivery
            JOIN reminder ON reminder.id = delivery.reminder_id
            WHERE delivery.id = inboxmessage.delivery_id)
        WHERE delivery_id IS NOT NULL
    """)


def downgrade() -> None:
    with op.batch_alter_table('inboxmessage', schema=None) as batch_op:
        batch_op.drop_constraint('fk_inboxmessage_child_id_child', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_inboxmessage_child_id'))
        batch_op.drop_column('child_id')
