"""The stored per-child summaries always give the caseload the full computation would.

A property-based test drives random writes, edits and deletes through the real services, with
the clock moving on between them, and after every step compares the caseload read from the
summaries with caseload.recompute_rows (the full computation from every row, the oracle) for
the same 'now', today and days later without any write in between.
"""
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from alembic import command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import event
from sqlmodel import Session, select

from graded_exposure import schema
from graded_exposure.db import make_engine
from graded_exposure.errors import DomainError
from graded_exposure.models import (
    Child,
    ChildSummary,
    Ladder,
    Practice,
    Step,
    TherapistNote,
    TherapySession,
    User,
    utcnow,
)
from graded_exposure.rules import attention, streaks
from graded_exposure.rules.practice_rules import SMALL_WINS
from graded_exposure.rules.session_record import SessionDetails
from graded_exposure.rules.timezones import local_date
from graded_exposure.services import (
    account_deletion,
    caseload,
    checkins,
    child_summary,
    families,
    insights,
    ladders,
    practices,
    steps,
    therapist_notes,
    therapy_sessions,
    two_voices,
)
from graded_exposure.services.checkins import AvoidanceInput, CheckInInput
from graded_exposure.services.practices import PracticeDetails
from tests.conftest import PASSWORD
from tests.factories import busy_child, link, make_therapist, quick_family_child, template_ladder

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # DST changes in London, LA and Auckland follow
ZONES = ("Europe/London", "Pacific/Auckland", "America/Los_Angeles")
CHILDREN = 3
LATER = (timedelta(0), timedelta(days=9), timedelta(days=31))

child_index = st.integers(0, CHILDREN - 1)
pick = st.integers(0, 50)
operations = st.one_of(
    st.tuples(st.just("practice"), child_index, pick, st.integers(0, 40), st.integers(0, 23),
              st.integers(0, 10), st.sampled_from(("did_it", "partly", "left_early",
                                                   "not_today"))),
    st.tuples(st.just("practice_same_step"), child_index, st.integers(0, 10)),
    st.tuples(st.just("edit_practice"), child_index, pick, st.integers(0, 10),
              st.integers(0, 30)),
    st.tuples(st.just("delete_practice"), child_index, pick),
    st.tuples(st.just("note_practice"), child_index, pick),
    st.tuples(st.just("child_faces"), child_index, pick, st.sampled_from((0, 2, 4, 6, 8, 10)),
              st.sampled_from((0, 2, 4, 6, 8, 10))),
    st.tuples(st.just("checkin"), child_index, st.integers(0, 20),
              st.lists(st.sampled_from(("school", "outing", "social")), max_size=3,
                       unique=True)),
    st.tuples(st.just("hopeless_checkin"), child_index, st.integers(0, 20)),
    st.tuples(st.just("session"), child_index, st.integers(0, 40),
              st.sampled_from(("attended", "declined", "cancelled")), st.booleans()),
    st.tuples(st.just("flip_session"), child_index, pick),
    st.tuples(st.just("make_current"), child_index, pick),
    st.tuples(st.just("master"), child_index),
    st.tuples(st.just("move_step"), child_index, pick, st.sampled_from(("up", "down"))),
    st.tuples(st.just("edit_step"), child_index, pick, st.integers(0, 10)),
    st.tuples(st.just("add_step"), child_index, st.integers(0, 10)),
    st.tuples(st.just("delete_step"), child_index, pick),
    st.tuples(st.just("archive_toggle"), child_index, pick),
    st.tuples(st.just("new_ladder"), child_index),
    st.tuples(st.just("homework"), child_index),
    st.tuples(st.just("homework_done"), child_index, pick),
    st.tuples(st.just("timezone"), child_index, st.sampled_from(ZONES)),
    st.tuples(st.just("rename"), child_index, st.text("abcxyz", min_size=1, max_size=6)),
    st.tuples(st.just("wait"), st.integers(1, 24 * 16)),
)


