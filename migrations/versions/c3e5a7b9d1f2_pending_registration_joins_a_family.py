"""pending registration: a sign-up made from a family's invitation joins that family

Revision ID: c3e5a7b9d1f2
Revises: b6d8f0a2c4e6
Create Date: 2026-12-03 16:20:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'c3e5a7b9d1f2'
down_revision: str | None = 'b6d8f0a2c4e6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('pendingregistration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_invite_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_pendingregistration_family_invite_id_familyinvite',
                                    'familyinvite', ['family_invite_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('pendingregistration', schema=None) as batch_op:
        batch_op.drop_constraint('fk_pendingregistration_family_invite_id_familyinvite',
                                 type_='foreignkey')
        batch_op.drop_column('family_invite_id')
