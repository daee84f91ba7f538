"""practice: the partial index of predictions holds every column the expectancy trend reads

SQLite planned the therapist's expectancy figures (first and latest likelihood, predictions,
surprises) through the step's whole (step, time) index, reading every practice's row to find
the few with a prediction: the partial index had the same columns, so nothing made it the
cheaper one. With the columns the figures read (and the id that orders ties) it covers them.

Revision ID: a0c2e4f6b8d0
Revises: e6a8c0e2b4d6
Create Date: 2026-12-04 00:40:00
"""
from collections.abc import Sequence

from alembic import op
import sqlalchemy as sa


revision: str = 'a0c2e4f6b8d0'
down_revision: str | None = 'e6a8c0e2b4d6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICTED = sa.text("expected_likelihood IS NOT NULL")
COVERING = ['step_id', 'practiced_at', 'id', 'expected_likelihood', 'prediction_came_true',
            'outcome_badness']


def upgrade() -> None:
    op.drop_index('ix_practice_step_predicted', table_name='practice')
    op.create_index('ix_practice_step_predicted', 'practice', COVERING,
                    sqlite_where=PREDICTED, postgresql_where=PREDICTED)


def downgrade() -> None:
    op.drop_index('ix_practice_step_predicted', table_name='practice')
    op.create_index('ix_practice_step_predicted', 'practice', ['step_id', 'practiced_at'],
                    sqlite_where=PREDICTED, postgresql_where=PREDICTED)
