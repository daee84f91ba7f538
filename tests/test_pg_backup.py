"""pg_dump and pg_restore: found where they are, given the password only through the environment.

The tools themselves run in tests/test_backup.py's drill; these check how they are called.
"""
import glob
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

from graded_exposure import pg_backup

URL = "postgresql+psycopg://brave:s3cret-pass@db.internal:6543/brave_steps?sslmode=require"


@pytest.fixture
def pg_bin(tmp_path):
    """A PG_BIN folder holding (empty) pg_dump and pg_restore files."""
    for name in ("pg_dump", "pg_restore"):
        (tmp_path / name).touch()
    return str(tmp_path)


def test_the_password_is_in_the_environment_never_on_the_command_line(pg_bin, tmp_path):
    for command, env in (pg_backup.dump_command(URL, tmp_path / "b.dump", pg_bin),
                         pg_backup.restore_command(URL, tmp_path / "b.dump", pg_bin)):
        assert not any("s3cret" in argument for argument in command)
        assert env == {"PGPASSWORD": "s3cret-pass"}
        [dbname] = [a.removeprefix("--dbname=") for a in command if a.startswith("--dbname=")]
        assert conninfo_to_dict(dbname) == {"host": "db.internal", "port": "6543",
                                            "user": "brave", "dbname": "brave_steps",
                                            "sslmode": "require"}
        assert "--no-password" in command  # never a prompt that hangs a cron job


def test_a_url_without_a_password_sets_none():
    conninfo, env = pg_backup.connection("postgresql+psycopg://app@/brave?host=/run/postgresql")
    assert conninfo_to_dict(conninfo) == {"user": "app", "dbname": "brave",
                                          "host": "/run/postgresql"}
    assert env == {}


def test_the_dump_is_custom_format_and_the_restore_one_transaction(pg_bin, tmp_path):
    dump, _ = pg_backup.dump_command(URL, tmp_path / "b.dump", pg_bin)
    restore, _ = pg_backup.restore_command(URL, tmp_path / "b.dump", pg_bin)
    assert dump[0] == f"{pg_bin}/pg_dump" and "--format=custom" in dump
    assert restore[0] == f"{pg_bin}/pg_restore"
    assert {"--clean", "--if-exists", "--single-transaction"} <= set(restore)


def test_pg_bin_must_hold_the_tool(tmp_path):
    with pytest.raises(pg_backup.PostgresToolMissing, match="PG_BIN"):
        pg_backup.tool("pg_dump", str(tmp_path))


def test_without_pg_bin_path_comes_first_then_the_newest_debian_folder(monkeypatch, tmp_path):
    (tmp_path / "pg_dump").touch(mode=0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pg_backup.tool("pg_dump") == str(tmp_path / "pg_dump")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    installed = sorted(glob.glob(pg_backup.DEBIAN_BIN_DIRS), key=pg_backup._version_of)
    if not installed:
        with pytest.raises(pg_backup.PostgresToolMissing):
            pg_backup.tool("pg_dump")
        return
    assert pg_backup.tool("pg_dump") == str(Path(installed[-1]) / "pg_dump")


def test_debian_versions_sort_as_numbers():
    folders = ["/usr/lib/postgresql/9.6/bin", "/usr/lib/postgresql/15/bin",
               "/usr/lib/postgresql/10/bin"]
    assert max(folders, key=pg_backup._version_of) == "/usr/lib/postgresql/15/bin"
