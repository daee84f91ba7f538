"""Exactly once with real processes: four dispatchers racing, dispatchers killed mid-batch, and
two schedulers running side by side when one of them is killed.

Every process is a fresh Python running `run_worker` below against one migrated database (a
SQLite file in WAL mode, or a PostgreSQL database with --db=postgresql, where claims really
skip each other's locked rows). Email and push are replaced, inside the workers, by recorders
that append one line per message to a shared file (O_APPEND keeps lines whole across
processes).
"""
import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from graded_exposure.config import ROOT
from graded_exposure.db import make_engine
from graded_exposure.models import Delivery, InboxMessage, Reminder, utcnow
from graded_exposure.services import dispatch, outbox
from tests.factories import due_reminders, person

REMINDERS = 300
BATCH = 7
LEASE = timedelta(minutes=5)


def run_worker(url: str, mode: str, folder: str, lease_seconds: str, gate: str) -> None:
    """Run one reminder tick in this process once the file `gate` appears; `mode` says where to
    hang so it can be killed.

    In mode `scheduler` it ticks again and again, as `flask reminders run` does every minute,
    until the file `stop` appears.
    """
    from graded_exposure import create_app, scheduler
    from graded_exposure.channels import email, push
    from graded_exposure.services import claims

    folder = Path(folder)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url,
                      "REMINDER_BATCH": BATCH,
                      "REMINDER_LEASE": timedelta(seconds=float(lease_seconds))})

    def hang():
        (folder / "hanging").touch()
        time.sleep(600)

    def recorder(channel):
        def send(session, config, message):
            if mode == "kill_in_outbox":
                hang()
            line = f"{channel}\t{message.body}\n".encode()
            fd = os.open(folder / "sent.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(fd, line)
            os.close(fd)
        return send

    # The registry looks senders up by module and name when sending, so these stand in.
    email.send_email = recorder("email")
    push.send_push = recorder("push")
    if mode == "kill_after_claim":
        claim = claims.claim_due_reminders
        claims.claim_due_reminders = lambda *a, **kw: (claim(*a, **kw), hang())[0]
    if mode == "kill_before_commit":  # every row is written, the transaction not committed
        release = dispatch._release_reminders
        dispatch._release_reminders = lambda *a: (release(*a), hang())[0]
    (folder / f"ready-{os.getpid()}").touch()
    while not (folder / gate).exists():  # a start line, so the racers really race
        time.sleep(0.005)
    (folder / f"started-{os.getpid()}").touch()
    totals = {"claimed": 0, "sent": 0, "outbox": 0}
    while True:
        counts, sent = scheduler.tick(app)
        totals = {"claimed": totals["claimed"] + counts.claimed,
                  "sent": totals["sent"] + counts.sent, "outbox": totals["outbox"] + sent.sent}
        if mode != "scheduler" or (folder / "stop").exists():
            break
        time.sleep(0.1)
    print(json.dumps(totals))


@pytest.fixture
def database(migrated_database):
    """A migrated database with REMINDERS reminders due a minute ago on every channel."""
    url = migrated_database
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        due_reminders(db, [person(db)[0] for _ in range(3)], REMINDERS,
                      ["inbox", "email", "push"])
    yield url, engine
    engine.dispose()


def start(url, mode, folder, lease=LEASE, gate="go"):
    code = ("import sys; from tests.reliability.test_dispatch_race import run_worker; "
            "run_worker(*sys.argv[1:])")
    command = [sys.executable, "-c", code, url, mode, str(folder), str(lease.total_seconds()),
               gate]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE, text=True)


def counts(engine):
    with Session(engine) as db:
        return (db.exec(select(func.count()).select_from(Delivery)).one(),
                db.exec(select(func.count(func.distinct(InboxMessage.delivery_id)))).one(),
                db.exec(select(func.count()).select_from(InboxMessage)).one())


def sent_lines(folder):
    log = folder / "sent.log"
    return log.read_text().splitlines() if log.exists() else []


def assert_each_sent_once(folder):
    lines = sent_lines(folder)
    assert len(lines) == len(set(lines)) == 2 * REMINDERS  # one email and one push each


def test_four_racing_dispatchers_deliver_each_occurrence_once(database, tmp_path):
    url, engine = database
    workers = [start(url, "race", tmp_path) for _ in range(4)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 4:  # all four loaded, then the start line
        assert time.monotonic() < deadline and all(w.poll() is None for w in workers)
        time.sleep(0.01)
    (tmp_path / "go").touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["claimed"] for r in results) == REMINDERS
    assert sum(r["sent"] for r in results) == REMINDERS
    assert sum(1 for r in results if r["claimed"]) >= 2, f"no race happened: {results}"
    assert counts(engine) == (REMINDERS, REMINDERS, REMINDERS)
    assert_each_sent_once(tmp_path)
    with Session(engine) as db:
        assert not db.exec(select(Reminder).where(Reminder.claimed_by != "")).all()
        assert all(r.next_due_at > utcnow() for r in db.exec(select(Reminder)))


def wait_for(path, worker):
    deadline = time.monotonic() + 60
    while not path.exists():
        assert worker.poll() is None, worker.communicate()
        assert time.monotonic() < deadline, f"the worker never made {path.name}"
        time.sleep(0.01)


