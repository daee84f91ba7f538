"""Helper outbox processes: started only for a large backlog, sharing it without sending twice."""
import threading
import time

import pytest

from graded_exposure.channels import mail
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
