"""Mastery progress read over each step's newest practices first (progress.QUALIFYING_WINDOW)
equals progress read over every practice, whatever the history; the whole history is read
again only for a step its window does not settle."""
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from graded_exposure.models import Practice
from graded_exposure.rules.mastery import MasteryRule
from graded_exposure.rules.practice_context import PLACES
from graded_exposure.rules.practice_rules import OUTCOMES
from graded_exposure.services import progress
from tests.factories import make_ladder
from tests.lookups import counted_statements

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
_keys = count()
# (step, hours from START, outcome, peak, after, place): hours over a few days, so days repeat
# and moments tie; any outcome, qualifying or not.
TRIES = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 100),
                           st.sampled_from(sorted(OUTCOMES)), st.integers(0, 10),
                           st.integers(0, 10), st.sampled_from(["", *sorted(PLACES)[:2]])),
                 max_size=30)
RULES = st.builds(MasteryRule, min_practices=st.integers(1, 6), min_days=st.integers(1, 3),
                  max_peak=st.integers(0, 10), count_halving=st.booleans(),
                  min_contexts=st.integers(1, 2))


def _store(db, family, steps, tries) -> None:
    for earlier in db.scalars(select(Practice)).all():
        db.delete(earlier)
    for which, hours, outcome, peak, after, place in tries:
        db.add(Practice(child_id=family.child.id, step_id=steps[which].id,
                        practiced_at=START + timedelta(hours=hours), fear_before=peak,
                        fear_peak=peak, fear_after=after, outcome=outcome, context_where=place,
                        idempotency_key=f"q{next(_keys)}"))
    db.commit()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tries=TRIES, rule=RULES, window=st.integers(1, 6))
def test_a_small_window_gives_what_the_whole_history_does(db, family, monkeypatch, tries, rule,
                                                         window):
    if rule.min_days > rule.min_practices or rule.min_contexts > rule.min_practices:
        rule = MasteryRule(rule.min_practices, 1, rule.max_peak, rule.count_halving, 1)
    ladder = make_ladder(db, family.child, steps=2)
    progress.set_mastery_rule(db, ladder, min_practices=rule.min_practices,
                              min_days=rule.min_days, max_peak=rule.max_peak,
                              count_halving=rule.count_halving, min_contexts=rule.min_contexts)
    _store(db, family, ladder.steps, tries)
    rules = {step.id: rule for step in ladder.steps}
    tz = "America/Los_Angeles"
    monkeypatch.setattr(progress, "QUALIFYING_WINDOW", 100_000)
    whole = progress.mastery_until_met(db.connection(), rules, tz)
    monkeypatch.setattr(progress, "QUALIFYING_WINDOW", window)
    windowed = progress.mastery_until_met(db.connection(), rules, tz)
    assert {k: v.met for k, v in windowed.items()} == {k: v.met for k, v in whole.items()}
    for step_id, found in whole.items():
        if not found.met:  # exact when not met; counted until met otherwise
            assert windowed[step_id] == found


def _good_days(db, family, step, days) -> None:
    for n, day in enumerate(days):
        db.add(Practice(child_id=family.child.id, step_id=step.id,
                        practiced_at=START + timedelta(days=day), fear_before=2, fear_peak=2,
                        fear_after=1, outcome="did_it", idempotency_key=f"g{step.id}-{n}"))
    db.commit()


def test_a_step_its_window_settles_is_one_statement(app, db, family, monkeypatch):
    """A step met within its newest practices: one statement, however long the history."""
    monkeypatch.setattr(progress, "QUALIFYING_WINDOW", 10)
    [step] = make_ladder(db, family.child, steps=1).steps
    _good_days(db, family, step, range(300))
    with counted_statements(app.extensions["db_engine"]) as statements:
        found = progress.mastery_until_met(db.connection(), {step.id: MasteryRule()}, "UTC")
    assert found[step.id].met and len(statements) == 1


@pytest.mark.parametrize(("days", "statements_read"), [
    (range(8), 1),  # fewer practices than the window: nothing more to read
    ([0] * 30, 2),  # a full window on one day, the rule asking two: the rest is read
])
def test_the_whole_history_is_read_only_when_there_is_more(app, db, family, monkeypatch, days,
                                                           statements_read):
    monkeypatch.setattr(progress, "QUALIFYING_WINDOW", 10)
    [step] = make_ladder(db, family.child, steps=1).steps
    _good_days(db, family, step, [d * 1.0 + n / 1000 for n, d in enumerate(days)])
    with counted_statements(app.extensions["db_engine"]) as statements:
        found = progress.mastery_until_met(db.connection(), {step.id: MasteryRule()}, "UTC")
    assert len(statements) == statements_read
    assert found[step.id].met is (len({int(d) for d in days}) >= 2)
