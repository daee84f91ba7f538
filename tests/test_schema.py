"""Migrations build exactly the models' schema; backups restore with integrity and counts."""
import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, create_engine

from graded_exposure import backup, schema


def test_migrations_match_the_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite'}"
    schema.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert diff == [], f"models changed without a migration: {diff}"


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(app):
    with app.extensions["db_engine"].connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert raw.execute("PRAGMA busy_timeout").fetchone()[0] == 15000


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


def test_backup_refuses_to_overwrite(app, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_text("keep me")
    with pytest.raises(FileExistsError):
        backup.backup(app.config["DATABASE_URL"], target)
    assert target.read_text() == "keep me"


def test_restore_refuses_a_corrupt_file(app, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database")
    with pytest.raises(sqlite3.DatabaseError):
        backup.restore(app.config["DATABASE_URL"], bad)


def test_migrations_downgrade_to_nothing_and_back(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite'}"
    schema.upgrade(url)
    command.downgrade(schema.alembic_config(url), "base")
    with sqlite3.connect(tmp_path / "roundtrip.sqlite") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables <= {"alembic_version"}
    schema.upgrade(url)
