"""Backup and restore of a PostgreSQL database with pg_dump and pg_restore (custom format).

The connection goes to the tools as a libpq connection string without the password, and the
password in PGPASSWORD: command lines are visible to every user of the machine (`ps`), a
process's environment only to its owner. The tools never prompt (-w), so a backup run from
cron fails instead of hanging.

Which tools: PG_BIN when set, else the ones on PATH, else the newest of Debian's
/usr/lib/postgresql/<version>/bin (which is not on PATH). pg_dump must be at least as new as
the server it dumps, hence the newest.
"""
import glob
import os
import shutil
import subprocess
from pathlib import Path

from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"


class PostgresToolMissing(RuntimeError):
    """pg_dump or pg_restore cannot be found."""


def tool(name: str, pg_bin: str = "") -> str:
    """Return the path of one of PostgreSQL's client programs (pg_dump, pg_restore)."""
    if pg_bin:
        path = Path(pg_bin) / name
        if not path.exists():
            raise PostgresToolMissing(f"{name} is not in PG_BIN ({pg_bin})")
        return str(path)
    found = shutil.which(name)
    if found:
        return found
    for folder in sorted(glob.glob(DEBIAN_BIN_DIRS), key=_version_of, reverse=True):
        if (Path(folder) / name).exists():
            return str(Path(folder) / name)
    raise PostgresToolMissing(f"{name} not found: install PostgreSQL's client programs, or "
                              "set PG_BIN to the folder that has them")


def _version_of(folder: str) -> tuple[int, ...]:
    version = Path(folder).parent.name  # /usr/lib/postgresql/15/bin -> "15"
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def connection(database_url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection string without the password, and the environment that
    carries the password (empty when the URL has none)."""
    url = make_url(database_url)
    params = {"host": url.host, "port": url.port, "user": url.username,
              "dbname": url.database, **url.query}
    conninfo = make_conninfo(**{key: value for key, value in params.items()
                                if value is not None})
    return conninfo, ({"PGPASSWORD": url.password} if url.password else {})


def dump_command(database_url: str, target: Path, pg_bin: str = "") -> tuple[list[str], dict]:
    """Return pg_dump's command line (custom format into `target`) and its environment."""
    conninfo, secret = connection(database_url)
    return ([tool("pg_dump", pg_bin), "--format=custom", "--no-password",
             f"--file={target}", f"--dbname={conninfo}"], secret)


def restore_command(database_url: str, source: Path,
                    pg_bin: str = "") -> tuple[list[str], dict]:
    """Return pg_restore's command line replacing the database's contents, and its environment.

    --clean --if-exists drops each object before recreating it; --single-transaction makes the
    whole restore one transaction, so a restore that fails half-way leaves the database as it
    was; --no-owner gives the objects to the restoring user, so a backup restores on a server
    whose roles have other names.
    """
    conninfo, secret = connection(database_url)
    return ([tool("pg_restore", pg_bin), "--clean", "--if-exists", "--single-transaction",
             "--no-owner", "--exit-on-error", "--no-password", f"--dbname={conninfo}",
             str(source)], secret)


def run(command: list[str], secret: dict[str, str]) -> None:
    """Run a PostgreSQL tool; raise with its own message when it fails."""
    result = subprocess.run(command, env={**os.environ, **secret},  # noqa: S603
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def backup(database_url: str, target: Path, pg_bin: str = "") -> None:
    """Write a custom-format dump to `target`, which must not exist yet.

    pg_dump writes beside it first, and the dump takes the final name only once complete, so
    a failed backup never leaves a file that looks like one.
    """
    partial = target.with_name(target.name + ".partial")
    try:
        run(*dump_command(database_url, partial, pg_bin))
        os.link(partial, target)  # refuses, atomically, a target created meanwhile
    finally:
        partial.unlink(missing_ok=True)


def restore(database_url: str, source: Path, pg_bin: str = "") -> None:
    """Replace the database's contents with a custom-format dump, in one transaction."""
    run(*restore_command(database_url, source, pg_bin))
