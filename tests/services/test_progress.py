"""Progress services without HTTP: ladder progress, ready steps, confirming mastery, the rule."""
import itertools
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, literal, select
from sqlmodel import Session

from graded_exposure.errors import DomainError
from graded_exposure.models import Ladder, Practice, Step, UTCDateTime
from graded_exposure.rules.facts import PracticeFact
from graded_exposure.rules.mastery import MasteryRule, is_qualifying
from graded_exposure.services import ladders, progress, steps, utc_days
from graded_exposure.services.utc_days import utc_date
from graded_exposure.vocabulary import Outcome
from tests.factories import make_ladder, practise_on_days
from tests.lookups import ladder_steps


@pytest.fixture
def ladder(db, family):
    return make_ladder(db, family.child, goal="Shops", area="outings", steps=4, by=family.user)


# ---- ladder_progress --------------------------------------------------------------------

def test_ladder_progress_evaluates_every_step_against_the_ladder_rule(db, ladder):
    first, second = ladder.steps[:2]
    practise_on_days(db, first, days=(0, 1), peak=2)  # two qualifying practices on two days
    practise_on_days(db, second, days=(0,), peak=9, after=8)
    report = progress.ladder_progress(db, ladder)
    assert [s.step.id for s in report.steps] == [s.id for s in ladder.steps]
    one, two = report.steps[:2]
    assert (one.mastery.qualifying, one.mastery.days, one.mastery.met) == (2, 2, False)
    assert one.words == "2 of 3 practices, on 2 of 2 days"
    assert (two.mastery.qualifying, two.chart.shown) == (0, 1)
    assert report.rule == progress.mastery_rule(ladder)


def test_facts_are_oldest_first_and_dated_on_the_family_calendar(db, family, ladder):
    step = ladder.steps[0]
    # Europe/London is UTC+1 in July: 22:30 UTC is still the 1st there, 23:30 UTC the 2nd.
    for n, hour in enumerate([23, 22]):
        db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=1, fear_peak=2,
                        fear_after=1, outcome="did_it", idempotency_key=f"tz{n}",
                        practiced_at=datetime(2026, 7, 1, hour, 30, tzinfo=UTC)))
    db.commit()
    facts = progress.ladder_progress(db, ladder).steps[0].facts
    assert [f.day for f in facts] == [date(2026, 7, 1), date(2026, 7, 2)]


def test_shown_steps_are_the_current_one_first_then_practised_ones_hardest_first(db, ladder):
    first, second, third, fourth = ladder.steps
    practise_on_days(db, first)
    practise_on_days(db, third, days=(0,))
    steps.make_current(db, second)
    report = progress.ladder_progress(db, ladder)
    assert [s.step.title for s in report.shown] == ["Step 2", "Step 3", "Step 1"]
    assert report.current.step.id == second.id
    assert fourth.id not in [s.step.id for s in report.shown]


def test_the_chart_shows_the_last_twenty_practices(db, ladder):
    practise_on_days(db, ladder.steps[0], days=range(25))
    row = progress.ladder_progress(db, ladder).steps[0]
    [every] = progress.ladders_progress(db, [ladder], "Europe/London")[0].steps[:1]
    assert (row.chart.shown, row.chart.total, len(row.shown_facts), row.practice_count) == (
        20, 25, 20, 25)
    assert row.facts == row.shown_facts == every.facts[5:]  # only the shown ones are read
    assert row.chart == every.chart and len(every.facts) == every.practice_count == 25
    assert all(r.counts for r in row.rows)
    assert [(r.iso_day, r.day) for r in row.rows][:2] == [("2026-10-10", "10 Oct"),
                                                         ("2026-10-11", "11 Oct")]
    assert [(r.fear_before, r.fear_peak, r.fear_after) for r in row.rows] == [
        (f.fear_before, f.fear_peak, f.fear_after) for f in every.facts[5:]]


