"""Ladder trends for the therapist's page: the same figures as evaluating every practice of
every step (progress.ladders_progress), from the current steps' practices and two rows of
each other step."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from graded_exposure.models import Practice
from graded_exposure.services import ladder_lines, ladder_trends, ladders, progress
from tests.factories import make_ladder

TZ = "Europe/London"
START = datetime(2026, 1, 5, 18, tzinfo=UTC)
OUTCOMES = ("did_it", "partly", "left_early", "did_not_try")


def _history(db, child, rng: random.Random) -> None:
    """Three ladders (one every step mastered, one two current steps, one without steps) and
    random practices, some at the same moment so only the id orders them."""
    make_ladder(db, child, goal="Done", steps=3, mastered=3)
    busy = make_ladder(db, child, goal="Busy", steps=5, mastered=2)
    busy.steps[3].status = "current"
    make_ladder(db, child, goal="Empty", steps=0)
    make_ladder(db, child, goal="Put away", steps=2, status="archived")
    steps = [step for ladder in ladders.ladders_for_child(db, child)[0] for step in ladder.steps]
    moments = [START + timedelta(hours=rng.randrange(0, 24 * 60)) for _ in range(25)]
    for n in range(rng.randrange(40, 90)):
        peak = rng.randrange(0, 11)
        db.add(Practice(child_id=child.id, step_id=rng.choice(steps[:-1]).id,
                        practiced_at=rng.choice(moments), fear_before=rng.randrange(0, peak + 1),
                        fear_peak=peak, fear_after=rng.randrange(0, peak + 1),
                        outcome=rng.choice(OUTCOMES), idempotency_key=f"t{n}"))
    db.commit()


def _every_practice(db, child) -> list[progress.LadderProgress]:
    """Each active ladder evaluated from all of its practices, oldest ladder first."""
    active = list(reversed(ladders.ladders_for_child(db, child)[0]))
    return progress.ladders_progress(db, active, TZ)


@pytest.mark.parametrize("seed", range(4))
def test_trends_equal_the_figures_from_every_practice(db, family, seed):
    _history(db, family.child, random.Random(seed))
    expected = _every_practice(db, family.child)
    active = ladder_lines.active_ladders(db.connection(), family.child.id)

    trends = ladder_trends.for_ladders(db, active, TZ)

    assert [t.ladder.goal for t in trends] == ["Done", "Busy", "Empty"]
    for trend, full in zip(trends, expected, strict=True):
        assert trend.ladder.id == full.ladder.id and trend.rule == full.rule
        assert trend.total == len(full.steps)
        assert trend.mastered == sum(1 for s in full.steps if s.step.status == "mastered")
        assert [(p.step.id, p.practices, p.first_peak, p.latest_peak) for p in trend.practised] == [
            (s.step.id, len(s.facts), s.facts[0].fear_peak, s.facts[-1].fear_peak)
            for s in full.steps if s.facts]
        if full.current is None:
            assert trend.current is None
        else:
            assert trend.current.step.id == full.current.step.id
            assert trend.current.facts == full.current.facts
            assert trend.current.mastery == full.current.mastery
            assert trend.current.words == full.current.words
            assert trend.current.chart == full.current.chart


def test_two_statements_whatever_the_history_and_only_current_steps_have_facts(app, db, family):
    ladder = make_ladder(db, family.child, steps=2, mastered=1)
    for n in range(30):
        for step in ladder.steps:
            db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=3,
                            fear_peak=4, fear_after=1, outcome="did_it",
                            practiced_at=START + timedelta(hours=n),
                            idempotency_key=f"{step.id}-{n}"))
    db.commit()
    statements = []
    engine = app.extensions["db_engine"]

    def count(*_args):
        statements.append(1)

    active = ladder_lines.active_ladders(db.connection(), family.child.id)
    event.listen(engine, "before_cursor_execute", count)
    try:
        [trend] = ladder_trends.for_ladders(db, active, TZ)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2
    assert [(p.practices, p.first_peak, p.latest_peak) for p in trend.practised] == [(30, 4, 4)] * 2
    assert len(trend.current.facts) == 30 and trend.current.step.id == ladder.steps[1].id
