"""Run a few hot one-row writes on the database driver's own cursor, in a transaction of their own.

SQLAlchemy's work for each execution (an execution context, parameter processing, a result,
its transaction bookkeeping) cost three times what SQLite spends on a one-row UPDATE by primary
key: measured 218 µs of CPU for a transaction of one such UPDATE through a Connection, 70 µs
on the driver's cursor. The outbox writes once for every message it sends, so its statements
are compiled once per dialect into the driver's SQL text and run here.

Every parameter goes through its column type's own bind processor, as SQLAlchemy would send it
(the lease guards compare stored timestamps for equality, so a timestamp must be written byte
for byte as SQLAlchemy writes it), and the literal values a statement was built with are sent
as SQLAlchemy sends them. Statements with expanding parameters (`in_()` of a list) are not
supported.

fetch_all does the same for a statement that returns thousands of rows (the dispatcher's claim):
SQLAlchemy's reading of each row (its type processors, one call per value, and a Row) cost more
than SQLite spent claiming the row. Here each column's values go through the column type's own
result processor, as SQLAlchemy would read them, but once per DISTINCT value (a claimed batch
holds a handful of distinct times, dates and channel lists), and the rows come back as tuples.
"""
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class DriverStatement:
    sql: str
    names: tuple[str, ...] | None  # parameter order for a positional paramstyle
    literals: dict[str, Any]  # values built into the statement
    processors: dict[str, Any]  # bind processors, by parameter name

    def parameters(self, given: dict[str, Any]) -> tuple | dict:
        """Return the driver's parameters for the given values."""
        values = {**self.literals, **given}
        for name, process in self.processors.items():
            values[name] = process(values[name])
        return values if self.names is None else tuple(values[name] for name in self.names)


@cache
def compiled(statement: ClauseElement, dialect: Dialect) -> DriverStatement:
    """Compile a statement (built once, and kept) for a dialect."""
    sql = statement.compile(dialect=dialect)
    if any(bind.expanding for bind in sql.binds.values()):
        raise ValueError("expanding parameters are not supported here")
    processors = {}
    for name, bind in sql.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    return DriverStatement(
        sql=sql.string, names=None if sql.positiontup is None else tuple(sql.positiontup),
        literals={name: bind.value for name, bind in sql.binds.items() if not bind.required},
        processors=processors)


class Writer:
    """Runs statements on the driver's cursor, inside write_transaction's transaction."""

    def __init__(self, cursor, dialect: Dialect):
        self.cursor, self.dialect = cursor, dialect

    def run(self, statement: ClauseElement, values: dict[str, Any]) -> int:
        """Execute the statement with these values; return how many rows it changed."""
        driver = compiled(statement, self.dialect)
        self.cursor.execute(driver.sql, driver.parameters(values))
        return self.cursor.rowcount


@contextmanager
def write_transaction(connection: Connection) -> Iterator[Writer]:
    """Run the block as one transaction on the connection's driver connection, holding the
    write lock from its first statement; commit it at the end, roll it back on an error."""
    if connection.in_transaction():
        connection.commit()  # end a read first: never upgrade an old snapshot to a write
    driver = connection.connection.driver_connection
    cursor = driver.cursor()
    try:
        if connection.dialect.name == "sqlite":
            # A deferred transaction that reads first can fail with SQLITE_BUSY_SNAPSHOT when
            # it tries to write; IMMEDIATE waits for the lock (busy_timeout) instead.
            cursor.execute("BEGIN IMMEDIATE")
        yield Writer(cursor, connection.dialect)
    except BaseException:
        driver.rollback()
        raise
    else:
        driver.commit()
    finally:
        cursor.close()


class Converted(dict):
    """Each value's converted form, converted on first sight (a dict lookup after that).

    A value that cannot be a key (psycopg hands back a JSON list as a list) is converted
    every time, as SQLAlchemy would."""

    def __init__(self, process: Callable):
        super().__init__()
        self.process = process

    def __missing__(self, value):
        self[value] = converted = self.process(value)
        return converted

    def __call__(self, value):
        try:
            return self[value]
        except TypeError:
            return self.process(value)


def fetch_all(db: Connection | Session, statement: ClauseElement, values: dict[str, Any],
              make: Callable[[tuple], tuple] = tuple) -> list[tuple]:
    """Run a statement that returns rows (such as UPDATE ... RETURNING) on the driver's cursor,
    in the current transaction of the connection (or the Session's); return its rows, each made
    by `make` from a tuple of the row's values read as SQLAlchemy reads them (each column's
    result processor). For reads that run for every message the outbox sends too, where
    SQLAlchemy's work per execution (a context, a result, a Row) costs several times what the
    database spends."""
    connection = db.connection() if isinstance(db, Session) else db
    dialect = connection.dialect
    driver = compiled(statement, dialect)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(driver.sql, driver.parameters(values))
        rows, description = cursor.fetchall(), cursor.description
    finally:
        cursor.close()
    if not rows:
        return []
    converters = [_result_converter(column, dialect, described[1])
                  for column, described in zip(statement.exported_columns, description,
                                               strict=True)]
    # Column by column, so the loops over rows run inside map() and zip(), not in Python.
    columns = [values if convert is None else list(map(convert, values))
               for convert, values in zip(converters, zip(*rows, strict=True), strict=True)]
    return list(map(make, zip(*columns, strict=True)))


def _result_converter(column, dialect: Dialect, coltype) -> Converted | None:
    process = column.type.dialect_impl(dialect).result_processor(dialect, coltype)
    return None if process is None else Converted(process)
