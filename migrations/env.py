"""Alembic environment: migrate the database the app is configured for."""
from alembic import context
from sqlmodel import SQLModel

from graded_exposure import models  # noqa: F401  (registers every table on the metadata)
from graded_exposure.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_, obj, autogen_context):
    """Render SQLModel's string type as plain SQLAlchemy, so migrations need no sqlmodel import."""
    if type_ == "type" and obj.__class__.__module__.startswith("sqlmodel"):
        length = getattr(obj, "length", None)
        return f"sa.String(length={length})" if length else "sa.String()"
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        # Stored as a plain timestamp; the UTC handling lives in the model, not the schema.
        return "sa.DateTime(timezone=True)"
    return False


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from graded_exposure.config import ROOT, load_config

        url = load_config(str(ROOT / "instance"))["DATABASE_URL"]
    return url


def run_migrations() -> None:
    url = _url()
    engine = make_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode changes a SQLite table by rebuilding it (create, copy, drop, rename).
            # With foreign keys on, dropping the old table cascades into every table that
            # references it: adding a column to `child` emptied every child's summaries (and
            # would empty ladders and practices). Off for the migration, checked after it.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end the autobegun transaction: the migration opens its own
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=sqlite, render_item=render_item, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"Rows left without their parent: {broken[:5]}")
    engine.dispose()


run_migrations()
