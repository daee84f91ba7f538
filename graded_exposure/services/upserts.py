"""INSERT ... ON CONFLICT in the dialect of the database at hand: SQLite and PostgreSQL both
have it, each under its own insert construct."""
from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_for(dialect_name: str, table: Table):
    """`table`'s INSERT for this dialect, with on_conflict_do_nothing / on_conflict_do_update."""
    return (postgresql if dialect_name == "postgresql" else sqlite).insert(table)
