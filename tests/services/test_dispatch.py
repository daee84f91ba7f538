"""Dispatch: once per occurrence, at the right local time, with grace, snooze, pause, quiet."""
import logging
import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from graded_exposure.models import (
    Delivery,
    NotificationSettings,
    Reminder,
)
from graded_exposure.rules import schedule
from graded_exposure.services import claims, dispatch
from tests.factories import DISPATCH_CONFIG, add_reminder, local, person
from tests.lookups import deliveries, inbox


def run_clock(db, start, end, step):
    """Run a pass at every `step` from start to end with the real clock moved (time-machine)."""
    moment = start
    while moment <= end:
        with time_machine.travel(moment, tick=False):
            dispatch.run_pass(db, DISPATCH_CONFIG)
        moment += step


def test_a_due_reminder_goes_to_the_inbox_once(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=now).sent == 1
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=now + timedelta(minutes=1)).claimed == 0
    [d] = deliveries(db, r)
    assert (d.status, d.local_date, d.due_at) == ("sent", date(2026, 6, 10),
                                                  local("Europe/London", 2026, 6, 10, 7, 30))
    [m] = inbox(db, user)
    assert m.delivery_id == d.id and "Sam" in m.title and m.link.endswith("/practices/new")
    db.refresh(r)
    assert r.next_due_at == local("Europe/London", 2026, 6, 11, 7, 30)
    assert (r.claimed_by, r.claimed_until) == ("", None)


def test_nothing_is_sent_before_it_is_due(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 7, 29)).claimed == 0
    assert deliveries(db, r) == []


TRANSITIONS = [("Europe/London", date(2026, 3, 29)), ("Europe/London", date(2026, 10, 25)),
               ("America/New_York", date(2026, 3, 8)), ("America/New_York", date(2026, 11, 1)),
               ("Australia/Sydney", date(2026, 10, 4)), ("Australia/Sydney", date(2026, 4, 5))]


@pytest.mark.parametrize(("tz", "day"), TRANSITIONS)
def test_0730_every_day_across_a_clock_change(db, tz, day):
    user, child = person(db, tz)
    zone = ZoneInfo(tz)
    start = datetime.combine(day - timedelta(days=1), time.min, zone).astimezone(UTC)
    r = add_reminder(db, user, child, created=start, tz=tz)
    run_clock(db, start, start + timedelta(days=3), timedelta(minutes=10))
    found = deliveries(db, r)
    assert [d.local_date for d in found] == [day + timedelta(days=n) for n in (-1, 0, 1)]
    assert {d.status for d in found} == {"sent"}
    assert [d.due_at.astimezone(zone).time() for d in found] == [time(7, 30)] * 3
    for d, message in zip(found, inbox(db, user), strict=True):
        assert d.due_at <= message.created_at < d.due_at + timedelta(minutes=10)


# On the change day: a time in the gap goes out once, moved forward by the gap; a time the
# clock passes twice goes out once, the first time.
EDGE_TIMES = [
    ("Europe/London", date(2026, 3, 29), "01:30", datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    ("Europe/London", date(2026, 10, 25), "01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ("America/New_York", date(2026, 3, 8), "02:30", datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
    ("America/New_York", date(2026, 11, 1), "01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    ("Australia/Sydney", date(2026, 10, 4), "02:30", datetime(2026, 10, 3, 16, 30, tzinfo=UTC)),
    ("Australia/Sydney", date(2026, 4, 5), "02:30", datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("tz", "day", "wall", "expected"), EDGE_TIMES)
def test_edge_times_on_the_change_day_go_out_once(db, tz, day, wall, expected):
    user, child = person(db, tz)
    start = expected - timedelta(hours=6)
    r = add_reminder(db, user, child, created=start, tz=tz, local_time=wall)
    run_clock(db, start, expected + timedelta(hours=4), timedelta(minutes=5))
    [d] = deliveries(db, r)
    assert (d.local_date, d.due_at, d.status) == (day, expected, "sent")
    [message] = inbox(db, user)
    assert expected <= message.created_at < expected + timedelta(minutes=5)


@pytest.mark.parametrize(("wall", "quiet"), [("21:30", True), ("06:30", True), ("07:30", False)])
def test_quiet_hours_hold_email_and_push_but_not_the_inbox(db, wall, quiet):
    user, child = person(db)
    db.add(NotificationSettings(user_id=user.id, quiet_start="21:00", quiet_end="07:00"))
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     local_time=wall, channels=("inbox", "email", "push"))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at + timedelta(minutes=1))
    [d] = deliveries(db, r)
    expected = "quiet" if quiet else "pending"
    assert (d.status, d.email_state, d.push_state) == ("sent", expected, expected)
    assert len(inbox(db, user)) == 1


def test_quiet_hours_send_to_the_inbox_even_when_it_was_not_chosen(db):
    user, child = person(db)
    db.add(NotificationSettings(user_id=user.id, quiet_start="21:00", quiet_end="07:00"))
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     local_time="22:00", channels=("push",))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    assert deliveries(db, r)[0].push_state == "quiet"
    assert len(inbox(db, user)) == 1


def test_without_quiet_hours_only_chosen_channels_are_pending(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     channels=("email",))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    [d] = deliveries(db, r)
    assert (d.email_state, d.push_state) == ("pending", "")
    assert inbox(db, user) == []


def test_an_email_opt_out_for_the_kind_leaves_email_out(db):
    user, child = person(db)
    db.add(NotificationSettings(user_id=user.id, email_opt_out=["practice"]))
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     channels=("inbox", "email", "push"))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    [d] = deliveries(db, r)
    assert (d.email_state, d.push_state) == ("", "pending")