@dataclass
class World:
    db: Session
    clock: object  # the time_machine traveller: shift() moves the clock on
    therapist: object
    carer: object
    child_ids: list[int]
    names: int = 0

    def child(self, n: int) -> Child:
        return self.db.get(Child, self.child_ids[n])

    def ladders(self, n: int, status="active") -> list[Ladder]:
        return list(self.db.exec(select(Ladder).where(
            Ladder.child_id == self.child_ids[n], Ladder.status == status).order_by(Ladder.id)))

    def steps(self, n: int) -> list[Step]:
        return [s for ladder in self.ladders(n) for s in ladder.steps]

    def practices(self, n: int) -> list[Practice]:
        return list(self.db.exec(select(Practice).where(Practice.child_id == self.child_ids[n])
                                 .order_by(Practice.id)))


def _chosen(rows: list, n: int):
    return rows[n % len(rows)] if rows else None


def _local_moment(child: Child, days_ago: int, hour: int) -> datetime:
    today = checkins.today_for(child)
    return datetime(today.year, today.month, today.day, hour, 0) - timedelta(days=days_ago)


def _practise(world: World, n: int, step: Step | None, when: datetime | None, peak: int,
              outcome: str) -> None:
    if step is None:
        return
    details = PracticeDetails(fear_before=peak, fear_peak=peak, fear_after=0, outcome=outcome,
                              practiced_at=when, small_wins=_wins(peak))
    world.names += 1
    practices.log_practice(world.db, world.child(n), step, world.carer, details,
                           f"p-{world.names}-{utcnow().timestamp()}")


def _wins(n: int) -> list[str]:
    """No small win, one or two, picked by n: the summary counts them as they change."""
    names = sorted(SMALL_WINS)
    return names[n % len(names):n % len(names) + n % 3]


def _log(world: World, n, which, days_ago, hour, peak, outcome):
    _practise(world, n, _chosen(world.steps(n), which),
              _local_moment(world.child(n), days_ago, hour), peak, outcome)


def _log_on_current(world: World, n, peak):
    current = [s for s in world.steps(n) if s.status == "current"]
    _practise(world, n, _chosen(current, 0), None, peak, "did_it")


def _edit_practice(world: World, n, which, peak, days_ago):
    if practice := _chosen(world.practices(n), which):
        details = PracticeDetails(fear_before=peak, fear_peak=peak, fear_after=0,
                                  outcome=practice.outcome, small_wins=_wins(peak + 1),
                                  practiced_at=_local_moment(world.child(n), days_ago, 12))
        practices.edit_practice(world.db, practice, practice.step, details)


def _delete_practice(world: World, n, which):
    if practice := _chosen(world.practices(n), which):
        practices.delete_practice(world.db, practice, world.carer)


def _note_practice(world: World, n, which):
    """A change the row does not read: the summary must not move (nor be rebuilt)."""
    if practice := _chosen(world.practices(n), which):
        practice.note = practice.note + "!"
        world.db.commit()


def _child_faces(world: World, n, which, before, after):
    """The child's faces on a try: beside the caregiver's numbers, or counted in their place."""
    if practice := _chosen(world.practices(n), which):
        two_voices.add_child_rating(world.db, practice, before, after)


def _check_in(world: World, n, days_ago, avoided):
    child = world.child(n)
    world.names += 1
    checkins.save_checkin(world.db, child, world.carer, CheckInInput(
        day=checkins.today_for(child) - timedelta(days=days_ago), child_distress=4,
        caregiver_distress=3,
        avoidances=[AvoidanceInput(kind=k, accommodations=["reassurance"]) for k in avoided]),
        f"c-{world.names}-{utcnow().timestamp()}")


def _hopeless_check_in(world: World, n, days_ago):
    child = world.child(n)
    world.names += 1
    checkins.save_checkin(world.db, child, world.carer, CheckInInput(
        day=checkins.today_for(child) - timedelta(days=days_ago), child_distress=6,
        caregiver_distress=5, hopeless_words=True), f"h-{world.names}-{utcnow().timestamp()}")


