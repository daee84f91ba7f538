"""bulk_insert: rows go in exactly as SQLAlchemy would store them, conflicts are skipped."""
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select

from graded_exposure.services import bulk_insert
from graded_exposure.services.claims import DELIVERIES
from graded_exposure.vocabulary import ChannelState
from tests.factories import add_reminder, local, person

COLUMNS = (DELIVERIES.c.reminder_id, DELIVERIES.c.local_date, DELIVERIES.c.due_at,
           DELIVERIES.c.status, DELIVERIES.c.created_at, DELIVERIES.c.title, DELIVERIES.c.body,
           DELIVERIES.c.link, DELIVERIES.c.email_state, DELIVERIES.c.push_state)
# Body, link and the channel states.
REST = ("", "", ChannelState.NOT_WANTED.value, ChannelState.PENDING.value)
RETURNING = (DELIVERIES.c.reminder_id, DELIVERIES.c.local_date)


def _stored(connection, day: date) -> tuple:
    """The row as the database holds it, read without any type processing."""
    table, columns = DELIVERIES.name, ", ".join(c.name for c in COLUMNS[1:])
    return connection.exec_driver_sql(
        f"SELECT {columns} FROM {table} WHERE local_date = "  # noqa: S608 - fixed names
        f"(SELECT local_date FROM {table} WHERE id = (SELECT max(id) FROM {table}))").one()


def test_values_are_stored_exactly_as_sqlalchemy_stores_them(db):
    user, child = person(db)
    ours, theirs = (add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
                    for _ in range(2))
    # An offset other than UTC, to prove the app's UTC conversion runs on the way in.
    due = datetime(2026, 6, 10, 8, 30, tzinfo=timezone(timedelta(hours=1)))
    made = datetime(2026, 6, 10, 7, 31, 5, 123456, tzinfo=UTC)
    connection = db.connection()
    connection.execute(DELIVERIES.insert(), {
        "reminder_id": theirs.id, "local_date": date(2026, 6, 10), "due_at": due,
        "status": "sent", "created_at": made, "title": "Zoë's turn", "body": "", "link": "",
        "email_state": ChannelState.NOT_WANTED.value, "push_state": ChannelState.PENDING.value})
    expected = _stored(connection, date(2026, 6, 10))
    connection.execute(DELIVERIES.delete())
    bulk_insert.insert_new(connection, COLUMNS, [
        (ours.id, date(2026, 6, 10), due, "sent", made, "Zoë's turn", *REST)], RETURNING)
    assert _stored(connection, date(2026, 6, 10)) == expected
    [row] = connection.execute(select(DELIVERIES.c.due_at, DELIVERIES.c.created_at)).all()
    assert row == (due, made)


def test_conflicting_rows_are_skipped_and_only_new_ones_returned(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    connection = db.connection()
    moment = local("Europe/London", 2026, 6, 10, 7, 30)
    first = bulk_insert.insert_new(connection, COLUMNS, [
        (r.id, date(2026, 6, 10), moment, "sent", moment, "a", *REST)], (DELIVERIES.c.reminder_id,))
    again = bulk_insert.insert_new(connection, COLUMNS, [
        (r.id, date(2026, 6, 10), moment, "sent", moment, "b", *REST),
        (r.id, date(2026, 6, 11), moment, "missed", moment, "", *REST)], (DELIVERIES.c.status,))
    assert first == [(r.id,)] and again == [("missed",)]


def test_more_rows_than_one_statement_takes(db, monkeypatch):
    monkeypatch.setattr(bulk_insert, "ROWS_PER_STATEMENT", 3)
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    moment = local("Europe/London", 2026, 6, 10, 7, 30)
    rows = [(r.id, date(2026, 6, 1) + timedelta(days=n), moment, "missed", moment, "", *REST)
            for n in range(7)]
    inserted = bulk_insert.insert_new(db.connection(), COLUMNS, rows, (DELIVERIES.c.id,))
    assert len(inserted) == len({i for (i,) in inserted}) == 7