@pytest.mark.parametrize(("late", "status", "messages"), [
    (timedelta(minutes=1), "sent", 1), (timedelta(minutes=119), "sent", 1),
    (timedelta(minutes=121), "missed", 0), (timedelta(hours=9), "missed", 0)])
def test_grace_window(db, late, status, messages):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at + late)
    [d] = deliveries(db, r)
    assert d.status == status and getattr(counts, status) == 1
    assert len(inbox(db, user)) == messages


def test_after_three_days_down_old_ones_are_missed_not_a_burst(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     channels=("inbox", "email"))
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 13, 8, 0))
    assert [(d.local_date.day, d.status) for d in deliveries(db, r)] == [
        (10, "missed"), (11, "missed"), (12, "missed"), (13, "sent")]
    assert [d.email_state for d in deliveries(db, r)] == ["", "", "", "pending"]
    assert (counts.missed, counts.sent) == (3, 1)
    assert len(inbox(db, user)) == 1
    db.refresh(r)
    assert r.next_due_at == local("Europe/London", 2026, 6, 14, 7, 30)


def test_even_a_long_grace_window_sends_only_the_latest(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    config = {**DISPATCH_CONFIG, "REMINDER_GRACE": timedelta(days=5)}
    dispatch.run_pass(db, config, now=local("Europe/London", 2026, 6, 12, 8, 0))
    assert [d.status for d in deliveries(db, r)] == ["missed", "missed", "sent"]
    assert len(inbox(db, user)) == 1


def test_a_month_down_records_at_most_the_catch_up_window(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 5, 1))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 8, 0))
    found = deliveries(db, r)
    assert len(found) <= dispatch.MAX_CATCH_UP.days + 1
    assert found[-1].local_date == date(2026, 6, 10) and found[-1].status == "sent"


def test_snooze_skips_exactly_that_occurrence(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     skip_date=date(2026, 6, 10))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 7, 31))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 11, 7, 31))
    assert [(d.local_date.day, d.status) for d in deliveries(db, r)] == [(10, "skipped"),
                                                                          (11, "sent")]
    assert len(inbox(db, user)) == 1


def test_a_paused_reminder_is_not_claimed_and_resuming_sends_no_burst(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10), active=False)
    now = local("Europe/London", 2026, 6, 12, 9, 0)
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=now).claimed == 0
    db.refresh(r)
    assert deliveries(db, r) == [] and r.claimed_by == ""
    r.active = True  # resume as services/reminders does: the next time from now on
    r.next_due_at = schedule.next_occurrence_utc(r.weekdays, r.local_time, r.timezone, now)
    db.commit()
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=now + timedelta(minutes=1)).claimed == 0
    dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 13, 7, 31))
    assert [(d.local_date.day, d.status) for d in deliveries(db, r)] == [(13, "sent")]


def test_it_stops_after_its_end_date(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     ends_on=date(2026, 6, 10))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 7, 31))
    db.refresh(r)
    assert r.next_due_at is None and len(deliveries(db, r)) == 1


def test_a_day_that_already_has_a_delivery_never_gets_a_second(db):
    # e.g. the time was moved from 07:30 to 08:00 after the 07:30 one went out
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     local_time="08:00")
    db.add(Delivery(reminder_id=r.id, local_date=date(2026, 6, 10), status="sent",
                    due_at=local("Europe/London", 2026, 6, 10, 7, 30)))
    db.commit()
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 8, 1))
    assert counts.claimed == 1 and counts.sent == 0
    assert len(deliveries(db, r)) == 1 and inbox(db, user) == []
    db.refresh(r)
    assert r.next_due_at == local("Europe/London", 2026, 6, 11, 8, 0)


