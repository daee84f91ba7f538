"""Ladder trends for the therapist's page: the same figures as evaluating every practice of
every step (progress.ladders_progress), from the current steps' newest practices and one row
of counts and peaks per step."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from graded_exposure.models import Practice
from graded_exposure.rules.fear_chart import MAX_SHOWN
from graded_exposure.services import ladder_trends, ladders, progress
from tests.factories import make_ladder
from tests.query_plans import SQLITE_PLANS, plan_of

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

    trends, archived = ladder_trends.for_child(db, family.child.id, TZ)

    assert [t.ladder.goal for t in trends] == ["Done", "Busy", "Empty"] and archived == 1
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
            assert trend.current.facts == full.current.facts[-MAX_SHOWN:]
            assert trend.current.practice_count == full.current.practice_count
            assert trend.current.mastery.met == full.current.mastery.met
            assert trend.current.words == full.current.words
            assert trend.current.chart == full.current.chart
            assert trend.current.rows == full.current.rows


@pytest.mark.parametrize("seed", range(12))
def test_current_steps_say_what_every_practice_says_on_long_histories(db, family, seed):
    """A current step's words towards its rule and its chart, read from its newest practices
    (and the qualifying count when those do not decide), equal the evaluation of every
    practice, on random histories longer and shorter than the chart and random rules."""
    rng = random.Random(seed)
    min_practices = rng.randint(1, 6)
    ladder = make_ladder(db, family.child, steps=3, mastered=0,
                         mastery_min_practices=min_practices,
                         mastery_min_days=rng.randint(1, min_practices),
                         mastery_max_peak=rng.randint(0, 10),
                         mastery_count_halving=rng.random() < 0.5)
    step = ladder.steps[0]
    for n in range(rng.choice([0, 1, 3, MAX_SHOWN - 1, MAX_SHOWN, MAX_SHOWN + 1, 45, 80])):
        peak = rng.randint(0, 10)
        db.add(Practice(child_id=family.child.id, step_id=step.id,
                        practiced_at=START + timedelta(hours=rng.randint(0, 24 * 40)),
                        fear_before=rng.randint(0, 10), fear_peak=peak,
                        fear_after=rng.randint(0, peak), outcome=rng.choice(OUTCOMES),
                        idempotency_key=f"long{seed}-{n}"))
    db.commit()
    [full] = progress.ladders_progress(db, [ladder], TZ)

    [trend], _ = ladder_trends.for_child(db, family.child.id, TZ)

    assert (trend.current.words, trend.current.mastery.met, trend.current.practice_count) == (
        full.current.words, full.current.mastery.met, full.current.practice_count)
    assert (trend.current.chart, trend.current.rows) == (full.current.chart, full.current.rows)


def _practise_hourly(db, child, steps, count: int, peak: int) -> None:
    for n in range(count):
        for step in steps:
            db.add(Practice(child_id=child.id, step_id=step.id, fear_before=3,
                            fear_peak=peak, fear_after=1, outcome="did_it",
                            practiced_at=START + timedelta(hours=n),
                            idempotency_key=f"{step.id}-{n}"))
    db.commit()


def _trends_and_statements(app, db, child):
    statements = []
    engine = app.extensions["db_engine"]

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        [trend], _ = ladder_trends.for_child(db, child.id, TZ)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return trend, len(statements)


def test_two_statements_with_the_ladders_when_the_newest_practices_meet_the_rule(app, db, family):
    ladder = make_ladder(db, family.child, steps=2, mastered=1)
    _practise_hourly(db, family.child, ladder.steps, 60, peak=2)  # every one counts, 3 days

    trend, statements = _trends_and_statements(app, db, family.child)

    assert statements == 2
    assert [(p.practices, p.first_peak, p.latest_peak) for p in trend.practised] == [(60, 2, 2)] * 2
    assert trend.current.step.id == ladder.steps[1].id and trend.current.practice_count == 60
    assert len(trend.current.facts) == MAX_SHOWN  # the chart's, never the whole history
    assert trend.current.mastery.met and trend.current.words == "3 of 3 practices, on 2 of 2 days"


def test_a_third_statement_counts_the_rule_when_the_newest_practices_do_not_decide(
        app, db, family):
    ladder = make_ladder(db, family.child, steps=2, mastered=1)
    # 30 hourly practices over two days, the newest MAX_SHOWN within one: the rule's second
    # day is only found further back.
    _practise_hourly(db, family.child, ladder.steps, 30, peak=4)

    trend, statements = _trends_and_statements(app, db, family.child)

    assert statements == 3
    assert len(trend.current.facts) == MAX_SHOWN and trend.current.practice_count == 30
    assert trend.current.mastery.met and trend.current.words == "3 of 3 practices, on 2 of 2 days"


@pytest.mark.sqlite_only(SQLITE_PLANS)
def test_the_expectancy_figures_read_only_the_steps_predictions(db, family):
    # SQLite chose the step's whole (step, time) index for the four figures about predictions
    # and read every practice's row to find the few with one (268 µs of the therapist's page
    # with 36 practices a step, bench seed). The partial index of predictions holds every
    # column they read, in their order, so it is the cheaper one and each figure reads only
    # the predictions.
    plan = plan_of(db.connection(), ladder_trends._WITH_PEAKS, {"child_id": family.child.id})
    predicted = plan.count("USING COVERING INDEX ix_practice_step_predicted")
    assert predicted == 4, plan
