"""Helper outbox processes: started only for a large backlog, sharing it without sending twice."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graded_exposure.channels import mail
from graded_exposure.config import load_config
from graded_exposure.db import make_engine
from graded_exposure.services import outbox, outbox_processes
from tests.services.test_outbox import _emails_dispatched


def _engine_of(db):
    return db.get_bind().engine


@pytest.mark.parametrize(("processes", "backlog", "wanted"), [
    (1, 5, 0),  # the default: never a helper
    (3, 5, 2),
    (3, 4, 0),  # a backlog below HELPER_BACKLOG goes out from this process alone
])
def test_helpers_start_only_when_asked_for_and_the_backlog_is_large(
        app, db, smtp, monkeypatch, processes, backlog, wanted):
    monkeypatch.setattr(outbox_processes, "HELPER_BACKLOG", 5)
    _, config, _ = _emails_dispatched(app, db, backlog, senders=1)
    config["OUTBOX_PROCESSES"] = processes
    assert outbox_processes.helpers_wanted(_engine_of(db), config) == wanted


def test_a_database_in_memory_gets_no_helpers():
    engine = make_engine("sqlite://")
    assert outbox_processes.helpers_wanted(engine, {"OUTBOX_PROCESSES": 4}) == 0


def test_helper_processes_share_the_backlog_and_send_each_email_once(
        app, db, smtp, monkeypatch):
    total = 300
    user, config, now = _emails_dispatched(app, db, total, senders=1)
    config["OUTBOX_PROCESSES"] = 3
    monkeypatch.setattr(outbox_processes, "HELPER_BACKLOG", 10)
    # This process's sender is slowed (the helpers are fresh processes, not slowed), so the
    # helpers, which take a second or so to start, find work left to share.
    send_mail = mail.send_mail
    monkeypatch.setattr(mail, "send_mail", lambda *a, **k: (time.sleep(0.02),
                                                            send_mail(*a, **k)))
    counts = outbox.run_outbox(db, config, now=now)
    assert (counts.claimed, counts.sent, counts.failed) == (total, total, 0)
    assert counts.process_cpu_seconds > 0  # the helpers' CPU time came back with their counts
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in smtp.to(user.email)]
    assert sorted(next(line for line in b.splitlines() if line.startswith("note "))
                  for b in bodies) == sorted(f"note {n}" for n in range(total))
    assert smtp.connections >= 2  # more than one process sent
    assert outbox.pending_count(db) == 0


def test_a_stop_request_reaches_the_helpers_and_nothing_more_is_sent(app, db, smtp,
                                                                     monkeypatch):
    total = 40
    _, config, now = _emails_dispatched(app, db, total, senders=1)
    config["OUTBOX_PROCESSES"] = 2
    monkeypatch.setattr(outbox_processes, "HELPER_BACKLOG", 10)
    counts = outbox.run_outbox(db, config, now=now, stop_requested=lambda: True)
    assert (counts.claimed, counts.sent) == (0, 0)
    assert smtp.messages == [] and outbox.pending_count(db) == total


def test_settings_that_cannot_go_to_another_process_are_left_out():
    config = {"MAIL_SERVER": "127.0.0.1", "A_LOCK": threading.Lock()}
    assert outbox_processes._picklable(config) == {"MAIL_SERVER": "127.0.0.1"}


def test_outbox_processes_default_to_the_cores_this_process_may_use(monkeypatch, tmp_path):
    # A burst of 100,000 emails and pushes took 280 to 330 s on one core of a two-core machine
    # and 160 s on both: out of the box, the scheduler uses the cores it has (at most four).
    monkeypatch.delenv("OUTBOX_PROCESSES", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1})
    assert load_config(str(tmp_path))["OUTBOX_PROCESSES"] == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)))
    assert load_config(str(tmp_path))["OUTBOX_PROCESSES"] == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {3})
    assert load_config(str(tmp_path))["OUTBOX_PROCESSES"] == 1
    monkeypatch.setenv("OUTBOX_PROCESSES", "1")  # the operator's choice wins
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(16)))
    assert load_config(str(tmp_path))["OUTBOX_PROCESSES"] == 1
    # Where the OS cannot say which cores (macOS has no sched_getaffinity): the core count.
    monkeypatch.delenv("OUTBOX_PROCESSES")
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert load_config(str(tmp_path))["OUTBOX_PROCESSES"] == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert load_config(str(tmp_path))["OUTBOX_PROCESSES"] == 1


ORPHANING_PARENT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from graded_exposure.services import outbox_processes
if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(1, mp_context=context, initializer=outbox_processes._remember_stop,
                               initargs=(context.Event(), 20, 0.5))
    print(pool.submit(os.getpid).result(), flush=True)
    pool.submit(time.sleep, 600)  # a helper busy with a long run
    time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as status:
            return "\\nState:\\tZ" not in status.read()  # a zombie has left
    except FileNotFoundError:
        return False


def test_a_helper_leaves_when_its_parent_is_killed_outright(tmp_path):
    # Found on a dispatcher killed (kill -9) during a large backlog: its helper stayed, 119 MB,
    # minutes later; the pool cannot tell helpers that its process died.
    script = tmp_path / "parent.py"
    script.write_text(ORPHANING_PARENT)
    root = Path(__file__).resolve().parents[2]
    with subprocess.Popen([sys.executable, str(script)], cwd=root,  # noqa: S603 - our own
                          stdout=subprocess.PIPE, text=True,
                          env={**os.environ, "PYTHONPATH": str(root)}) as parent:
        helper = int(parent.stdout.readline())
        assert _alive(helper)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
    deadline = time.monotonic() + 20
    while _alive(helper) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(helper), "the helper outlived its parent"
