"""Insert thousands of rows, skipping conflicts, and return what went in: at the driver's speed.

SQLAlchemy's executemany works each row's parameters through Python (a dict per row, every
datetime through its type, one at a time): for the dispatcher's deliveries that cost about
three times what SQLite spent storing them. Here rows are plain tuples; a column's values are
converted by the column's own type, as SQLAlchemy would, but once per DISTINCT value (a batch's
rows share a handful of dates and times), so what is stored is byte for byte the same. The rows
go out in multi-row `INSERT ... VALUES (...), (...) ON CONFLICT DO NOTHING RETURNING ...`
statements through the driver (SQLite and PostgreSQL both take that form), whose SQL text is
made once per row count.
"""
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain

from sqlalchemy import Column, Connection

from .driver_statements import Converted

# Rows per statement: 1,000 rows of a dozen columns stay far below SQLite's 32,766 parameters.
ROWS_PER_STATEMENT = 1000


def insert_new(connection: Connection, columns: Sequence[Column], rows: list[tuple],
               returning: Sequence[Column]) -> list[tuple]:
    """Insert rows (tuples in the order of `columns`), skipping any that conflict; return the
    `returning` values of the rows inserted, in the driver's own types.

    Columns left out get the database's default only: the models' Python-side defaults are not
    applied here, so every NOT NULL column without a server default must be given.
    """
    dialect = connection.dialect
    sql_names = (_quoted(dialect, [columns[0].table]), _quoted(dialect, columns),
                 _quoted(dialect, returning))
    converters = [_converter(column, dialect) for column in columns]
    inserted = []
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start:start + ROWS_PER_STATEMENT]
        # Column by column, so the loops over rows run inside map() and zip(), not in Python.
        values = [list(map(convert, values)) if convert else values
                  for convert, values in zip(converters, zip(*chunk, strict=True), strict=True)]
        sql = _statement(dialect.paramstyle, *sql_names, len(chunk))
        flat = tuple(chain.from_iterable(zip(*values, strict=True)))
        inserted.extend(tuple(r) for r in connection.exec_driver_sql(sql, flat).all())
    return inserted


def _converter(column: Column, dialect) -> Callable | None:
    """Return the column type's conversion to the driver's value, worked out once per distinct
    value; None when the driver takes the value as it is."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return None if process is None else Converted(process).__getitem__


def _quoted(dialect, named) -> tuple[str, ...]:
    return tuple(dialect.identifier_preparer.quote(item.name) for item in named)


# A batch needs at most two texts (full statements and the last, shorter one): a few kept.
@lru_cache(maxsize=8)
def _statement(paramstyle: str, table: tuple[str], columns: tuple[str, ...],
               returning: tuple[str, ...], count: int) -> str:
    # Only the model's own table and column names (quoted) and placeholders go into the text.
    mark = "?" if paramstyle == "qmark" else "%s"
    row = f"({', '.join([mark] * len(columns))})"
    return (f"INSERT INTO {table[0]} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES {', '.join([row] * count)} "
            f"ON CONFLICT DO NOTHING RETURNING {', '.join(returning)}")
