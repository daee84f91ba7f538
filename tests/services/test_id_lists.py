"""id_lists: a list of ids bound as one parameter selects exactly those rows."""
from sqlalchemy import event, select

from graded_exposure.services.claims import REMINDERS
from graded_exposure.services.id_lists import among
from tests.factories import add_reminder, local, person


def test_among_selects_exactly_the_listed_ids_whatever_their_number(db):
    user, child = person(db)
    ids = [add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10)).id
           for _ in range(5)]
    connection = db.connection()
    statement = select(REMINDERS.c.id).where(among(REMINDERS.c.id, "ids",
                                                   connection.dialect.name))
    for wanted in ([], ids[:1], ids[1:4], [*ids, 10**6]):
        found = connection.execute(statement, {"ids": wanted}).scalars().all()
        assert sorted(found) == sorted(set(wanted) & set(ids))


def test_the_sql_sent_is_the_same_for_three_ids_and_for_three_thousand(app, db):
    engine, sent = app.extensions["db_engine"], []

    def record(_conn, _cursor, statement, *_rest):
        sent.append(statement)

    connection = db.connection()
    statement = select(REMINDERS.c.id).where(among(REMINDERS.c.id, "ids",
                                                   connection.dialect.name))
    event.listen(engine, "before_cursor_execute", record)
    try:
        for wanted in (list(range(3)), list(range(3000))):
            connection.execute(statement, {"ids": wanted}).all()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(sent) == 2 and sent[0] == sent[1]
