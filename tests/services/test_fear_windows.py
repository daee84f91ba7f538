"""A step's fear window (its last FEAR_WINDOW tried practices) read through the index equals
the same window taken from every practice of the step, whatever the history, ties included."""
from datetime import UTC, datetime, timedelta
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from graded_exposure.models import Practice
from graded_exposure.rules import flags
from graded_exposure.rules.facts import TRIED_OUTCOMES
from graded_exposure.rules.practice_rules import OUTCOMES
from graded_exposure.services import insights
from tests.factories import make_ladder
from tests.lookups import counted_statements

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_keys = count()
# Hours from START, few enough that moments often tie; any outcome, tried or not.
TRIES = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 6), st.sampled_from(sorted(OUTCOMES)),
                           st.integers(0, 10)), max_size=14)


def _expected(db, step_id: int) -> list[tuple]:
    every = db.scalars(select(Practice).where(Practice.step_id == step_id)
                       .order_by(Practice.practiced_at, Practice.id)).all()
    tried = [p for p in every if p.outcome in TRIED_OUTCOMES]
    return [(p.practiced_at, p.fear_peak, p.outcome) for p in tried[-flags.FEAR_WINDOW:]]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tries=TRIES)
def test_the_window_is_the_last_tried_practices_of_each_step(db, family, tries):
    for earlier in db.scalars(select(Practice)).all():
        db.delete(earlier)
    steps = make_ladder(db, family.child, steps=2).steps
    for which, hours, outcome, peak in tries:
        db.add(Practice(child_id=family.child.id, step_id=steps[which].id,
                        practiced_at=START + timedelta(hours=hours), fear_before=peak,
                        fear_peak=peak, fear_after=0, outcome=outcome,
                        idempotency_key=f"w{next(_keys)}"))
    db.commit()
    found = insights.fear_windows(db.connection(), [s.id for s in steps])
    for step in steps:
        assert [(r.practiced_at, r.fear_peak, r.outcome) for r in found.get(step.id, [])] == \
            _expected(db, step.id)


def test_a_long_history_is_one_statement_and_only_its_window(db, family):
    [step] = make_ladder(db, family.child, steps=1).steps
    for n in range(40):
        db.add(Practice(child_id=family.child.id, step_id=step.id,
                        practiced_at=START + timedelta(days=n), fear_before=5, fear_peak=9 - n % 5,
                        fear_after=1, outcome="did_it", idempotency_key=f"h{n}"))
    db.commit()
    with counted_statements(db.get_bind()) as statements:
        found = insights.fear_windows(db.connection(), [step.id])
    assert len(statements) == 1
    assert [r.practiced_at for r in found[step.id]] == [
        START + timedelta(days=n) for n in range(35, 40)]
