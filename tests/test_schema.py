"""Migrations build exactly the models' schema (on SQLite and PostgreSQL); SQLite backups
restore with integrity and counts."""
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel, create_engine

from graded_exposure import backup, schema

SQLITE_BACKUP = "backup and restore here copy SQLite files (VACUUM INTO, the backup API)"


def test_migrations_match_the_models(migrated_database):
    engine = create_engine(migrated_database)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


@pytest.mark.sqlite_only("the pragmas are SQLite's")
def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app):
    with app.extensions["db_engine"].connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 15000


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_backup_then_restore_gives_back_the_rows(app, family, tmp_path):
    url = app.config["DATABASE_URL"]
    target = tmp_path / "backup.sqlite"
    backup.backup(url, target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT count(*) FROM child").fetchone()[0] == 1
    family.post(f"/children/{family.child.id}/delete", {"confirm": "yes"})
    with sqlite3.connect(backup.sqlite_path(url)) as live:
        assert live.execute("SELECT count(*) FROM child").fetchone()[0] == 0
    backup.restore(url, target)
    with sqlite3.connect(backup.sqlite_path(url)) as live:
        assert live.execute("SELECT count(*) FROM child").fetchone()[0] == 1
        assert live.execute("SELECT count(*) FROM user").fetchone()[0] == 1


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_backup_refuses_to_overwrite(app, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_text("keep me")
    with pytest.raises(FileExistsError):
        backup.backup(app.config["DATABASE_URL"], target)
    assert target.read_text() == "keep me"


@pytest.mark.sqlite_only(SQLITE_BACKUP)
def test_restore_refuses_a_corrupt_file(app, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    with pytest.raises(sqlite3.DatabaseError):
        backup.restore(app.config["DATABASE_URL"], bad)


def test_migrations_downgrade_to_nothing_and_back(migrated_database):
    from alembic import command

    url = migrated_database
    command.downgrade(schema.alembic_config(url), "base")
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    schema.upgrade(url)


def test_json_columns_read_back_as_new_values_each_time():
    """SQLite's JSON columns are read with db.json_loads, which answers "[]" without the
    parser: still a fresh list each time, and any other JSON goes through json.loads."""
    from graded_exposure.db import json_loads, make_engine
    assert make_engine("sqlite://").dialect._json_deserializer is json_loads
    first, second = json_loads("[]"), json_loads("[]")
    assert first == [] and first is not second
    first.append("x")
    assert json_loads("[]") == []
    assert json_loads('["a", {"b": 1}]') == ["a", {"b": 1}]
