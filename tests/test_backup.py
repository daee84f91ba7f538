"""Backup drill on SQLite and PostgreSQL: seed, back up, write more, restore, compare every table.

The commands run as an operator types them (`flask db backup FILE`, `flask db restore FILE`),
through the CLI. PostgreSQL is a throwaway cluster started once for this module; its drill
database belongs to a role that logs in with a password (scram-sha-256), so a backup works only
if the password reaches pg_dump and pg_restore, which it does through the environment.
"""
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session, SQLModel

from graded_exposure import create_app, schema
from graded_exposure.db import make_engine
from graded_exposure.models import Child, Practice
from tests.factories import busy_child, make_therapist
from tests.postgres import cluster_or_skip, new_database

pytestmark = pytest.mark.xdist_group("postgres-backup")  # one cluster for the module

OWNER, OWNER_PASSWORD = "drill_owner", "drill-password-7f3"


def _psql(cluster, sql: str) -> None:
    subprocess.run(cluster.tool("psql", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1",  # noqa: S603
                                "-c", sql), check=True, capture_output=True)


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL cluster where OWNER must give its password (everyone else: trust)."""
    with cluster_or_skip() as started:
        _psql(started, f"CREATE ROLE {OWNER} LOGIN PASSWORD '{OWNER_PASSWORD}'")
        hba = started.data / "pg_hba.conf"
        hba.write_text(f"host all {OWNER} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        _psql(started, "SELECT pg_reload_conf()")
        yield started


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'live.sqlite'}"
    else:
        cluster = request.getfixturevalue("cluster")
        name, _ = new_database(cluster, "drill")
        _psql(cluster, f"ALTER DATABASE {name} OWNER TO {OWNER}")
        url = (f"postgresql+psycopg://{OWNER}:{OWNER_PASSWORD}@127.0.0.1:{cluster.port}/"
               f"{name}")
    schema.upgrade(url)
    return url


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def flask_db(database_url: str, *args: str):
    """Run `flask db ...` against the database, as the command line would; return the result."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url})
    try:
        return app.test_cli_runner().invoke(args=["db", *args])
    finally:
        app.extensions["db_engine"].dispose()


def contents(engine) -> dict[str, list[tuple]]:
    """Every row of every table (migrations' version included), in primary-key order."""
    tables = [*SQLModel.metadata.sorted_tables]
    with engine.connect() as connection:
        found = {t.name: [tuple(row) for row in connection.execute(
            select(t).order_by(*t.primary_key.columns))] for t in tables}
        found["alembic_version"] = connection.exec_driver_sql(
            "SELECT version_num FROM alembic_version").all()
    return found


def seed(engine, first: int, count: int) -> None:
    with Session(engine, expire_on_commit=False) as db:
        therapist = make_therapist(db, email=f"tara{first}@example.com")
        for n in range(first, first + count):
            busy_child(db, n, therapist)


def write_more(engine) -> None:
    """What happens after a backup: new rows, a changed row and a deleted one."""
    seed(engine, 100, 2)
    with Session(engine, expire_on_commit=False) as db:
        child = db.exec(select(Child).order_by(Child.id)).scalars().first()
        child.display_name = "Renamed after the backup"
        db.delete(db.exec(select(Practice).order_by(Practice.id)).scalars().first())
        db.commit()


def test_restore_gives_back_exactly_the_backup_point(database_url, engine, tmp_path):
    seed(engine, 1, 3)
    at_backup = contents(engine)
    target = tmp_path / "brave_steps.backup"
    result = flask_db(database_url, "backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0
    write_more(engine)
    assert contents(engine) != at_backup
    result = flask_db(database_url, "restore", str(target), "--yes")
    assert result.exit_code == 0, result.output
    assert contents(engine) == at_backup
    seed(engine, 200, 1)  # keys continue after the restored rows (sequences restored too)


def test_backup_refuses_to_overwrite_a_file(database_url, tmp_path):
    target = tmp_path / "exists.backup"
    target.write_text("keep me")
    result = flask_db(database_url, "backup", str(target))
    assert result.exit_code != 0
    assert isinstance(result.exception, FileExistsError)
    assert target.read_text() == "keep me"


def test_a_restore_that_fails_changes_nothing(database_url, engine, tmp_path):
    seed(engine, 1, 1)
    before = contents(engine)
    bad = tmp_path / "bad.backup"
    bad.write_bytes(b"not a backup")
    result = flask_db(database_url, "restore", str(bad), "--yes")
    assert result.exit_code != 0
    assert contents(engine) == before


def test_a_failed_postgresql_backup_leaves_no_file(cluster, tmp_path):
    url = f"postgresql+psycopg://{OWNER}:wrong-password@127.0.0.1:{cluster.port}/postgres"
    target = tmp_path / "never.backup"
    result = flask_db(url, "backup", str(target))
    assert result.exit_code != 0
    assert "password authentication failed" in str(result.exception)
    assert list(Path(tmp_path).iterdir()) == []
