"""The outbox's writes: one transaction before each send, and nothing sent before what went
before it is recorded (a killed sender re-sends at most the one message in flight)."""
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from graded_exposure.models import Delivery
from graded_exposure.services import dispatch, outbox
from tests.factories import DISPATCH_CONFIG, add_reminder, local, person

DELIVERIES = 4  # fewer than one outbox batch


@pytest.fixture
def owed(db):
    """DELIVERIES deliveries each owing an email and a push; return the time they are due."""
    user, child = person(db)
    for _ in range(DELIVERIES):
        add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     channels=("inbox", "email", "push"))
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=now)
    return now


def sent_as_recorded(engine) -> int:
    """Return how many messages the database records as sent, read on a connection of its own."""
    deliveries = Delivery.__table__
    with engine.connect() as connection:
        return sum(connection.execute(select(func.count()).where(column == "sent")).scalar_one()
                   for column in (deliveries.c.email_state, deliveries.c.push_state))


def test_every_send_finds_everything_sent_before_it_recorded(db, owed, monkeypatch):
    engine, seen = db.get_bind(), []

    def send(connection, config, message):
        seen.append(sent_as_recorded(engine))

    monkeypatch.setattr("graded_exposure.channels.email.send_email", send)
    monkeypatch.setattr("graded_exposure.channels.push.send_push", send)
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=owed)
    assert counts.sent == 2 * DELIVERIES
    # The n-th send (from 0) finds the n before it recorded: only the one in flight is not.
    assert seen == list(range(2 * DELIVERIES))
    assert sent_as_recorded(engine) == 2 * DELIVERIES


@pytest.mark.sqlite_only("counts the driver's statements through SQLite's trace callback")
def test_one_write_transaction_per_message(db, owed, monkeypatch):
    monkeypatch.setattr("graded_exposure.channels.email.send_email", lambda *args: None)
    monkeypatch.setattr("graded_exposure.channels.push.send_push", lambda *args: None)
    statements = traced(db.get_bind())
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=owed)
    assert counts.sent == 2 * DELIVERIES
    # The claim, the first message's lease check, then one write after each message: its
    # result with the lease check of the next.
    assert statements.count("BEGIN IMMEDIATE") == 1 + 1 + 2 * DELIVERIES
    assert statements.count("COMMIT") >= 2 + 2 * DELIVERIES


def test_a_result_the_lease_no_longer_covers_is_not_counted(db, owed, monkeypatch, caplog):
    engine = db.get_bind()

    def send_then_lose_the_lease(connection, config, message):
        # Another sender takes the delivery over while this one sends its email.
        with engine.begin() as other:
            other.execute(Delivery.__table__.update().values(
                outbox_claimed_until=owed + timedelta(hours=1)))

    monkeypatch.setattr("graded_exposure.channels.email.send_email", send_then_lose_the_lease)
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=owed)
    assert (counts.sent, counts.failed) == (0, 0)
    assert "email sent, but not recorded: this sender lost its lease" in caplog.text
    assert sent_as_recorded(engine) == 0


def traced(engine) -> list[str]:
    """Return a list that collects, from now on, every statement SQLite runs for `engine`
    (on connections opened from now on: the pool's idle ones are closed first)."""
    statements = []
    event.listen(engine, "connect",
                 lambda connection, _record: connection.set_trace_callback(statements.append))
    engine.pool.dispose()
    return statements
