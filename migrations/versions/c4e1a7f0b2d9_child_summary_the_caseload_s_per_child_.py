"""child summary: the caseload's per-child facts, kept current by every write; backfilled

Revision ID: c4e1a7f0b2d9
Revises: b4c2e9f1a7d3
Create Date: 2026-12-02 05:20:00.000000
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'c4e1a7f0b2d9'
down_revision: str | None = 'b4c2e9f1a7d3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('childsummary',
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_practice_day', sa.Integer(), nullable=True),
    sa.Column('ladder_since_day', sa.Integer(), nullable=True),
    sa.Column('practice_days', sa.JSON(), nullable=False),
    sa.Column('avoidances', sa.JSON(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('open_homework', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('child_id')
    )
    # Backfilled by a1f3c5e7b9d2, the newest migration that changes this table's columns: the
    # code that fills a row writes every column of the newest schema, so it can run only there.


def downgrade() -> None:
    op.drop_table('childsummary')