def _session_details(child: Child, days_ago: int, attendance: str,
                     hopeless: bool) -> SessionDetails:
    marks = ["hopeless"] if hopeless and attendance != "cancelled" else []
    return SessionDetails(held_on=checkins.today_for(child) - timedelta(days=days_ago),
                          mode="in_person", attendance=attendance, presentations=marks)


def _record_session(world: World, n, days_ago, attendance, hopeless):
    child = world.child(n)
    world.names += 1
    therapy_sessions.record_session(world.db, world.therapist, child,
                                    _session_details(child, days_ago, attendance, hopeless),
                                    f"s-{world.names}-{utcnow().timestamp()}")


def _flip_session(world: World, n, which):
    child = world.child(n)
    records = list(world.db.exec(select(TherapySession).where(
        TherapySession.child_id == child.id).order_by(TherapySession.id)))
    if record := _chosen(records, which):
        days_ago = (checkins.today_for(child) - record.held_on).days
        therapy_sessions.edit_session(world.db, world.therapist, child, record, _session_details(
            child, days_ago, record.attendance, "hopeless" not in record.presentations))


def _on_step(change):
    """An operation on the child's `which`-th step of its active ladders, if there is one."""
    def operate(world: World, n, which, *args):
        if step := _chosen(world.steps(n), which):
            change(world.db, step, *args)
    return operate


def _master(world: World, n):
    if current := [s for s in world.steps(n) if s.status == "current"]:
        steps.confirm_mastered(world.db, current[0])


def _edit_step(db, step, fear):
    steps.update_step(db, step, title=step.title + "!", detail=step.detail,
                      predicted_fear=fear, social_story=step.social_story)


def _add_step(world: World, n, fear):
    if ladder := _chosen(world.ladders(n), 0):
        steps.add_step(world.db, ladder, title=f"New step {fear}", predicted_fear=fear)


def _archive_toggle(world: World, n, which):
    ladder = _chosen(world.ladders(n) + world.ladders(n, "archived"), which)
    if ladder is not None:
        change = ladders.archive_ladder if ladder.status == "active" else ladders.unarchive_ladder
        change(world.db, ladder)


def _homework_done(world: World, n, which):
    notes = list(world.db.exec(select(TherapistNote).where(
        TherapistNote.child_id == world.child_ids[n]).order_by(TherapistNote.id)))
    if note := _chosen(notes, which):
        therapist_notes.mark_done(world.db, note, world.carer)


def _rename(world: World, n, name):
    child = world.child(n)
    families.update_child(world.db, child, display_name=name, age_band=child.age_band)


OPERATIONS = {
    "wait": lambda world, hours: world.clock.shift(timedelta(hours=hours)),
    "practice": _log,
    "practice_same_step": _log_on_current,
    "edit_practice": _edit_practice,
    "delete_practice": _delete_practice,
    "note_practice": _note_practice,
    "child_faces": _child_faces,
    "checkin": _check_in,
    "hopeless_checkin": _hopeless_check_in,
    "session": _record_session,
    "flip_session": _flip_session,
    "make_current": _on_step(steps.make_current),
    "master": _master,
    "move_step": _on_step(steps.move_step),
    "edit_step": _on_step(_edit_step),
    "add_step": _add_step,
    "delete_step": _on_step(steps.delete_step),
    "archive_toggle": _archive_toggle,
    "new_ladder": lambda world, n: ladders.create_ladder_from_template(
        world.db, world.child(n), world.carer, "drop-off"),
    "homework": lambda world, n: therapist_notes.write_note(
        world.db, world.child(n), world.therapist, kind="homework", text="Practise twice"),
    "homework_done": _homework_done,
    "timezone": lambda world, n, zone: families.set_timezone(world.db, world.child(n).family,
                                                             zone),
    "rename": _rename,
}


