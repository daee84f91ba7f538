"""Result rows as named tuples, for lists that read many columns of every row.

Reading a column of an SQLAlchemy Row by name looks its key up in the result's mapping each
time (about 1.8 us), where a named tuple's field is a plain attribute (a few tens of ns): a
practice log of 30 rows read ~20 columns each from its rows, which cost more than the rest of
the therapist's page template. Converting a row once costs about as much as two reads.
"""
from collections import namedtuple
from functools import lru_cache

from sqlalchemy.engine import Result


@lru_cache(maxsize=64)
def _row_type(keys: tuple[str, ...]) -> type:
    return namedtuple("PlainRow", keys, rename=True)


def plain_rows(result: Result) -> list:
    """Every row of `result` as a named tuple with the same column names, in order."""
    make = _row_type(tuple(result.keys()))._make
    return [make(row) for row in result]