def kill_when_hanging(worker, folder):
    wait_for(folder / "hanging", worker)
    worker.send_signal(signal.SIGKILL)
    worker.communicate(timeout=30)
    assert worker.returncode == -signal.SIGKILL


def wait_for_the_server_to_notice(engine):
    """Wait until PostgreSQL has rolled back what a killed process left open (and its locks).

    SQLite has nothing to wait for: its locks live in the dead process's file handles.
    """
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 30
    with engine.connect() as connection:
        while connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state LIKE 'idle in transaction%'")).scalar_one():
            assert time.monotonic() < deadline, "the killed session still holds a transaction"
            connection.rollback()
            time.sleep(0.05)


def assert_intact(engine):
    """On SQLite, the file a process was killed writing to passes its integrity check."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


def next_pass(url, now, *, outbox_too=False, folder=None):
    """Run a pass in this process, as the next minute's dispatcher would."""
    from graded_exposure.channels import email, push

    engine = make_engine(url)
    config = {"REMINDER_BATCH": BATCH, "REMINDER_LEASE": LEASE}

    def recorder(channel):
        def send(session, config, message):
            with open(folder / "sent.log", "a") as log:
                log.write(f"{channel}\t{message.body}\n")
        return send

    with Session(engine) as db:
        result = dispatch.run_pass(db, config, now=now)
        if outbox_too:
            saved = email.send_email, push.send_push
            email.send_email, push.send_push = recorder("email"), recorder("push")
            try:
                outbox.run_outbox(db, config, now=now)
            finally:
                email.send_email, push.send_push = saved
    engine.dispose()
    return result


@pytest.mark.parametrize("mode", ["kill_after_claim", "kill_before_commit"])
def test_a_dispatcher_killed_mid_batch_loses_nothing(database, tmp_path, mode):
    url, engine = database
    (tmp_path / "go").touch()
    kill_when_hanging(start(url, mode, tmp_path), tmp_path)
    wait_for_the_server_to_notice(engine)
    assert_intact(engine)
    assert counts(engine) == (0, 0, 0)  # nothing half-written survives the kill
    with Session(engine) as db:
        leased = db.exec(select(Reminder).where(Reminder.claimed_by != "")).all()
    assert len(leased) == BATCH
    # The next pass delivers everything except the dead process's leased batch...
    assert next_pass(url, utcnow()).claimed == REMINDERS - BATCH
    assert counts(engine)[0] == REMINDERS - BATCH
    # ...and once the lease has run out, that batch too, and nothing twice.
    assert next_pass(url, utcnow() + LEASE + timedelta(seconds=1)).sent == BATCH
    assert counts(engine) == (REMINDERS, REMINDERS, REMINDERS)


def test_a_dispatcher_killed_while_sending_leaves_the_rest_to_the_outbox(database, tmp_path):
    url, engine = database
    (tmp_path / "go").touch()
    kill_when_hanging(start(url, "kill_in_outbox", tmp_path), tmp_path)
    wait_for_the_server_to_notice(engine)
    assert counts(engine) == (REMINDERS, REMINDERS, REMINDERS)  # committed before sending
    assert sent_lines(tmp_path) == []
    next_pass(url, utcnow(), outbox_too=True, folder=tmp_path)
    assert len(sent_lines(tmp_path)) == 2 * (REMINDERS - outbox.OUTBOX_BATCH)
    next_pass(url, utcnow() + LEASE + timedelta(seconds=1), outbox_too=True, folder=tmp_path)
    assert_each_sent_once(tmp_path)


@pytest.mark.parametrize("mode", ["kill_after_claim", "kill_before_commit"])
def test_two_schedulers_one_killed_mid_pass_the_other_delivers_everything_once(
        database, tmp_path, mode):
    """Two `reminders run` processes for availability: one dies holding a leased batch (and,
    before commit, its row locks); the other, already running, sends everything else at once
    and the dead one's batch when its lease runs out; nothing is lost or sent twice."""
    url, engine = database
    lease = timedelta(seconds=3)
    victim = start(url, mode, tmp_path, lease)
    survivor = start(url, "scheduler", tmp_path, lease, gate="hanging")
    try:
        (tmp_path / "go").touch()
        wait_for(tmp_path / "hanging", victim)  # it holds a leased batch, mid-pass
        wait_for(tmp_path / f"started-{survivor.pid}", survivor)
        kill_when_hanging(victim, tmp_path)
        deadline = time.monotonic() + 90
        while counts(engine) != (REMINDERS,) * 3 or len(sent_lines(tmp_path)) < 2 * REMINDERS:
            assert survivor.poll() is None, survivor.communicate()
            assert time.monotonic() < deadline, (counts(engine), len(sent_lines(tmp_path)))
            time.sleep(0.1)
        (tmp_path / "stop").touch()
        out, err = survivor.communicate(timeout=60)
    finally:
        for process in (victim, survivor):
            if process.poll() is None:
                process.kill()
                process.communicate(timeout=30)
    assert survivor.returncode == 0, err
    taken = json.loads(out.strip().splitlines()[-1])
    assert taken["claimed"] == taken["sent"] == REMINDERS  # the dead one's batch too
    assert_each_sent_once(tmp_path)
    with Session(engine) as db:
        assert not db.exec(select(Reminder).where(Reminder.claimed_by != "")).all()
