"""The database's plan for a statement, as text: for tests that an index serves a lookup."""


def plan_of(connection, statement, params: dict) -> str:
    """EXPLAIN (PostgreSQL, sequential scans off: test tables are tiny) or EXPLAIN QUERY PLAN
    (SQLite) of a statement with its bound parameters, joined into one line."""
    compiled = statement.compile(dialect=connection.dialect)
    values = compiled.construct_params(params)
    if compiled.positiontup:
        values = tuple(values[name] for name in compiled.positiontup)
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        return " ".join(row[0] for row in connection.exec_driver_sql(
            "EXPLAIN " + compiled.string, values))
    return " ".join(row[-1] for row in connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + compiled.string, values))
