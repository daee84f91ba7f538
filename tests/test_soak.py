"""The soak (bench/soak.py): its checks catch lost and doubled rows, and a minute of it passes
on PostgreSQL with gunicorn's 4 workers and one reminders process."""
import random
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine

from bench import postgres, soak_checks
from bench.soak_load import Outcome
from bench.soak_seed import DueReminder, due_moments
from graded_exposure.services import dispatch
from tests.factories import add_practice, add_reminder, current_step, make_ladder, person

ROOT = Path(__file__).resolve().parent.parent
CREATED = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Monday, before a 07:30 reminder
LOST_KEY = "f" * 32


def _practice_key(db) -> str:
    _user, child = person(db)
    return add_practice(db, child, current_step(make_ladder(db, child)), before=4).idempotency_key


def test_practice_check_passes_when_each_acknowledged_practice_is_stored_once(db):
    key = _practice_key(db)

    check = soak_checks.practice_check(db.connection(), {key})

    assert check.passed, check.line()
    assert "1 acknowledged, 0 lost, 0 duplicated" in check.detail


def test_practice_check_fails_when_an_acknowledged_practice_is_missing(db):
    key = _practice_key(db)

    check = soak_checks.practice_check(db.connection(), {key, LOST_KEY})

    assert not check.passed
    assert "2 acknowledged, 1 lost, 0 duplicated" in check.detail
    assert LOST_KEY in check.detail


def test_practice_check_fails_when_a_practice_is_stored_twice(tmp_path):
    # The app's practice table refuses a second row with one key, so the duplicate goes into a
    # table of the same name and key column without that constraint: the check must count
    # rows itself rather than trust the constraint (a migration could lose it).
    engine = create_engine(f"sqlite:///{tmp_path / 'duplicated.sqlite'}")
    practice = Table("practice", MetaData(), Column("id", Integer, primary_key=True),
                     Column("idempotency_key", String(64)))
    practice.create(engine)
    with engine.begin() as connection:
        connection.execute(practice.insert(), [{"idempotency_key": "a" * 32},
                                               {"idempotency_key": "a" * 32},
                                               {"idempotency_key": "b" * 32}])
        check = soak_checks.practice_check(connection, {"a" * 32, "b" * 32})
    engine.dispose()

    assert not check.passed
    assert "2 acknowledged, 0 lost, 1 duplicated" in check.detail


def _delivered_reminder(db) -> DueReminder:
    """A reminder due at 07:30 on CREATED's day, dispatched: one delivery, one inbox message."""
    user, _child = person(db)
    reminder = add_reminder(db, user, None, created=CREATED, channels=("inbox", "email"))
    due = reminder.next_due_at
    assert dispatch.run_pass(db, now=due + timedelta(seconds=30)).sent == 1
    return DueReminder(reminder.id, user.email, due)


def _checks(db, due, emails_to) -> dict[str, soak_checks.Check]:
    return {c.name: c for c in soak_checks.reminder_checks(db.connection(), due, emails_to)}


def test_reminder_checks_pass_when_each_due_reminder_went_out_once(db):
    sent = _delivered_reminder(db)

    checks = _checks(db, [sent], {sent.email: 1})

    assert all(c.passed for c in checks.values()), [c.line() for c in checks.values()]


def test_reminder_checks_fail_on_a_lost_reminder_and_a_second_email(db):
    sent = _delivered_reminder(db)
    user, _child = person(db)
    never_sent = add_reminder(db, user, None, created=CREATED + timedelta(hours=3))
    lost = DueReminder(never_sent.id, user.email, never_sent.next_due_at)

    checks = _checks(db, [sent, lost], {sent.email: 2})

    assert "1 lost, 0 more than once" in checks["reminders delivered exactly once"].detail
    assert "1 lost, 0 more than once" in checks["inbox messages exactly once"].detail
    assert "1 lost, 1 more than once" in checks["emails received exactly once"].detail
    assert not any(c.passed for c in checks.values())


def test_request_checks_fail_on_a_server_error_an_unanswered_request_and_a_surprise():
    outcomes = [Outcome("child home", 200, True, 5, 5), Outcome("insights", 500, False, 5, 5),
                Outcome("caseload", None, False, 60_000, 60_000, "TimeoutError: timed out"),
                Outcome("practice POST", 422, False, 5, 5)]

    checks = {c.name: c for c in soak_checks.request_checks(outcomes)}

    assert "1 of 4 requests 5xx (e.g. insights 500)" in checks["server errors"].detail
    assert "caseload: TimeoutError" in checks["connection errors"].detail
    assert "(e.g. practice POST 422)" in checks["unexpected answers"].detail
    assert not any(c.passed for c in checks.values())
    assert all(c.passed for c in soak_checks.request_checks(outcomes[:1]))


def test_reminders_fall_due_in_every_minute_of_the_run_and_only_inside_it():
    start = datetime(2026, 3, 2, 9, 0, 40, tzinfo=UTC)
    end = start + timedelta(minutes=3)

    moments = due_moments(start, end, 4, random.Random(3))

    assert all(start <= m < end and m.microsecond == 0 for m in moments)
    assert {m.replace(second=0) for m in moments} >= {start.replace(second=0) + timedelta(
        minutes=n) for n in (1, 2)}  # every whole minute inside the run has its reminders


def _postgresql_installed() -> bool:
    try:
        return (postgres.bin_dir() / "initdb").exists()
    except RuntimeError:
        return False


@pytest.mark.xdist_group("soak")
@pytest.mark.skipif(not _postgresql_installed(), reason="PostgreSQL 15 is not installed "
                    "(`make test` installs it)")
def test_a_minute_of_soak_on_postgresql_passes_every_check(request):
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("run once, in the PostgreSQL pass (make test's second run)")
    # 20 a second: a rate two busy cores keep up with, so the minute ends in about a minute.
    done = subprocess.run([sys.executable, "-m", "bench.soak", "--duration", "60", "--rate",
                           "20", "--db", "postgresql"], cwd=ROOT, capture_output=True,
                          text=True, timeout=900)

    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert re.search(r"soak: all \d+ checks passed", done.stdout), done.stdout[-4000:]
    assert "FAIL" not in done.stdout
    assert re.search(r"PASS  practices stored exactly once: [1-9]\d* acknowledged",
                     done.stdout)
    assert re.search(r"PASS  emails received exactly once: [1-9]\d* due", done.stdout)
