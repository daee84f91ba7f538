"""booster plans and relapse checks after a finished ladder

Revision ID: e4b6d8f0a2c3
Revises: e8b1d3f5a7c9
Create Date: 2026-12-02 19:00:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e4b6d8f0a2c3'
down_revision: str | None = 'e8b1d3f5a7c9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('boosterplan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ladder_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('counted_from', sa.Date(), nullable=False),
    sa.Column('local_time', sa.String(length=5), nullable=False),
    sa.Column('reminder_ids', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ladder_id'], ['ladder.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('boosterplan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boosterplan_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_boosterplan_ladder_id'), ['ladder_id'], unique=False)

    op.create_table('relapsecheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ladder_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('avoiding', sa.Integer(), nullable=False),
    sa.Column('fear', sa.Integer(), nullable=False),
    sa.Column('accommodating', sa.Integer(), nullable=False),
    sa.Column('hard_step_ids', sa.JSON(), nullable=False),
    sa.Column('creeping_back', sa.Boolean(), nullable=False),
    sa.Column('reopened_step_id', sa.Integer(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ladder_id'], ['ladder.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reopened_step_id'], ['step.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('relapsecheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relapsecheck_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relapsecheck_ladder_id'), ['ladder_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('relapsecheck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relapsecheck_ladder_id'))
        batch_op.drop_index(batch_op.f('ix_relapsecheck_child_id'))

    op.drop_table('relapsecheck')
    with op.batch_alter_table('boosterplan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_boosterplan_ladder_id'))
        batch_op.drop_index(batch_op.f('ix_boosterplan_child_id'))

    op.drop_table('boosterplan')