def test_a_lease_held_by_another_dispatcher_is_respected_until_it_runs_out(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    now = r.next_due_at + timedelta(minutes=1)
    r.claimed_by, r.claimed_until = "a-dead-process", now + timedelta(minutes=3)
    db.commit()
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=now).claimed == 0
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=now + timedelta(minutes=3)).sent == 1
    assert len(deliveries(db, r)) == 1


@pytest.mark.parametrize("size", [3, 3 * dispatch.SHARED_DUE])  # released one by one, or at once
def test_a_reminder_taken_over_mid_batch_is_left_to_its_new_owner(db, monkeypatch, size):
    user, child = person(db)
    reminders = [add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
                 for _ in range(size)]
    taken, due = reminders[1], reminders[1].next_due_at
    real_claim = claims.claim_due_reminders

    def claim_then_lose_one(session, **kw):
        batch = real_claim(session, **kw)
        if batch:  # this pass stalls past its lease; another pass takes one reminder over
            session.connection().execute(claims.REMINDERS.update()
                                         .where(claims.REMINDERS.c.id == taken.id)
                                         .values(claimed_by="the-new-owner"))
            session.commit()
        return batch

    monkeypatch.setattr(claims, "claim_due_reminders", claim_then_lose_one)
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=due + timedelta(minutes=1))
    assert (counts.claimed, counts.sent) == (size, size - 1)
    assert deliveries(db, taken) == [] and len(inbox(db, user)) == size - 1
    db.refresh(taken)
    assert (taken.next_due_at, taken.claimed_by) == (due, "the-new-owner")
    for r in reminders:
        db.refresh(r)
    assert {r.next_due_at for r in reminders if r is not taken} == {due + timedelta(days=1)}


def test_an_unreadable_schedule_is_stopped_without_blocking_the_batch(db, caplog):
    user, child = person(db)
    good = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    bad = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    bad.timezone = "Mars/Olympus_Mons"
    db.commit()
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=good.next_due_at)
    assert counts.sent == 1 and len(deliveries(db, good)) == 1
    db.refresh(bad)
    assert bad.next_due_at is None and bad.claimed_by == ""
    assert "unreadable schedule" in caplog.text


def test_statements_per_batch_do_not_grow_with_the_batch(app, db):
    engine = app.extensions["db_engine"]
    user, child = person(db)
    per_batch = []
    for size, day in ((4, 10), (40, 11)):
        reminders = [add_reminder(db, user, child, created=local("Europe/London", 2026, 6, day),
                                  weekdays=str(date(2026, 6, day).isoweekday()))
                     for _ in range(size)]
        statements = []

        def count(*_args, seen=statements):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        counts = dispatch.run_pass(db, {**DISPATCH_CONFIG, "REMINDER_BATCH": 100},
                                   now=reminders[0].next_due_at)
        event.remove(engine, "before_cursor_execute", count)
        assert (counts.claimed, counts.sent, counts.batches) == (size, size, 1)
        per_batch.append(len(statements))
    assert per_batch[0] == per_batch[1]  # no statement per reminder


def test_small_batches_cover_every_due_reminder(db):
    user, child = person(db)
    for _ in range(10):
        add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    counts = dispatch.run_pass(db, {**DISPATCH_CONFIG, "REMINDER_BATCH": 3},
                               now=local("Europe/London", 2026, 6, 10, 7, 31))
    assert (counts.claimed, counts.sent, counts.batches) == (10, 10, 4)


def test_a_stop_request_ends_the_pass_after_the_batch_in_hand(db):
    user, child = person(db)
    for _ in range(10):
        add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    asked = []
    counts = dispatch.run_pass(db, {**DISPATCH_CONFIG, "REMINDER_BATCH": 3},
                               now=local("Europe/London", 2026, 6, 10, 7, 31),
                               stop_requested=lambda: asked.append(1) or len(asked) > 1)
    assert (counts.claimed, counts.sent, counts.batches) == (3, 3, 1)
    db.expire_all()
    assert not db.exec(select(Reminder).where(Reminder.claimed_by != "")).all()
    later = dispatch.run_pass(db, {**DISPATCH_CONFIG, "REMINDER_BATCH": 3},
                              now=local("Europe/London", 2026, 6, 10, 7, 32))
    assert (later.claimed, later.sent) == (7, 7)
    assert len(db.exec(select(Delivery)).all()) == 10


def test_a_stop_requested_before_the_pass_claims_nothing(db):
    user, child = person(db)
    add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 7, 31),
                               stop_requested=lambda: True)
    assert counts.claimed == 0


