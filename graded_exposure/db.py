"""Database engine, one Session per request on `g`, and SQLite connection settings."""
import json
import traceback
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

# Registers the Session events that keep the caseload's per-child summaries current.
from .services import summary_tracking  # noqa: F401

_APP_CODE = str(Path(__file__).parent)


# Seconds to wait for PostgreSQL to answer a new connection: without it libpq waits as long as
# TCP does (minutes) on a hung host, holding the request, or the health check, that asked.
CONNECT_TIMEOUT = 5


def make_engine(url: str, connect_timeout: int = CONNECT_TIMEOUT) -> Engine:
    """Create an engine; SQLite connections get WAL, foreign keys and a busy timeout, and
    PostgreSQL connections a connect timeout (unless the URL sets its own)."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True,
                             connect_args=postgres_connect_args(url, connect_timeout))
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15},
                           json_deserializer=json_loads)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # Set on every connection: these pragmas are per connection, not per file
        # (except WAL, which is cheap to re-assert).
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def json_loads(text: str):
    """json.loads, with the empty list most JSON columns hold (chips not chosen, no small
    wins) answered without the parser: 0.15 µs against 2.1 µs, and a therapist's page reads
    about a hundred of them. A new list each time: callers may change it."""
    return [] if text == "[]" else json.loads(text)


def postgres_connect_args(url: str, connect_timeout: int) -> dict:
    """libpq's connect_timeout, unless the database URL already says how long to wait."""
    if "connect_timeout" in make_url(url).query:
        return {}
    return {"connect_timeout": connect_timeout}


def get_session() -> Session:
    """Return this request's Session, opening it on first use."""
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["db_engine"], expire_on_commit=False)
        if current_app.config.get("RAISE_ON_LAZY_LOAD"):
            event.listen(g.db_session, "do_orm_execute", _refuse_lazy_load)
    return g.db_session


class LazyLoadInRequest(RuntimeError):
    """A relationship was loaded one object at a time while serving a request."""


def _refuse_lazy_load(state) -> None:
    """With RAISE_ON_LAZY_LOAD (tests turn it on), a lazy load that runs SQL is an error: pages
    load what they show up front, in a fixed number of statements, so their cost does not grow
    with the rows on them. (A many-to-one found in the identity map runs no SQL.)"""
    if state.is_select and state.lazy_loaded_from is not None:
        ours = [f"{Path(f.filename).name}:{f.lineno}" for f in traceback.extract_stack()
                if _APP_CODE in f.filename or f.filename.endswith(".html")]
        raise LazyLoadInRequest(f"lazy load of {state.loader_strategy_path} at "
                                f"{' < '.join(reversed(ours[-4:-1]))}: load it with the query "
                                f"(selectinload/joinedload) instead")


def end_failed_transaction() -> None:
    """Roll back this request's transaction, if it has one, so that the rest of the request (an
    error page reading the inbox badge) can use the database again."""
    session = g.get("db_session")
    if session is None:
        return
    try:
        session.rollback()
    except SQLAlchemyError:  # the connection itself is gone: the next statement reconnects
        session.close()


def close_session(_exc=None) -> None:
    """Close this request's Session, if one was opened."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Bind an engine to the app and close the request Session on teardown."""
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