def apply(world: World, op: tuple) -> None:
    kind, *args = op
    OPERATIONS[kind](world, *args)


def assert_summaries_match_the_full_computation(world: World) -> None:
    db = world.db
    db.expire_all()
    for later in LATER:
        now = utcnow() + later
        assert caseload.for_therapist(db, world.therapist, now) == \
            caseload.recompute_rows(db, world.therapist, now), f"{later} later"
    connection = db.connection()
    for child_id in world.child_ids:
        stored = db.get(ChildSummary, child_id)
        fresh = child_summary.summary_of(connection, child_id)
        assert {k: getattr(stored, k) for k in fresh} == fresh
        assert_history_equals_a_recount(world, db.get(Child, child_id))


def assert_history_equals_a_recount(world: World, child: Child) -> None:
    """The insights' streaks, days, stars and wins (read from the summary) equal a recount
    from every practice the child has."""
    tz = child.family.timezone
    for later in LATER:
        today = local_date(utcnow() + later, tz)
        found = insights.for_child(world.db, child, today)
        days = insights.practice_days(world.db, child)
        every = world.db.scalars(select(Practice).where(Practice.child_id == child.id)).all()
        assert (found.current_streak, found.longest_streak) == (
            streaks.current_streak(days, today), streaks.longest_streak(days))
        assert (found.practice_days_last_7, found.practice_days_last_28) == (
            attention.practice_days_within(days, today, attention.WEEK),
            attention.practice_days_within(days, today, attention.FOUR_WEEKS))
        assert found.stars == sum(streaks.stars_for(insights.practice_fact(p, tz))
                                  for p in every)
        assert found.small_wins == Counter(w for p in every for w in p.small_wins)




FLAG_KINDS = {"no_practice", "stuck_easy", "fear_not_falling", "avoidance_rising",
              "hopelessness"}
# Leads to every kind of flag, so the comparison sees each of them raised at least once.
# A calm check-in 13 days back gives avoidance a week before to rise from.
ALL_FLAGS = [("practice_same_step", 0, 7)] * 5 + [
    ("checkin", 1, 13, []), ("checkin", 1, 0, ["school", "outing"]), ("checkin", 1, 1, ["social"]),
    ("edit_step", 2, 0, 2), ("make_current", 2, 0), ("wait", 24 * 15)]
# A family moving time zone moves the local days its practices fell on.
NEW_ZONE = [("practice", 0, 0, 1, 23, 5, "did_it"), ("timezone", 0, "Pacific/Auckland")]
# Practices on a step still to come, fear not falling: a step the row did not list turns flat
# (child_summary.add_practices leaves that to a rebuild, which puts it in ladder order).
UPCOMING_FLAT = [("practice", 0, 5, days_ago, 12, 7, "did_it") for days_ago in (5, 4, 3, 2, 1)]
# Hopelessness from sessions (two of the last three, one edited away again) and from words.
HOPELESS = [("session", 0, 9, "attended", True), ("session", 0, 5, "cancelled", False),
            ("session", 0, 2, "declined", True), ("flip_session", 0, 0),
            ("session", 0, 1, "attended", True), ("hopeless_checkin", 1, 3), ("wait", 24 * 12)]
# Runs of practice days, in order and one day late, then a gap filled afterwards (joining two
# runs: a recount) and a practice deleted from the middle of a run (splitting it).
STREAKS = [("practice", 0, 0, days_ago, 12, 5, "did_it") for days_ago in (9, 8, 7, 5, 4, 3)] + [
    ("practice", 0, 0, 6, 12, 5, "did_it"), ("practice", 0, 0, 2, 12, 5, "did_it"),
    ("delete_practice", 0, 3)]
# Deleting a step deletes its practices too (the database cascades).
STEP_GONE = [("practice", 1, 0, 1, 12, 5, "did_it"), ("delete_step", 1, 0)]


