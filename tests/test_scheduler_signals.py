"""`flask reminders run` and SIGTERM: a pass cut short loses nothing and sends nothing twice.

Real processes on a migrated database (SQLite, and PostgreSQL in a throwaway cluster), email to
a real SMTP server on loopback. To land the signal inside a pass, not before or after it, the
test locks the reminder tables against writers as soon as the pass has visibly started (a
delivery row, or an email received): SQLite's write lock, or PostgreSQL's LOCK TABLE ... IN
EXCLUSIVE MODE, which lets reads through. The pass waits in the middle of a write; the signal
arrives, the lock is let go, and the pass must finish the batch or message it holds, hand back
the rest and exit 0. A second process then runs one pass, and every reminder must have been
delivered exactly once: one delivery row, one inbox message, one email.
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from psycopg.errors import DeadlockDetected
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from graded_exposure import backup, schema
from graded_exposure.config import ROOT
from graded_exposure.db import make_engine
from graded_exposure.models import Delivery, InboxMessage, Reminder
from graded_exposure.services import health
from tests.factories import due_reminders, person
from tests.mailbox import start_mailbox
from tests.postgres import cluster_or_skip, new_database

pytestmark = pytest.mark.xdist_group("postgres-signals")  # one cluster for the module

REMINDERS = 200
BATCH = 5
EMAIL_STATES = ("sent", "pending")


@pytest.fixture(scope="module")
def cluster():
    with cluster_or_skip() as started:
        yield started


@pytest.fixture
def mailbox():
    handler, controller = start_mailbox()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path, mailbox):
    """A migrated database with REMINDERS reminders due a minute ago (inbox and email), and
    the environment that points `flask` at it and at the mailbox."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    else:
        _, url = new_database(request.getfixturevalue("cluster"), "signals")
    schema.upgrade(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        due_reminders(db, [person(db)[0] for _ in range(4)], REMINDERS, ["inbox", "email"])
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "PYTHONUNBUFFERED": "1",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mailbox[1]),
           "REMINDER_BATCH": str(BATCH)}
    for name in ("FLASK_DEBUG", "RUN_SCHEDULER"):
        env.pop(name, None)
    yield url, engine, env
    engine.dispose()


def flask(*args, env):
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE, text=True)


