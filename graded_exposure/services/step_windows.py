"""A step's newest practices, read through the (step, time) index whatever its history.

`from_nth_newest(offset)` is a join condition for `Step JOIN Practice`: the practices of the
step at or after the moment of its (offset + 1)-th newest practice, or all of them when it has
fewer. SQLite and PostgreSQL evaluate the correlated look-up once per step and read the
practices from there on the index, so a window costs what its rows do, where a window function
over the step's practices (row_number) would read every one. Moments tied with the boundary can
bring a row or two more; callers that need an exact count trim in Python.
"""
from datetime import UTC, datetime

from sqlalchemy import and_, bindparam, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import select

from ..models import Practice, Step, UTCDateTime
from ..rules.facts import TRIED_OUTCOMES

EVER = datetime(1970, 1, 1, tzinfo=UTC)  # before any practice: a step with fewer in its window
TRIED = sorted(TRIED_OUTCOMES)


def tried(outcome):
    """`outcome IN (the tried outcomes)`, each a parameter of its own: a plain list would be
    one expanding parameter, which SQLAlchemy re-renders into the statement on every run."""
    return outcome.in_([literal(value) for value in TRIED])


def from_nth_newest(offset, *, tried_only: bool = False):
    """`Practice.step_id == Step.id` and the practice at or after the step's (offset + 1)-th
    newest (among tried practices with `tried_only`); `offset` an int or a bound parameter."""
    return and_(Practice.step_id == Step.id,
                Practice.practiced_at >= _nth_newest_moment(offset, tried_only))


def before_nth_newest(offset):
    """The rest of the step's history: `Practice.step_id == Step.id` and the practice before
    the moment from_nth_newest(offset) starts at (nothing when the step has fewer)."""
    return and_(Practice.step_id == Step.id,
                Practice.practiced_at < _nth_newest_moment(offset, tried_only=False))


def _nth_newest_moment(offset, tried_only: bool):
    earlier = aliased(Practice)
    start = (select(earlier.practiced_at)
             .where(earlier.step_id == Step.id,
                    *((tried(earlier.outcome),) if tried_only else ()))
             .order_by(earlier.practiced_at.desc(), earlier.id.desc())
             .limit(1).offset(offset).scalar_subquery())
    return func.coalesce(start, bindparam("since_ever", EVER, type_=UTCDateTime))
