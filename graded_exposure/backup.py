"""Online backup and restore of the SQLite database (never a file copy of a live database)."""
import sqlite3
from pathlib import Path


def sqlite_path(database_url: str) -> Path:
    """Return the file path of a sqlite:/// URL, refusing other databases."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ValueError("backup and restore work on SQLite; use pg_dump for PostgreSQL")
    return Path(database_url[len(prefix):])


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the live database to target with VACUUM INTO."""
    if target.exists():
        raise FileExistsError(f"{target} exists; choose a new file name")
    with sqlite3.connect(sqlite_path(database_url)) as source:
        source.execute("VACUUM INTO ?", (str(target),))


def restore(database_url: str, source_file: Path) -> None:
    """Replace the database's contents with a backup, through SQLite's backup API."""
    with sqlite3.connect(source_file) as source:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise ValueError(f"backup failed its integrity check: {check}")
        with sqlite3.connect(sqlite_path(database_url)) as target:
            source.backup(target)
