"""The health check: the scheduler heartbeat's age, fresh or stale, and a database that fails."""
import socket
import threading
from datetime import timedelta

from graded_exposure.db import make_engine, postgres_connect_args
from graded_exposure.models import utcnow
from graded_exposure.services import health
from graded_exposure.services.health import SchedulerState

STALE_AFTER = timedelta(minutes=5)


def test_before_any_pass_the_scheduler_is_never(app):
    report = health.check(app.extensions["db_engine"], STALE_AFTER)
    assert report == health.Health(database_ok=True, scheduler=SchedulerState.NEVER)


def test_a_recorded_pass_is_reported_with_its_age(app, db):
    now = utcnow()
    health.record_scheduler_pass(db, now - timedelta(seconds=42))
    report = health.check(app.extensions["db_engine"], STALE_AFTER, now=now)
    assert (report.scheduler, report.seconds_since_pass) == (SchedulerState.OK, 42)


def test_the_latest_pass_replaces_the_one_before(app, db):
    now = utcnow()
    health.record_scheduler_pass(db, now - timedelta(hours=1))
    health.record_scheduler_pass(db, now - timedelta(seconds=3))
    assert health.check(app.extensions["db_engine"], STALE_AFTER, now=now).seconds_since_pass == 3


def test_a_pass_older_than_the_threshold_is_stale(app, db):
    now = utcnow()
    health.record_scheduler_pass(db, now - STALE_AFTER - timedelta(seconds=1))
    report = health.check(app.extensions["db_engine"], STALE_AFTER, now=now)
    assert (report.database_ok, report.scheduler) == (True, SchedulerState.STALE)
    assert report.seconds_since_pass == STALE_AFTER.total_seconds() + 1


def test_a_pass_stamped_a_little_in_the_future_reads_as_zero_seconds(app, db):
    now = utcnow()
    health.record_scheduler_pass(db, now + timedelta(seconds=2))  # another host's clock
    assert health.check(app.extensions["db_engine"], STALE_AFTER, now=now).seconds_since_pass == 0


def test_a_database_that_cannot_be_opened_is_not_ok(tmp_path, caplog):
    engine = make_engine(f"sqlite:///{tmp_path / 'missing-folder' / 'db.sqlite'}")
    assert health.check(engine, STALE_AFTER) == health.Health(database_ok=False)
    assert "database unavailable (OperationalError)" in caplog.text
    engine.dispose()


def test_a_postgresql_server_that_never_answers_is_not_ok_within_the_connect_timeout():
    """A server that takes the TCP connection and then says nothing (a hung host, a full
    backlog) must not hang the health check, or the request that asked: libpq's
    connect_timeout ends the wait (DB_CONNECT_TIMEOUT seconds, 1 here)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nothing ever replies
        port = silent.getsockname()[1]
        engine = make_engine(f"postgresql+psycopg://u:p@127.0.0.1:{port}/db", connect_timeout=1)
        answers = []
        checking = threading.Thread(target=lambda: answers.append(
            health.check(engine, STALE_AFTER)), daemon=True)
        checking.start()
        checking.join(timeout=20)  # without a timeout libpq waits for as long as TCP does
        assert answers == [health.Health(database_ok=False)]
        engine.dispose()


def test_a_connect_timeout_in_the_database_url_is_kept():
    url = "postgresql+psycopg://u:p@db.internal/app"
    assert postgres_connect_args(url, 5) == {"connect_timeout": 5}
    assert postgres_connect_args(url + "?connect_timeout=30", 5) == {}