def test_stored_summaries_equal_the_full_computation_after_any_writes(db):
    seen: set[str] = set()
    with time_machine.travel(START, tick=False) as clock:
        world = _world(db, clock)

        @settings(max_examples=12, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(st.lists(operations, min_size=1, max_size=8))
        @example(ALL_FLAGS)
        @example(NEW_ZONE)
        @example(STEP_GONE)
        @example(UPCOMING_FLAT)
        @example(HOPELESS)
        @example(STREAKS)
        def run(ops):
            for op in ops:
                try:
                    apply(world, op)
                except DomainError:
                    db.rollback()
                assert_summaries_match_the_full_computation(world)
                seen.update(f.kind for row in caseload.for_therapist(db, world.therapist)
                            for f in row.flags)

        run()
    assert seen == FLAG_KINDS


def _world(db: Session, clock) -> World:
    """Three linked children in three time zones, each with a ladder from a template."""
    therapist = make_therapist(db)
    children = [quick_family_child(db, n, tz=zone) for n, zone in enumerate(ZONES)]
    carer = db.exec(select(User).where(User.email == "parent0@example.com")).one()
    for child in children:
        template_ladder(db, child)
        link(db, therapist, child, practice_target_days=3)
    return World(db, clock, therapist, carer, [c.id for c in children])


# ---- paging, in order of need ------------------------------------------------------------------

def _on_track_and_behind(db: Session, now: datetime):
    """Children 000-002 practised today against a target of 1; 003 and 004 never, target 5."""
    tara = make_therapist(db)
    for n in range(5):
        child = quick_family_child(db, n)
        step = template_ladder(db, child).steps[0]
        if n < 3:
            db.add(Practice(child_id=child.id, step_id=step.id, practiced_at=now, fear_before=3,
                            fear_peak=4, fear_after=1, outcome="did_it", idempotency_key=f"t{n}"))
            db.commit()
        link(db, tara, child, practice_target_days=1 if n < 3 else 5)
    return tara


def test_pages_follow_the_order_of_need_across_the_whole_caseload(db):
    now = utcnow()
    tara = _on_track_and_behind(db, now)
    pages = [caseload.page_for_therapist(db, tara, n, now, per_page=2) for n in (1, 2, 3)]
    assert [[r.child.display_name for r in p.rows] for p in pages] == [
        ["Child 003", "Child 004"], ["Child 000", "Child 001"], ["Child 002"]]
    assert all(p.total == 5 and p.waiting == 2 and p.pages == 3 for p in pages)
    assert [(p.page.has_newer, p.page.has_older) for p in pages] == [
        (False, True), (True, True), (True, False)]


@pytest.mark.parametrize(("asked", "shown"), [(0, 1), (-4, 1), (99, 3)])
def test_a_page_out_of_range_shows_the_nearest_one(db, asked, shown):
    now = utcnow()
    tara = _on_track_and_behind(db, now)
    listing = caseload.page_for_therapist(db, tara, asked, now, per_page=2)
    assert listing.page.page == shown and listing.rows


def test_an_empty_caseload_is_one_empty_page(db):
    listing = caseload.page_for_therapist(db, make_therapist(db), 3)
    assert listing.rows == [] and listing.total == 0 and listing.pages == 1


# ---- rows come and go with the children ---------------------------------------------------------

def _summary_ids(db: Session) -> list[int]:
    db.expire_all()
    return list(db.exec(select(ChildSummary.child_id)))


def test_deleting_a_child_removes_its_summary(db, family):
    template_ladder(db, family.child)
    assert _summary_ids(db) == [family.child.id]
    families.delete_child(db, family.user, family.child)
    assert _summary_ids(db) == []


def test_deleting_the_last_caregivers_account_removes_the_summaries(db, family):
    template_ladder(db, family.child)
    account_deletion.delete_account(db, family.user, PASSWORD)
    assert _summary_ids(db) == []


def test_a_child_without_a_summary_row_is_listed_with_nothing_logged(db, family):
    tara = make_therapist(db)
    link(db, tara, family.child)
    assert _summary_ids(db) == []  # nothing was ever written about the child
    now = utcnow()
    [row] = caseload.for_therapist(db, tara, now)
    assert [row] == caseload.recompute_rows(db, tara, now)
    assert row.last_activity is None and row.days_last_7 == 0 and not row.current_steps


# ---- concurrent writers -------------------------------------------------------------------------

def test_two_first_writes_for_a_child_at_once_both_reach_its_summary(app):
    """The first writer inserts the child's summary row and is held before its commit; the
    second writes meanwhile. On PostgreSQL there is no row yet for the second to lock: unless
    it waits for the first some other way, it builds the row without the first's check-in and
    overwrites the first's row with that (ON CONFLICT DO UPDATE) once the first commits."""
    engine = app.extensions["db_engine"]
    with Session(engine) as setup:
        family_id = quick_family_child(setup, 1).family_id
        user = setup.exec(select(User).where(User.family_id == family_id)).one()
        child = families.add_child(setup, user, display_name="Second")  # no summary row yet
        ids, today = (child.id, user.id), checkins.today_for(child)
        assert setup.get(ChildSummary, child.id) is None
    held, go, first = threading.Event(), threading.Event(), []

    def hold_the_first_after_its_insert(_conn, _cursor, statement, *_args):
        if (threading.current_thread() in first and not held.is_set()
                and statement.startswith("INSERT INTO childsummary")):
            held.set()
            go.wait(30)

    def save(day: date, key: str) -> None:
        with Session(engine, expire_on_commit=False) as session:
            checkins.save_checkin(session, session.get(Child, ids[0]), session.get(User, ids[1]),
                                  CheckInInput(day=day, child_distress=4, caregiver_distress=4,
                                               avoidances=[AvoidanceInput(kind="school")]), key)

    event.listen(engine, "after_cursor_execute", hold_the_first_after_its_insert)
    try:
        first.append(threading.Thread(target=save, args=(today, "first")))
        first[0].start()
        assert held.wait(30), "the first writer never inserted the summary row"
        threading.Timer(1.0, go.set).start()  # the second is writing (or waiting) by then
        save(today - timedelta(days=1), "second")
        first[0].join(30)
    finally:
        go.set()
        event.remove(engine, "after_cursor_execute", hold_the_first_after_its_insert)
    with engine.connect() as connection:
        stored = connection.execute(select(ChildSummary.avoidances).where(
            ChildSummary.child_id == ids[0])).scalar_one()
        assert len(stored) == 2, stored
        assert stored == child_summary.summary_of(connection, ids[0])["avoidances"]


# ---- the migration -----------------------------------------------------------------------------

def test_upgrading_a_database_with_data_backfills_every_childs_summary(migrated_database):
    url = migrated_database
    engine = make_engine(url)
    now = utcnow()
    with Session(engine, expire_on_commit=False) as db:
        tara = User(email="t@example.com", display_name="Tara", password_hash="x",
                    role="therapist")
        db.add(tara)
        db.commit()
        for n in range(3):
            busy_child(db, n, tara, now)
        link(db, tara, quick_family_child(db, 9))
    engine.dispose()
    command.downgrade(schema.alembic_config(url), "8893be6a7d58")  # back before the summaries
    schema.upgrade(url)
    with Session(engine) as db:
        assert len(_summary_ids(db)) == 4
        rows = caseload.for_therapist(db, tara, now)
        assert rows == caseload.recompute_rows(db, tara, now)
        assert sorted(r.days_last_7 for r in rows) == [0, 6, 6, 6]
        assert sum(r.open_homework for r in rows) == 3
        for child_id in _summary_ids(db):
            stored = db.get(ChildSummary, child_id)
            fresh = child_summary.summary_of(db.connection(), child_id)
            assert {k: getattr(stored, k) for k in fresh} == fresh
    engine.dispose()
