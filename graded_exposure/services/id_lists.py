"""A list of ids passed to SQL as ONE bound parameter, for statements run on thousands of ids.

`column.in_(ids)` renders one placeholder per id on every execution: with the dispatcher's
batches of 2,000 that rendering cost more than SQLite running the statement. Here the list is
one value instead (a JSON array read by `json_each` on SQLite, an integer array compared with
`= ANY` on PostgreSQL), so the SQL text stays the same whatever the number of ids and the
statement can be built once per dialect. Pass the ids as a list (a set is not JSON).
"""
from sqlalchemy import JSON, Integer, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY


def among(target, name: str, dialect: str):
    """Return the condition "target is one of the ids bound to `name`" for the dialect."""
    if dialect == "postgresql":
        return target == any_(bindparam(name, type_=ARRAY(Integer)))
    ids = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return target.in_(select(ids.c.value))
