"""Online backup and restore: SQLite through its own backup machinery, PostgreSQL through
pg_dump and pg_restore (pg_backup.py). Never a file copy of a live database."""
import sqlite3
from pathlib import Path

from . import pg_backup


def sqlite_path(database_url: str) -> Path:
    """Return the file path of a sqlite:/// URL, refusing other databases."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ValueError("not a SQLite database URL")
    return Path(database_url[len(prefix):])


def is_postgresql(database_url: str) -> bool:
    """Return True for a PostgreSQL URL (any driver)."""
    return database_url.startswith(("postgresql:", "postgresql+", "postgres:"))


def backup(database_url: str, target: Path, pg_bin: str = "") -> None:
    """Write a consistent copy of the live database to `target`, which must not exist yet."""
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    if is_postgresql(database_url):
        pg_backup.backup(database_url, target, pg_bin)
        return
    with sqlite3.connect(sqlite_path(database_url)) as source:
        source.execute("VACUUM INTO ?", (str(target),))


def restore(database_url: str, source_file: Path, pg_bin: str = "") -> None:
    """Replace the database's contents with a backup made by `backup`."""
    if is_postgresql(database_url):
        pg_backup.restore(database_url, source_file, pg_bin)
        return
    with sqlite3.connect(source_file) as source:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise ValueError(f"backup failed its integrity check: {check}")
        with sqlite3.connect(sqlite_path(database_url)) as target:
            source.backup(target)