@pytest.mark.parametrize("seed", range(8))
def test_the_progress_page_read_says_what_every_practice_says(db, family, seed):
    """ladder_progress reads each step's newest practices and counts qualifying ones only
    until the rule is met; everything the page shows from it equals the evaluation of every
    practice (ladders_progress), on random histories and rules."""
    rng = random.Random(seed)
    min_practices = rng.randint(1, 6)
    ladder = make_ladder(db, family.child, steps=5, mastered=rng.randint(0, 3),
                         mastery_min_practices=min_practices,
                         mastery_min_days=rng.randint(1, min_practices),
                         mastery_max_peak=rng.randint(0, 10),
                         mastery_count_halving=rng.random() < 0.5)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for step in ladder.steps:
        for n in range(rng.choice([0, 1, 3, 19, 20, 21, 45])):
            peak = rng.randint(0, 10)
            db.add(Practice(child_id=family.child.id, step_id=step.id,
                            practiced_at=start + timedelta(hours=rng.randint(0, 24 * 40)),
                            fear_before=rng.randint(0, 10), fear_peak=peak,
                            fear_after=rng.randint(0, peak), outcome=rng.choice(list(Outcome)),
                            idempotency_key=f"r{seed}-{step.id}-{n}"))
    db.commit()

    page = progress.ladder_progress(db, ladder)
    every = progress.ladders_progress(db, [ladder], "Europe/London")[0]

    assert [s.step.id for s in page.shown] == [s.step.id for s in every.shown]
    for read, full in zip(page.steps, every.steps, strict=True):
        assert (read.ready, read.practice_count, read.mastered_on) == (
            full.ready, full.practice_count, full.mastered_on)
        assert (read.chart, read.rows, read.shown_facts) == (full.chart, full.rows,
                                                            full.shown_facts)
        if read.step.status == "mastered":  # the page says no words about those
            assert read.mastery is None and read.words == ""
        else:
            assert (read.words, read.mastery.met) == (full.words, full.mastery.met)


def _statements_during(app, action) -> int:
    engine = app.extensions["db_engine"]
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_ladder_progress_needs_the_same_number_of_queries_for_2_or_12_steps(app, db, family):
    small = make_ladder(db, family.child, goal="Small", area="outings", steps=2, by=family.user)
    big = make_ladder(db, family.child, goal="Big", area="outings", steps=12, by=family.user)
    for step in big.steps:
        practise_on_days(db, step, days=range(8), peak=5, after=2)
    practise_on_days(db, small.steps[0], days=(0,))
    counts = []
    for ladder_id in (small.id, big.id):
        # A new session, so nothing is already loaded in the identity map.
        with Session(app.extensions["db_engine"]) as session:
            ladder = session.get(Ladder, ladder_id)
            counts.append(_statements_during(
                app, lambda s=session, lad=ladder: progress.ladder_progress(s, lad).shown))
            report = progress.ladder_progress(session, ladder)
            assert sum(len(s.facts) for s in report.steps) == (1 if ladder_id == small.id
                                                                else 96)
    # The steps, child and family (lazy here; the page's loader brings them with the ladder),
    # each step's count of practices, its newest ones, and the qualifying ones until the rule
    # is met.
    assert counts[0] == counts[1] <= 6, counts


# ---- ready_steps ------------------------------------------------------------------------

def test_ready_steps_are_current_steps_that_meet_their_rule(db, family, ladder):
    other = make_ladder(db, family.child, goal="School", area="outings", steps=4, by=family.user)
    practise_on_days(db, ladder.steps[0])  # meets the default rule
    practise_on_days(db, other.steps[0], days=(0, 0, 0))  # three practices, but on one day
    practise_on_days(db, ladder.steps[1])  # good practices on a step that is not current
    assert [s.id for s in progress.ready_steps(db, family.child)] == [ladder.steps[0].id]


def test_ready_steps_use_each_ladders_own_rule(db, family, ladder):
    other = make_ladder(db, family.child, goal="School", area="outings", steps=4, by=family.user)
    progress.set_mastery_rule(db, other, min_practices=1, min_days=1, max_peak=3,
                              count_halving=True)
    practise_on_days(db, other.steps[0], days=(0,))
    practise_on_days(db, ladder.steps[0], days=(0,))
    assert [s.id for s in progress.ready_steps(db, family.child)] == [other.steps[0].id]


def test_ready_steps_leave_out_archived_ladders_and_other_children(db, family, other_family,
                                                                   ladder):
    practise_on_days(db, ladder.steps[0])
    theirs = make_ladder(db, other_family.child, goal="Shops", area="outings", steps=4,
                         by=other_family.user)
    practise_on_days(db, theirs.steps[0])
    assert [s.id for s in progress.ready_steps(db, other_family.child)] == [theirs.steps[0].id]
    ladders.archive_ladder(db, ladder)
    assert progress.ready_steps(db, family.child) == []