def wait_until(condition, process, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the pass never started"
        time.sleep(0.005)


LOCK_TRIES = 5


def _locked(engine, tries: int = LOCK_TRIES):
    """A connection holding reminder and delivery in EXCLUSIVE mode. The pass may hold a lock on
    delivery and want one on reminder just as this takes reminder first: PostgreSQL then ends
    one side as a deadlock. When that is this side, the pass went on; take them again."""
    connection = engine.connect()
    try:
        connection.exec_driver_sql("LOCK TABLE reminder, delivery IN EXCLUSIVE MODE")
    except OperationalError as e:
        connection.close()
        if not isinstance(e.orig, DeadlockDetected) or tries == 1:
            raise
        return _locked(engine, tries - 1)
    return connection


@contextmanager
def write_lock(url, engine):
    """Keep every writer of reminders and deliveries waiting for the length of the block."""
    if engine.dialect.name == "postgresql":
        connection = _locked(engine)
        try:
            yield
        finally:
            connection.close()  # rolled back, and the lock let go
        return
    connection = sqlite3.connect(backup.sqlite_path(url), timeout=0, isolation_level=None)
    _begin_immediate(connection)
    try:
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def _begin_immediate(connection, seconds: float = 15) -> None:
    """BEGIN IMMEDIATE, tried again every half millisecond. SQLite's own busy handler backs off
    to 100 ms between tries: long enough, on a busy machine, for the pass to take the lock
    between its batches every time and finish all of them first (CI saw 200 of 200 done)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.0005)


def count(engine, statement):
    with Session(engine) as db:
        return db.exec(statement).one()


def deliveries(engine):
    return count(engine, select(func.count()).select_from(Delivery))


def emails_in_state(engine, state):
    return count(engine, select(func.count()).where(Delivery.email_state == state))


def notes_received(handler):
    """Return the reminder text of every email the mailbox got, one entry per email."""
    bodies = [message.get_body(preferencelist=("plain",)).get_content()
              for _, message in handler.messages]
    return sorted(next(line for line in body.splitlines() if line.startswith("note "))
                  for body in bodies)


def sigterm_inside_the_pass(url, engine, process):
    """Send SIGTERM while the pass waits on the write lock; return when the process exited."""
    try:
        with write_lock(url, engine):
            process.send_signal(signal.SIGTERM)
            time.sleep(1)  # the signal is handled while the pass still waits
        return process.communicate(timeout=30)
    finally:
        if process.poll() is None:  # a failed step above: no process (nor its pipes) left over
            process.kill()
            process.communicate()


def assert_each_delivered_once(engine, handler):
    with Session(engine) as db:
        assert db.exec(select(func.count(func.distinct(Delivery.reminder_id)))).one() == REMINDERS
        assert db.exec(select(func.count()).select_from(Delivery)).one() == REMINDERS
        assert db.exec(select(func.count(func.distinct(InboxMessage.delivery_id)))).one() == \
            REMINDERS
        assert db.exec(select(func.count()).select_from(InboxMessage)).one() == REMINDERS
        assert not db.exec(select(Reminder).where(Reminder.claimed_by != "")).all()
    assert emails_in_state(engine, "sent") == REMINDERS
    assert notes_received(handler) == sorted(f"note {i}" for i in range(REMINDERS))


def second_pass(env):
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app",
                             "reminders", "tick"], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_sigterm_while_dispatching_finishes_the_batch_and_claims_no_more(database, mailbox):
    url, engine, env = database
    handler, _ = mailbox
    process = flask("reminders", "run", env=env)
    wait_until(lambda: deliveries(engine) > 0, process)
    out, err = sigterm_inside_the_pass(url, engine, process)
    assert process.returncode == 0, err
    assert "Reminder scheduler stopped." in out
    assert "Traceback" not in err
    done = deliveries(engine)
    assert 0 < done < REMINDERS, "the signal did not land inside the pass"
    assert done % BATCH == 0  # whole batches only
    assert emails_in_state(engine, "sent") == 0 == len(handler.messages)  # no outbox started
    with Session(engine) as db:  # nothing left on a lease for someone to wait out
        assert not db.exec(select(Reminder).where(Reminder.claimed_by != "")).all()
    second_pass(env)
    assert_each_delivered_once(engine, handler)


def test_sigterm_while_sending_finishes_the_email_in_flight_and_hands_back_the_rest(database,
                                                                                  mailbox):
    url, engine, env = database
    handler, _ = mailbox
    process = flask("reminders", "run", env=env)
    wait_until(lambda: handler.messages, process)
    out, err = sigterm_inside_the_pass(url, engine, process)
    assert process.returncode == 0, err
    assert "Reminder scheduler stopped." in out
    assert "Traceback" not in err
    sent = emails_in_state(engine, "sent")
    assert 0 < sent < REMINDERS, "the signal did not land inside the outbox"
    assert len(handler.messages) == sent  # every email that went out is recorded as sent
    assert emails_in_state(engine, "pending") == REMINDERS - sent
    with Session(engine) as db:
        assert not db.exec(select(Delivery).where(Delivery.outbox_claimed_until.is_not(None))
                           ).all()
    second_pass(env)
    assert_each_delivered_once(engine, handler)


def test_sigterm_when_idle_exits_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'idle.sqlite'}"
    schema.upgrade(url)
    engine = make_engine(url)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "PYTHONUNBUFFERED": "1"}
    env.pop("RUN_SCHEDULER", None)
    process = flask("reminders", "run", env=env)
    assert "Reminder scheduler running" in process.stdout.readline()
    # Idle: the first pass (an empty one, and the first day's prune) has finished.
    wait_until(lambda: health.check(engine).scheduler == health.SchedulerState.OK, process)
    engine.dispose()
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    took = time.monotonic() - signalled
    assert took < 2, f"stopping an idle scheduler took {took:.1f} s"
    assert process.returncode == 0, err
    assert "Reminder scheduler stopped." in out
