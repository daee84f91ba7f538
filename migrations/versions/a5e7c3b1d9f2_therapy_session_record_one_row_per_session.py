"""therapy session record: one row per session a therapist records for a linked child

Revision ID: a5e7c3b1d9f2
Revises: d53b54576807
Create Date: 2026-12-02 15:45:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'a5e7c3b1d9f2'
down_revision: str | None = 'd53b54576807'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('therapysession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.Integer(), nullable=True),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('attendance', sa.String(length=16), nullable=False),
    sa.Column('presentations', sa.JSON(), nullable=False),
    sa.Column('engagement', sa.Integer(), nullable=True),
    sa.Column('calming', sa.JSON(), nullable=False),
    sa.Column('approaches', sa.JSON(), nullable=False),
    sa.Column('custom_approach', sa.String(length=60), nullable=False),
    sa.Column('wins', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['therapist_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('therapysession', schema=None) as batch_op:
        batch_op.create_index('ix_therapysession_child_day', ['child_id', 'held_on'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_therapysession_therapist_id'), ['therapist_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('therapysession', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_therapysession_therapist_id'))
        batch_op.drop_index('ix_therapysession_child_day')
    op.drop_table('therapysession')