@pytest.mark.parametrize("rule", [MasteryRule(), MasteryRule(max_peak=0, count_halving=False),
                                  MasteryRule(max_peak=10), MasteryRule(max_peak=5),
                                  MasteryRule(max_peak=2, count_halving=False)])
def test_the_sql_filter_qualifies_exactly_the_practices_is_qualifying_does(db, family, ladder,
                                                                           rule):
    """Every possible practice (peak, after and outcome), each on its own day: read back by
    qualifying_days exactly when rules.mastery.is_qualifying says it counts under the rule."""
    progress.set_mastery_rule(db, ladder, min_practices=rule.min_practices,
                              min_days=rule.min_days, max_peak=rule.max_peak,
                              count_halving=rule.count_halving)
    step = ladder.steps[0]
    expected, moment = [], datetime(2026, 1, 1, tzinfo=UTC)
    for n, (peak, after, outcome) in enumerate(itertools.product(range(11), range(11),
                                                                  list(Outcome))):
        practiced_at = moment + timedelta(days=n, minutes=n)
        db.add(Practice(child_id=family.child.id, step_id=step.id, practiced_at=practiced_at,
                        fear_before=5, fear_peak=peak, fear_after=after, outcome=outcome,
                        idempotency_key=f"q{n}"))
        fact = PracticeFact(day=date(2026, 1, 1), step_id=step.id, fear_before=5,
                            fear_peak=peak, fear_after=after, outcome=outcome)
        if is_qualifying(fact, rule):
            expected.append(practiced_at)
    db.commit()
    # A window of every practice: the qualifying days, and the others counted as seen.
    windowed = progress.qualifying_days(db.connection(), [step.id], window=10_000).all()
    found = [row for row in windowed if row.practices]
    assert found == [(step.id, 1, 1, moment, moment, "")
                     for moment in sorted(expected, reverse=True)]
    assert sum(row.seen for row in windowed) == 11 * 11 * len(Outcome)
    # Before a window of the newest practice: the same qualifying days, less that one's.
    newest = moment + timedelta(days=n, minutes=n)
    older = progress.qualifying_days(db.connection(), [step.id], window=1, older=True).all()
    assert older == [row for row in found if row.last != newest]


def test_a_ready_step_is_decided_from_its_newest_qualifying_practices(db, family, ladder,
                                                                      monkeypatch):
    """Once the rule is met, older practices are not read: a long history costs nothing."""
    practise_on_days(db, ladder.steps[0], days=range(200))  # 200 days of good practices
    other = make_ladder(db, family.child, goal="School", area="outings", steps=4, by=family.user)
    practise_on_days(db, other.steps[0], days=range(300, 500))
    read = []  # the moments ready_steps reads (counted from here: writes read their own)
    monkeypatch.setattr(utc_days, "local_date", lambda moment, tz: read.append(moment) or
                        moment.date())
    ready = progress.ready_steps(db, family.child)
    assert [s.id for s in ready] == [ladder.steps[0].id, other.steps[0].id]
    # The default rule (3 practices on 2 days) is met by each step's newest three.
    assert len(read) == 6
    assert read[::2] == sorted(read[::2], reverse=True)


def _practices_at(db, step, moments, peak=2, after=1, outcome="did_it"):
    for moment in moments:
        db.add(Practice(child_id=step.ladder.child_id, step_id=step.id, practiced_at=moment,
                        fear_before=3, fear_peak=peak, fear_after=after, outcome=outcome,
                        idempotency_key=f"m{step.id}-{moment.timestamp()}"))
    db.commit()


def test_many_practices_on_one_day_are_read_as_that_day(db, family, ladder, monkeypatch):
    """A day of 300 practices costs what a day of one does: a ready step is decided from
    days (their counts, first and last moments), not by walking every practice of a day."""
    today = datetime(2026, 3, 10, 1, tzinfo=UTC)
    _practices_at(db, ladder.steps[0], [today - timedelta(days=1)] +
                  [today + timedelta(minutes=n) for n in range(300)])
    monkeypatch.setattr(progress, "QUALIFYING_WINDOW", 1_000)  # the whole day in the window
    read = []
    monkeypatch.setattr(utc_days, "local_date", lambda moment, tz: read.append(moment) or
                        moment.date())
    assert [s.id for s in progress.ready_steps(db, family.child)] == [ladder.steps[0].id]
    assert len(read) <= 3


