"""The database's plan for a statement, as text: for tests that an index serves a lookup.

SQLite only (mark such tests `sqlite_only(SQLITE_PLANS)`): SQLite, the default engine, plans
without statistics, from the shape of the query and its indexes alone, which a test can pin.
PostgreSQL plans from its statistics; on a test's near-empty tables any index costs the same,
so its choice there says nothing (CI once saw it scan the index by email for the address).
"""

SQLITE_PLANS = "SQLite's plans: PostgreSQL's follow statistics a test's tables do not have"


def plan_of(connection, statement, params: dict) -> str:
    """EXPLAIN QUERY PLAN of a statement with its bound parameters, joined into one line."""
    compiled = statement.compile(dialect=connection.dialect)
    values = compiled.construct_params(params)
    values = tuple(values[name] for name in compiled.positiontup)
    return " ".join(row[-1] for row in connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + compiled.string, values))
