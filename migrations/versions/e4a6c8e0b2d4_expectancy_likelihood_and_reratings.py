"""expectancy: practice likelihood before and badness after, and later re-ratings

Revision ID: e4a6c8e0b2d4
Revises: e4b6d8f0a2c3
Create Date: 2026-12-02 19:05:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e4a6c8e0b2d4'
down_revision: str | None = 'e4b6d8f0a2c3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns need no table copy on SQLite.
    op.add_column('practice', sa.Column('expected_likelihood', sa.Integer(), nullable=True))
    op.add_column('practice', sa.Column('outcome_badness', sa.Integer(), nullable=True))
    op.create_table('expectancyrerating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('likelihood', sa.Integer(), nullable=False),
    sa.Column('rated_by_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rated_by_id'], ['user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('practice_id')
    )
    with op.batch_alter_table('expectancyrerating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expectancyrerating_child_id'), ['child_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expectancyrerating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expectancyrerating_child_id'))
    op.drop_table('expectancyrerating')
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_column('outcome_badness')
        batch_op.drop_column('expected_likelihood')