def test_one_utc_date_can_hold_two_local_days(db, family, ladder):
    """02:00 and 20:00 UTC on one date are two days in Los Angeles (the evening before, and
    the afternoon): three practices then meet the default rule of two different days."""
    family.child.family.timezone = "America/Los_Angeles"
    db.commit()
    day = datetime(2026, 3, 10, tzinfo=UTC)
    _practices_at(db, ladder.steps[0], [day + timedelta(hours=h) for h in (2, 3, 20)])
    assert [s.id for s in progress.ready_steps(db, family.child)] == [ladder.steps[0].id]


def test_the_utc_date_does_not_follow_the_database_sessions_time_zone(db, family, ladder):
    """PostgreSQL takes a timestamptz's date in the session's zone; utc_date must not."""
    if db.get_bind().dialect.name == "postgresql":
        db.connection().exec_driver_sql("SET LOCAL TIME ZONE 'Pacific/Kiritimati'")
    late = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    found = db.connection().execute(select(utc_date(literal(late, UTCDateTime())))).scalar()
    assert found == date(2026, 3, 10)


@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Pacific/Kiritimati", "Europe/London"])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offsets=st.lists(st.tuples(st.integers(0, 4 * 24 * 60), st.integers(0, 10),
                                  st.integers(0, 10), st.sampled_from(list(Outcome))),
                        max_size=12),
       rule=st.builds(MasteryRule, min_practices=st.integers(1, 5),
                      min_days=st.integers(1, 3), max_peak=st.integers(0, 10),
                      count_halving=st.booleans()))
def test_ready_steps_agree_with_the_mastery_rule_on_every_history(db, family, ladder, tz,
                                                                  offsets, rule):
    """Whatever the practices, their local days in the family's zone (across UTC midnight,
    one moment apart or hours apart) and the rule: ready exactly when rules.mastery says so."""
    family.child.family.timezone = tz
    progress.set_mastery_rule(db, ladder, min_practices=max(rule.min_practices, rule.min_days),
                              min_days=rule.min_days, max_peak=rule.max_peak,
                              count_halving=rule.count_halving)
    step = ladder.steps[0]
    db.execute(Practice.__table__.delete().where(Practice.step_id == step.id))
    start = datetime(2026, 3, 27, 20, tzinfo=UTC)  # a daylight-saving change in Europe
    for n, (minutes, peak, after, outcome) in enumerate(offsets):
        db.add(Practice(child_id=family.child.id, step_id=step.id,
                        practiced_at=start + timedelta(minutes=minutes), fear_before=5,
                        fear_peak=peak, fear_after=after, outcome=outcome,
                        idempotency_key=f"h{n}"))
    db.commit()
    facts = progress.ladder_progress(db, ladder).steps[0]
    expected = [step.id] if facts.mastery.met else []
    assert [s.id for s in progress.ready_steps(db, family.child)] == expected


def test_a_child_without_ladders_has_no_ready_steps(db, family):
    assert progress.ready_steps(db, family.child) == []


# ---- confirm_mastered -------------------------------------------------------------------

def test_confirm_mastered_moves_the_next_step_up(db, ladder):
    first, second = ladder.steps[:2]
    practise_on_days(db, first)
    new_current = steps.confirm_mastered(db, first)
    found = ladder_steps(db, ladder.id)
    assert [s.status for s in found] == ["mastered", "current", "upcoming", "upcoming"]
    assert new_current.id == second.id
    assert found[0].mastered_at is not None and found[0].current_since is None
    assert found[1].current_since is not None and found[1].mastered_at is None


def test_confirm_mastered_prefers_the_next_step_up_over_a_skipped_one_below(db, ladder):
    practise_on_days(db, ladder.steps[1])
    steps.make_current(db, ladder.steps[1])
    steps.confirm_mastered(db, ladder.steps[1])
    assert [s.status for s in ladder_steps(db, ladder.id)] == [
        "upcoming", "mastered", "current", "upcoming"]


def test_mastering_the_last_step_leaves_no_current_step(db, family):
    ladder = make_ladder(db, family.child, goal="Shops", area="outings", steps=1, by=family.user)
    practise_on_days(db, ladder.steps[0])
    assert steps.confirm_mastered(db, ladder.steps[0]) is None
    assert [s.status for s in ladder_steps(db, ladder.id)] == ["mastered"]


def _refused(db, ladder, step, message):
    before = [(s.status, s.mastered_at, s.current_since) for s in ladder_steps(db, ladder.id)]
    with pytest.raises(DomainError, match=message):
        steps.confirm_mastered(db, db.get(Step, step.id))
    assert [(s.status, s.mastered_at, s.current_since) for s in ladder_steps(db, ladder.id)] == before


