"""The database engines the suite runs on: SQLite files (the default) or PostgreSQL 15.

`pytest --db=postgresql` runs every database-touching test on a throwaway PostgreSQL cluster
(bench/postgres.py), one per test process, stopped when the session ends, also when tests fail
or the run is interrupted. Two backstops: atexit, and a watchdog process that stops the cluster
once its test process is gone (xdist kills its workers on Ctrl-C before their finalizers run;
nothing runs in a process that was SIGKILLed). Each test gets a database of its own:

- `fresh`: the models' schema (create_all) and no rows. SQLite: a copy of a file built once.
  PostgreSQL: a database copied from a template once, then emptied before each test that
  borrows it: `CREATE DATABASE ... TEMPLATE` took 250 ms (120 ms with FILE_COPY) and a
  TRUNCATE of every table 95 ms on this machine, while a DELETE from every table (a test
  leaves a few rows) and restarting the sequences takes about 2 ms;
- `empty`: nothing in it, for tests that migrate it themselves.
"""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from bench.postgres import Cluster, start_cluster
from graded_exposure.config import ROOT
from graded_exposure.db import make_engine

BACKENDS = ("sqlite", "postgresql")


class SQLiteFiles:
    """Databases as files in the test's temp folder; the schema is built once and copied."""

    name = "sqlite"

    def __init__(self, folder: Path):
        self._schema = folder / "schema.sqlite"
        engine = make_engine(f"sqlite:///{self._schema}")
        SQLModel.metadata.create_all(engine)
        with engine.connect() as connection:  # fold the WAL into the file before it is copied
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()

    def fresh(self, folder: Path, name: str = "test") -> str:
        """Return the URL of a new database holding the models' schema and no rows."""
        path = folder / f"{name}.sqlite"
        shutil.copyfile(self._schema, path)
        return f"sqlite:///{path}"

    def empty(self, folder: Path, name: str = "empty") -> str:
        """Return the URL of a new database with no tables."""
        return f"sqlite:///{folder / f'{name}.sqlite'}"

    def drop(self, url: str) -> None:
        """Nothing to do: the file goes with pytest's temp folder."""

    def stop(self) -> None:
        """Nothing to stop."""


class PostgresCluster:
    """Databases in one throwaway cluster; the schema is built once into a template."""

    name = "postgresql"
    TEMPLATE = "schema_template"

    def __init__(self):
        self.cluster: Cluster | None = start_cluster()
        atexit.register(self.stop)  # a backstop: the session finalizer normally stops it
        self._watchdog = _watch(self.cluster)
        self._numbers = itertools.count(1)
        self._admin = self._connect("postgres")
        self._admin.execute(f'CREATE DATABASE "{self.TEMPLATE}"')
        engine = make_engine(self.cluster.url(self.TEMPLATE))
        SQLModel.metadata.create_all(engine)
        engine.dispose()  # CREATE DATABASE ... TEMPLATE needs the template to have no sessions
        self._emptying = _emptying_sql(self._connect(self.TEMPLATE))
        self._idle: list[str] = []  # fresh databases no test holds now
        self._cleaners: dict[str, psycopg.Connection] = {}

    def _connect(self, database: str) -> psycopg.Connection:
        url = make_url(self.cluster.url(database)).set(drivername="postgresql")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def fresh(self, folder: Path | None = None, name: str = "test") -> str:
        """Return the URL of a database holding the models' schema and no rows."""
        if not self._idle:
            database = f"fresh_{next(self._numbers)}"
            self._admin.execute(f'CREATE DATABASE "{database}" TEMPLATE "{self.TEMPLATE}"')
            self._cleaners[database] = self._connect(database)
            return self.cluster.url(database)
        database = self._idle.pop()
        cleaner = self._cleaners[database]
        # A process the last test killed or leaked may still hold a session (and its locks).
        cleaner.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        cleaner.execute(self._emptying)
        return self.cluster.url(database)

    def empty(self, folder: Path | None = None, name: str = "empty") -> str:
        """Return the URL of a new database with no tables."""
        database = f"{name}_{next(self._numbers)}"
        self._admin.execute(f'CREATE DATABASE "{database}"')
        return self.cluster.url(database)

    def drop(self, url: str) -> None:
        """Give a fresh database back for the next test; drop any other, ending its sessions."""
        database = make_url(url).database
        if database in self._cleaners:
            self._idle.append(database)
        else:
            self._admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the cluster and remove its files (once, however often it is called)."""
        cluster, self.cluster = self.cluster, None
        if cluster is None:
            return
        try:
            for connection in (self._admin, *self._cleaners.values()):
                connection.close()
        finally:
            cluster.stop()
            try:  # it sees the cluster's folder gone and ends within half a second
                self._watchdog.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._watchdog.kill()
                self._watchdog.wait()


def _emptying_sql(connection: psycopg.Connection) -> str:
    """Return one script that deletes every row and restarts every sequence, as in a new copy."""
    with connection:  # closed after: the template must have no sessions to be copied
        sequences = [row[0] for row in connection.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")]
    deletes = [f'DELETE FROM "{table.name}";'  # noqa: S608 (our own table names)
               for table in reversed(SQLModel.metadata.sorted_tables)]
    restarts = [f"SELECT setval('\"{name}\"', 1, false);" for name in sequences]
    return "BEGIN;" + "".join(deletes + restarts) + "COMMIT;"


# Run by the watchdog: it waits while its test process lives and the cluster's folder exists.
_WATCHDOG = """
import os, sys, time
from pathlib import Path
from bench.postgres import Cluster

owner, root, port = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
while root.exists():
    try:
        os.kill(owner, 0)
    except ProcessLookupError:
        Cluster(root=root, port=port).stop()
        break
    time.sleep(0.5)
"""


def _watch(cluster: Cluster) -> subprocess.Popen:
    """Start a process, in a session of its own, that stops the cluster if this process dies."""
    return subprocess.Popen([sys.executable, "-c", _WATCHDOG, str(os.getpid()),  # noqa: S603
                             str(cluster.root), str(cluster.port)], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def start(name: str, folder: Path) -> SQLiteFiles | PostgresCluster:
    """Start the named backend for one test process."""
    return PostgresCluster() if name == "postgresql" else SQLiteFiles(folder)
