"""Result rows as named tuples: the same columns, names and order, read once."""
from sqlalchemy import literal, select

from graded_exposure.models import Practice
from graded_exposure.services.plain_rows import plain_rows


def test_rows_come_as_tuples_with_the_columns_names_in_order(db):
    statement = select(literal(3).label("fear"), literal("park").label("place"),
                       literal(None).label("note"))

    [row] = plain_rows(db.connection().execute(statement))

    assert (row.fear, row.place, row.note) == (3, "park", None) and tuple(row) == (3, "park", None)
    assert type(row).__name__ == "PlainRow" and not hasattr(row, "_mapping")


def test_no_rows_is_an_empty_list(db):
    assert plain_rows(db.connection().execute(select(Practice.id).where(Practice.id < 0))) == []