def test_confirm_mastered_refuses_a_step_that_does_not_meet_the_rule(db, ladder):
    practise_on_days(db, ladder.steps[0], days=(0, 0, 0))
    _refused(db, ladder, ladder.steps[0], "Not yet: so far 3 of 3 practices, on 1 of 2 days")


def test_confirm_mastered_refuses_a_step_without_practices(db, ladder):
    _refused(db, ladder, ladder.steps[0], "Not yet: so far 0 of 3 practices")


def test_confirm_mastered_refuses_a_step_that_is_not_current(db, ladder):
    practise_on_days(db, ladder.steps[1])
    _refused(db, ladder, ladder.steps[1], "Only the step your child is practising now")


def test_confirm_mastered_refuses_a_step_already_mastered(db, ladder):
    practise_on_days(db, ladder.steps[0])
    steps.confirm_mastered(db, ladder.steps[0])
    _refused(db, ladder, ladder.steps[0], "already mastered")


def test_confirm_mastered_refuses_an_archived_ladder(db, ladder):
    practise_on_days(db, ladder.steps[0])
    ladders.archive_ladder(db, ladder)
    _refused(db, ladder, ladder.steps[0], "archived")


def test_did_not_try_practices_never_count(db, ladder):
    practise_on_days(db, ladder.steps[0], outcome="did_not_try")
    _refused(db, ladder, ladder.steps[0], "0 of 3 practices")


def test_a_step_made_current_again_is_no_longer_mastered(db, ladder):
    practise_on_days(db, ladder.steps[0])
    steps.confirm_mastered(db, ladder.steps[0])
    steps.make_current(db, ladder.steps[0])
    first = ladder_steps(db, ladder.id)[0]
    assert (first.status, first.mastered_at) == ("current", None)


# ---- the mastery rule -------------------------------------------------------------------

def test_the_default_rule_is_the_products(ladder):
    assert progress.mastery_rule(ladder).describe() == (
        "At least 3 practices on at least 2 different days with peak fear 3 or below "
        "or fear halved from its peak by the end.")


def test_set_mastery_rule_changes_what_counts(db, ladder):
    practise_on_days(db, ladder.steps[0], days=(0, 1), peak=8, after=4)  # fear halved, peak 8
    progress.set_mastery_rule(db, ladder, min_practices=2, min_days=2, max_peak=5,
                              count_halving=False)
    stored = db.get(Ladder, ladder.id)
    assert (stored.mastery_min_practices, stored.mastery_min_days, stored.mastery_max_peak,
            stored.mastery_count_halving) == (2, 2, 5, False)
    assert progress.ready_steps(db, ladder.child) == []
    progress.set_mastery_rule(db, ladder, min_practices=2, min_days=2, max_peak=5,
                              count_halving=True)
    assert [s.id for s in progress.ready_steps(db, ladder.child)] == [ladder.steps[0].id]


@pytest.mark.parametrize(("values", "message"), [
    ({"min_practices": 0}, "Practices needed must be a whole number from 1 to 20"),
    ({"min_practices": 21}, "Practices needed"),
    ({"min_days": 0}, "Different days needed must be a whole number from 1 to 20"),
    ({"min_days": 21}, "Different days needed"),
    ({"max_peak": -1}, "Highest peak fear must be a whole number from 0 to 10"),
    ({"max_peak": 11}, "Highest peak fear"),
    ({"max_peak": True}, "Highest peak fear"),
    ({"min_practices": "3"}, "Practices needed"),
    ({"min_practices": 2, "min_days": 3}, "days can't be more than the number of practices"),
])
def test_set_mastery_rule_refuses_bad_numbers(db, ladder, values, message):
    rule = {"min_practices": 3, "min_days": 2, "max_peak": 3, "count_halving": True} | values
    with pytest.raises(DomainError, match=message):
        progress.set_mastery_rule(db, ladder, **rule)
    db.expire_all()
    stored = db.get(Ladder, ladder.id)
    assert (stored.mastery_min_practices, stored.mastery_min_days, stored.mastery_max_peak) == (
        3, 2, 3)


def test_set_mastery_rule_refuses_an_archived_ladder(db, ladder):
    ladders.archive_ladder(db, ladder)
    with pytest.raises(DomainError, match="archived"):
        progress.set_mastery_rule(db, ladder, min_practices=1, min_days=1, max_peak=3,
                                  count_halving=True)