def test_each_pass_logs_its_counts(db, caplog):
    user, child = person(db)
    add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 9))
    with caplog.at_level(logging.INFO, logger="graded_exposure.services.dispatch"):
        dispatch.run_pass(db, DISPATCH_CONFIG, now=local("Europe/London", 2026, 6, 10, 7, 31))
    assert "claimed=2 sent=2 missed=1 skipped=0 not_needed=0" in caplog.text


@pytest.mark.parametrize(("dialect", "skip_locked"), [(postgresql.dialect(), True),
                                                      (sqlite.dialect(), False)])
def test_the_claim_is_one_statement_skipping_locked_rows_on_postgresql(dialect, skip_locked):
    for statement in (claims.claim_due_statement(dialect.name),
                      claims.claim_outbox_statement(dialect.name)):
        sql = str(statement.compile(dialect=dialect))
        assert " UPDATE " in f" {sql} " and "RETURNING" in sql
        assert ("FOR UPDATE SKIP LOCKED" in sql) is skip_locked
        # On PostgreSQL the rows are picked once, in a CTE the planner cannot run again.
        assert sql.startswith("WITH picked AS MATERIALIZED") is skip_locked


def test_a_claim_never_takes_what_an_open_claim_holds(app, db):
    """While one claim's transaction is still open, a second claimer takes other reminders:
    on PostgreSQL at once (it skips the locked rows), on SQLite once the first commits (it
    queues on the write lock and then sees the first one's lease)."""
    user, child = person(db)
    for _ in range(6):
        add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    now, lease = local("Europe/London", 2026, 6, 10, 7, 31), timedelta(minutes=5)
    engine = app.extensions["db_engine"]
    skips = engine.dialect.name == "postgresql"
    second: dict = {}

    def claim_second():
        with Session(engine) as session:
            second["rows"] = claims.claim_due_reminders(session, worker="second", now=now,
                                                        lease=lease, limit=6)

    with Session(engine) as session, claims.write_transaction(session) as connection:
        held = connection.execute(claims.claim_due_statement(engine.dialect.name), {
            "worker": "first", "now": now, "until": now + lease, "limit": 3}).all()
        thread = threading.Thread(target=claim_second)
        thread.start()
        thread.join(timeout=10 if skips else 0.5)
        assert thread.is_alive() is not skips  # PostgreSQL did not wait; SQLite still waits
    thread.join(timeout=30)
    held_ids, taken_ids = {r.id for r in held}, {r.id for r in second["rows"]}
    assert len(held_ids) == len(taken_ids) == 3 and not held_ids & taken_ids


def _analyse_reminders_and_deliveries(app) -> None:
    """Refresh the planner's statistics now, as an autovacuum may at any moment."""
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.autocommit = True  # VACUUM refuses to run in a transaction
        raw.driver_connection.execute("VACUUM ANALYZE reminder, delivery")
    finally:
        raw.close()


@pytest.mark.parametrize("rows_when_analysed", [0, 1, 2, 50])
def test_a_claim_takes_at_most_its_limit_whatever_plan_the_database_picks(app, db,
                                                                          rows_when_analysed):
    """With statistics saying the table held one row (an autovacuum at that moment), PostgreSQL
    planned the claim as a nested loop that ran the LIMIT ... FOR UPDATE SKIP LOCKED subquery
    again for each row, each run passing over the rows the statement had just updated: one
    claim of 3 took all 10 due reminders, and an outbox claim of 3 all 10 deliveries."""
    user, child = person(db)
    created, now = local("Europe/London", 2026, 6, 10), local("Europe/London", 2026, 6, 10, 7, 31)
    for _ in range(rows_when_analysed):
        reminder = add_reminder(db, user, child, created=created)
        db.add(Delivery(reminder_id=reminder.id, local_date=date(2026, 6, 9), status="sent",
                        email_state="pending"))
    db.commit()
    _analyse_reminders_and_deliveries(app)
    for row in [*db.exec(select(Delivery)), *db.exec(select(Reminder))]:
        db.delete(row)
    db.commit()
    for _ in range(10):
        reminder = add_reminder(db, user, child, created=created)
        db.add(Delivery(reminder_id=reminder.id, local_date=date(2026, 6, 9), status="sent",
                        email_state="pending"))
    db.commit()
    lease = DISPATCH_CONFIG["REMINDER_LEASE"]
    assert len(claims.claim_due_reminders(db, worker="w", now=now, lease=lease, limit=3)) == 3
    assert len(claims.claim_outbox(db.connection(), now=now, lease=lease, limit=3)) == 3
