"""practice carries the child's own rating beside the caregiver's (issue 16 item 4)

Revision ID: e5b7d9f1a3c4
Revises: f2a4c6e8b0d1
Create Date: 2026-12-02 19:00:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'e5b7d9f1a3c4'
down_revision: str | None = 'f2a4c6e8b0d1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Practices logged before this were rated by whoever logged them, in fear_before/after:
    # caregiver_rated true keeps them counted exactly as before.
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('child_fear_before', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('child_fear_after', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('caregiver_rated', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_column('caregiver_rated')
        batch_op.drop_column('child_fear_after')
        batch_op.drop_column('child_fear_before')
