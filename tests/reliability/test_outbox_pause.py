"""A reminder sender paused past its lease (SIGSTOP) never re-sends what another sender sent.

Real processes against one migrated database (SQLite, or PostgreSQL with --db=postgresql),
sending to a real SMTP server (aiosmtpd) on 127.0.0.1 that records which delivery each email
was for. Sender 1 runs with a two-second lease, sends one email, and is stopped with SIGSTOP
just before its second delivery; once its leases have run out, sender 2 takes the rest over and
finishes; then sender 1 is continued.
"""
import itertools
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func
from sqlmodel import Session, select

from graded_exposure.config import ROOT
from graded_exposure.db import make_engine
from graded_exposure.models import Delivery, utcnow
from graded_exposure.services import dispatch
from tests.factories import due_reminders, person

DELIVERIES = 8  # fewer than one outbox batch, so sender 1 claims them all at once
SHORT_LEASE = 2.0  # seconds
TIMEOUT = 60  # seconds, for every wait


def run_sender(url: str, port: str, lease: str, pause_at: str, folder: str) -> None:
    """Run one outbox pass in this process; stop before the `pause_at`-th delivery (0: never)."""
    from graded_exposure import create_app
    from graded_exposure.services import outbox

    folder = Path(folder)
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(port), "MAIL_USE_TLS": False,
                      "MAIL_USERNAME": "", "REMINDER_LEASE": timedelta(seconds=float(lease))})
    if int(pause_at):
        build, calls = outbox.message_for, itertools.count(1)

        def pause_point(*args):
            # The outbox builds each delivery's message before anything about it is sent:
            # this process is stopped here, between two deliveries, not in the middle of one.
            if next(calls) == int(pause_at):
                (folder / "at-pause-point").touch()
                deadline = time.monotonic() + TIMEOUT
                while not (folder / "continued").exists() and time.monotonic() < deadline:
                    time.sleep(0.01)
            return build(*args)

        outbox.message_for = pause_point
    with app.app_context(), Session(app.extensions["db_engine"]) as session:
        counts = outbox.run_outbox(session, app.config)
    print(json.dumps({"claimed": counts.claimed, "sent": counts.sent}))


class RecordingSMTP:
    """An aiosmtpd handler noting, for each email accepted, which delivery ("note N") it was."""

    def __init__(self):
        self.notes, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        found = re.search(rb"note (\d+)", envelope.content)
        with self.lock:
            self.notes.append(int(found.group(1)) if found else -1)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = RecordingSMTP()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def database(migrated_database):
    """A migrated database with DELIVERIES deliveries each owing one email."""
    url = migrated_database
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        user, child = person(db)
        due_reminders(db, [user], DELIVERIES, ["email"], child=child)
        dispatch.run_pass(db, {}, now=utcnow())
    yield url, engine
    engine.dispose()


def start(url, port, lease, pause_at, folder):
    code = ("import sys; from tests.reliability.test_outbox_pause import run_sender; "
            "run_sender(*sys.argv[1:])")
    command = [sys.executable, "-c", code, url, str(port), str(lease), str(pause_at), str(folder)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE, text=True)


def finish(process) -> dict:
    out, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def wait_for(path: Path, process) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def wait_out_the_leases(engine) -> None:
    """Sleep until every outbox lease in the database has run out."""
    with Session(engine) as db:
        last = db.exec(select(func.max(Delivery.outbox_claimed_until))).one()
    assert last is not None, "sender 1 holds no lease"
    assert last - utcnow() < timedelta(seconds=SHORT_LEASE * 2)
    while utcnow() <= last + timedelta(milliseconds=100):
        time.sleep(0.05)


def test_a_sender_paused_past_its_lease_never_resends(database, smtp, tmp_path):
    url, engine = database
    recorder, port = smtp
    first = start(url, port, SHORT_LEASE, 2, tmp_path)
    second = None
    try:
        wait_for(tmp_path / "at-pause-point", first)
        first.send_signal(signal.SIGSTOP)
        assert recorder.notes and len(recorder.notes) == 1  # it sent one, then stopped
        wait_out_the_leases(engine)
        second = start(url, port, 300, 0, tmp_path)
        taken_over = finish(second)
        assert taken_over["sent"] == DELIVERIES - 1
        (tmp_path / "continued").touch()
        first.send_signal(signal.SIGCONT)
        resumed = finish(first)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()  # SIGKILL ends a stopped process too
                process.communicate(timeout=TIMEOUT)
    assert resumed["sent"] == 1
    assert sorted(recorder.notes) == list(range(DELIVERIES))  # each email exactly once
    with Session(engine) as db:
        states = db.exec(select(Delivery.email_state, Delivery.outbox_claimed_until)).all()
    assert states == [("sent", None)] * DELIVERIES
