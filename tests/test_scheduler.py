"""The reminder clock: one job, started once per process, `flask reminders tick|run`, `make run`."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session, select

from graded_exposure import create_app, scheduler
from graded_exposure.config import ROOT
from graded_exposure.db import make_engine
from graded_exposure.models import Delivery, InboxMessage, LoginAttempt, utcnow
from graded_exposure.services import health
from tests.factories import add_reminder, due_minute, person


def due_now(db, channels=("inbox",)):
    """Add a daily reminder whose occurrence fell a minute or two ago (factories.due_minute)."""
    user, child = person(db)
    due = due_minute()
    r = add_reminder(db, user, child, created=due - timedelta(seconds=1), channels=channels,
                     local_time=f"{due:%H:%M}", tz="UTC")
    assert r.next_due_at.replace(tzinfo=due.tzinfo) == due
    return r


def test_one_interval_job_that_never_overlaps_itself(app):
    built = scheduler.build(app)
    [job] = built.scheduler.get_jobs()
    assert job.id == scheduler.JOB_ID
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval == timedelta(seconds=60)
    assert (job.coalesce, job.max_instances) == (True, 1)


@pytest.mark.parametrize(("config", "environ", "command", "modules", "start"), [
    ({"RUN_SCHEDULER": True}, {}, ("run",), {}, True),
    ({"RUN_SCHEDULER": True}, {}, None, {}, True),
    ({"RUN_SCHEDULER": False}, {}, ("run",), {}, False),
    ({}, {}, ("run",), {}, False),
    ({"RUN_SCHEDULER": True}, {"WERKZEUG_RUN_MAIN": "true"}, ("run",), {}, False),
    ({"RUN_SCHEDULER": True}, {}, None, {"gunicorn": object()}, False),
    ({"RUN_SCHEDULER": True}, {}, ("reminders", "run"), {}, False),
    ({"RUN_SCHEDULER": True}, {}, ("db", "upgrade"), {}, False),
    ({"RUN_SCHEDULER": True}, {}, (), {}, False),
])
def test_where_the_in_process_scheduler_may_start(config, environ, command, modules, start):
    assert scheduler.should_start_in_process(config, environ, command, modules) is start


def test_create_app_starts_it_once_per_process(tmp_path, monkeypatch):
    ran = threading.Event()
    monkeypatch.setattr(scheduler, "_scheduled_tick", lambda app, stopping: ran.set())
    config = {"TESTING": True, "SECRET_KEY": "x", "RUN_SCHEDULER": True,
              "DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}"}
    try:
        create_app(config)
        assert ran.wait(10), "the first tick runs straight away"
        assert scheduler._in_process is not None
        first = scheduler._in_process
        create_app(config)
        assert scheduler._in_process is first
        assert scheduler.start_in_process(create_app(config)) is False
    finally:
        scheduler.stop_in_process()
    assert scheduler._in_process is None


def test_without_run_scheduler_nothing_starts(app):
    assert scheduler._in_process is None


def test_tick_dispatches_and_empties_the_outbox(app, db, monkeypatch):
    pushed = []
    monkeypatch.setattr("graded_exposure.channels.push.send_push",
                        lambda session, config, message: pushed.append(message))
    r = due_now(db, channels=("inbox", "push"))
    counts, sent = scheduler.tick(app)
    assert (counts.claimed, counts.sent, sent.sent) == (1, 1, 1)
    assert len(pushed) == 1
    [d] = db.exec(select(Delivery).where(Delivery.reminder_id == r.id)).all()
    assert d.push_state == "sent"


def test_a_whole_tick_records_the_heartbeat_and_a_stopped_one_does_not(app, monkeypatch):
    pruned = []
    monkeypatch.setattr(scheduler.retention, "prune_if_due", lambda *a: pruned.append(a))
    scheduler.tick(app, stop_requested=lambda: True)
    engine = app.extensions["db_engine"]
    assert health.check(engine).scheduler == health.SchedulerState.NEVER
    assert pruned == []
    scheduler.tick(app)
    assert health.check(engine).scheduler == health.SchedulerState.OK
    assert len(pruned) == 1


def test_the_tick_command_runs_one_pass(app, db):
    due_now(db)
    result = app.test_cli_runner().invoke(args=["reminders", "tick"])
    assert result.exit_code == 0, result.output
    assert "claimed 1, sent 1, missed 0" in result.output
    assert len(db.exec(select(InboxMessage)).all()) == 1


def test_the_tick_prunes_at_most_once_a_day(app, monkeypatch):
    pruned = []
    real_prune = scheduler.retention.prune
    monkeypatch.setattr(scheduler.retention, "prune",
                        lambda session, config, now: pruned.append(now) or real_prune(
                            session, config, now))
    start = utcnow()
    for minutes in range(3):
        scheduler.tick(app, now=start + timedelta(minutes=minutes))
    assert pruned == [start]
    scheduler.tick(app, now=start + timedelta(days=1))
    assert pruned == [start, start + timedelta(days=1)]


def test_a_failing_prune_is_logged_and_reminders_still_go(app, db, monkeypatch, caplog):
    def boom(*_args, **_kw):
        raise RuntimeError("prune bug")

    monkeypatch.setattr(scheduler.retention, "prune", boom)
    due_now(db)
    counts, _ = scheduler.tick(app)
    assert counts.sent == 1
    assert "Prune failed" in caplog.text


def test_the_prune_command_prunes_now(app, db):
    db.add(LoginAttempt(email="old@example.com", ip="ip", at=utcnow() - timedelta(days=31)))
    db.commit()
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    assert "login attempts 1" in result.output
    assert db.exec(select(LoginAttempt)).all() == []


def test_a_failing_tick_is_logged_and_the_job_survives(app, monkeypatch, caplog):
    def boom(*_args, **_kw):
        raise RuntimeError("database is having a bad minute")

    monkeypatch.setattr(scheduler.dispatch, "run_pass", boom)
    scheduler._scheduled_tick(app, threading.Event())
    assert "Reminder tick failed" in caplog.text


@pytest.fixture
def migrated(migrated_database):
    """A migrated database with one reminder due a minute ago, and the env to use it."""
    url = migrated_database
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        due_now(db)
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "x", "PYTHONUNBUFFERED": "1"}
    env.pop("FLASK_DEBUG", None)
    yield engine, env
    engine.dispose()


def wait_for_delivery(engine, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Session(engine) as db:
            if db.exec(select(Delivery)).all():
                return True
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    return False


def stop(process, sig=signal.SIGINT):
    process.send_signal(sig)
    try:
        return process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


def flask(*args, env):
    command = [sys.executable, "-m", "flask", "--app", "app", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_reminders_run_is_a_process_of_its_own(migrated, sig):
    engine, env = migrated
    process = flask("reminders", "run", env={**env, "RUN_SCHEDULER": "1"})
    delivered = wait_for_delivery(engine, process)
    out, err = stop(process, sig)
    assert delivered, err
    assert process.returncode == 0, err
    assert "Reminder scheduler stopped." in out
    assert "started in this process" not in err  # RUN_SCHEDULER does not add a second one
    with Session(engine) as db:
        assert len(db.exec(select(InboxMessage)).all()) == 1


@pytest.mark.parametrize("reload", [False, True])
def test_flask_run_with_run_scheduler_dispatches_from_one_process(migrated, reload):
    engine, env = migrated
    process = flask("run", "--port", "0", "--reload" if reload else "--no-reload",
                    env={**env, "RUN_SCHEDULER": "1"})
    delivered = wait_for_delivery(engine, process)
    time.sleep(1)  # give a second scheduler, if there were one, time to announce itself
    _, err = stop(process, signal.SIGTERM)
    assert delivered, err
    assert err.count("Reminder scheduler started in this process") == 1, err
