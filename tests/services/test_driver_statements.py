"""driver_statements: statements on the driver's cursor write exactly what SQLAlchemy writes."""
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import bindparam, select, update

from graded_exposure.services import claims, driver_statements
from graded_exposure.services.claims import DELIVERIES
from graded_exposure.vocabulary import ChannelState
from tests.factories import add_reminder, local, person

# An offset other than UTC, to prove the app's UTC conversion runs on the way in.
MOMENT = datetime(2026, 6, 10, 8, 30, 5, 123456, tzinfo=timezone(timedelta(hours=1)))
SET_LEASE = (update(DELIVERIES).where(DELIVERIES.c.id == bindparam("delivery_id"))
             .values(outbox_claimed_until=bindparam("until")))
# A guard on a stored timestamp, and a literal built into the statement.
GUARDED = (update(DELIVERIES)
           .where(DELIVERIES.c.id == bindparam("delivery_id"),
                  DELIVERIES.c.outbox_claimed_until == bindparam("held"),
                  DELIVERIES.c.email_state == ChannelState.PENDING)
           .values(email_state=bindparam("state")))


@pytest.fixture
def delivery_id(db) -> int:
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    with db.get_bind().begin() as connection:
        return connection.execute(DELIVERIES.insert().returning(DELIVERIES.c.id), {
            "reminder_id": r.id, "local_date": date(2026, 6, 10), "due_at": MOMENT,
            "status": "sent", "created_at": MOMENT,
            "email_state": ChannelState.PENDING.value}).scalar_one()


def stored_lease(engine):
    """The lease column as the database holds it, read without any type processing."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            f"SELECT outbox_claimed_until FROM {DELIVERIES.name}").scalar_one()  # noqa: S608


def test_a_timestamp_is_stored_exactly_as_sqlalchemy_stores_it(db, delivery_id):
    engine = db.get_bind()
    with engine.begin() as connection:
        connection.execute(SET_LEASE, {"delivery_id": delivery_id, "until": MOMENT})
    expected = stored_lease(engine)
    with engine.begin() as connection:
        connection.execute(SET_LEASE, {"delivery_id": delivery_id, "until": None})
    with engine.connect() as connection, \
            driver_statements.write_transaction(connection) as writer:
        assert writer.run(SET_LEASE, {"delivery_id": delivery_id, "until": MOMENT}) == 1
    assert stored_lease(engine) == expected
    with engine.connect() as connection:
        assert connection.execute(select(DELIVERIES.c.outbox_claimed_until)).scalar_one() \
            == MOMENT.astimezone(UTC)


def test_a_guard_matches_what_sqlalchemy_wrote_and_literals_are_sent(db, delivery_id):
    engine = db.get_bind()
    with engine.begin() as connection:
        connection.execute(SET_LEASE, {"delivery_id": delivery_id, "until": MOMENT})
    with engine.connect() as connection:
        with driver_statements.write_transaction(connection) as writer:
            changed = writer.run(GUARDED, {"delivery_id": delivery_id, "state": "sent",
                                           "held": MOMENT + timedelta(microseconds=1)})
            assert changed == 0  # another lease: nothing written
            changed = writer.run(GUARDED, {"delivery_id": delivery_id, "state": "sent",
                                           "held": MOMENT.astimezone(UTC)})
            assert changed == 1
            # The literal "pending" in the guard: no longer pending, so nothing more.
            assert writer.run(GUARDED, {"delivery_id": delivery_id, "state": "failed",
                                        "held": MOMENT}) == 0
        assert connection.execute(select(DELIVERIES.c.email_state)).scalar_one() == "sent"


def test_an_error_rolls_the_whole_transaction_back(db, delivery_id):
    engine = db.get_bind()
    with engine.connect() as connection:
        with pytest.raises(RuntimeError), \
                driver_statements.write_transaction(connection) as writer:
            writer.run(SET_LEASE, {"delivery_id": delivery_id, "until": MOMENT})
            raise RuntimeError("a sender failed mid-write")
        # The connection is usable afterwards, and nothing of the transaction was kept.
        assert connection.execute(select(DELIVERIES.c.outbox_claimed_until)).scalar_one() \
            is None


def test_a_list_of_values_is_refused(db):
    expanding = update(DELIVERIES).where(DELIVERIES.c.id.in_(bindparam("ids", expanding=True)))
    with pytest.raises(ValueError, match="expanding"):
        driver_statements.compiled(expanding.values(status="x"), db.get_bind().dialect)


class Undo(Exception):
    pass


def test_fetched_rows_read_exactly_as_sqlalchemy_reads_them(db):
    """A claim read on the driver's cursor gives the values (types included) of the same claim
    read through SQLAlchemy: timestamps aware in UTC, dates, None, decoded channel lists."""
    user, child = person(db)
    created = local("Europe/London", 2026, 6, 10)
    add_reminder(db, user, child, created=created, channels=("inbox", "email"),
                 skip_date=date(2026, 6, 12), ends_on=date(2026, 7, 1))
    for _ in range(3):  # repeated values: converted once, the same values come back
        add_reminder(db, user, None, created=created, kind="therapist", message="Hello")
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    values = {"worker": "w", "now": now, "until": now + timedelta(minutes=5), "limit": 10}
    statement = claims.claim_due_statement(db.get_bind().dialect.name)
    with pytest.raises(Undo), claims.write_transaction(db) as connection:
        fetched = driver_statements.fetch_all(connection, statement, values)
        raise Undo  # rolled back: the same claim again, through SQLAlchemy
    with claims.write_transaction(db) as connection:
        expected = [tuple(row) for row in connection.execute(statement, values)]
    assert len(fetched) == 4 and sorted(fetched) == sorted(expected)
    assert [[type(v) for v in row] for row in sorted(fetched)] == \
        [[type(v) for v in row] for row in sorted(expected)]
    first = min(fetched)
    assert first[claims.ClaimedReminder._fields.index("channels")] == ("inbox", "email")
    assert first[-1].tzinfo == UTC and first[-1] == now.replace(minute=30)


def test_a_claimed_reminder_names_the_claimed_columns_in_order(db):
    assert claims.ClaimedReminder._fields == tuple(
        column.name for column in claims.claim_due_statement(
            db.get_bind().dialect.name).exported_columns)


def test_fetching_nothing_gives_no_rows(db):
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    with claims.write_transaction(db) as connection:
        assert driver_statements.fetch_all(connection, claims.claim_due_statement(
            db.get_bind().dialect.name), {"worker": "w", "now": now, "until": now,
                                          "limit": 10}, make=claims.ClaimedReminder._make) == []


def test_a_converter_converts_each_distinct_value_once_and_unhashable_ones_each_time():
    calls = []
    convert = driver_statements.Converted(lambda v: calls.append(v) or str(v))
    assert [convert(v) for v in (1, 1, 2, [3], [3])] == ["1", "1", "2", "[3]", "[3]"]
    assert calls == [1, 2, [3], [3]]
