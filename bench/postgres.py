"""A throwaway PostgreSQL 15 cluster for tests, benchmarks and the soak: its own data directory
in a temp folder, its own port on 127.0.0.1 and socket directory, stopped on `stop()`.

PostgreSQL refuses to run as root, so when this process is root the cluster belongs to the
`postgres` system user (which Debian's package creates) and its commands run through `runuser`.

    with throwaway_cluster() as cluster:
        engine = create_engine(cluster.url("brave_steps"))
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "brave"


def bin_dir() -> Path:
    """Return PostgreSQL 15's bin directory (Debian keeps it outside PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/15/bin")) or sorted(
        glob.glob("/usr/lib/postgresql/*/bin"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs postgresql-15")
    return Path(found[-1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Cluster:
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL for a database of this cluster, over TCP on loopback."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def tool(self, name: str, *args: str) -> list[str]:
        """A command line for one of PostgreSQL's client tools (pg_dump, psql, ...)."""
        return [str(bin_dir() / name), "-h", "127.0.0.1", "-p", str(self.port),
                "-U", SUPERUSER, *args]

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (optionally a copy of a template); return its URL."""
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            self.tool("psql", "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql),
            check=True, capture_output=True)
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and remove its files."""
        subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            _as_owner([str(bin_dir() / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                       "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb a new cluster in a temp folder and start it on a free loopback port.

    Tuned for throwaway data: no fsync, no full-page writes; enough connections for several
    test processes, gunicorn workers and a reminders process at once.
    """
    root = Path(tempfile.mkdtemp(prefix="brave-steps-pg-"))
    cluster = Cluster(root=root, port=_free_port())
    cluster.socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(cluster.socket_dir, "postgres")
    subprocess.run(  # noqa: S603 - PostgreSQL's own tools
        _as_owner([str(bin_dir() / "initdb"), "-D", str(cluster.data), "-U", SUPERUSER,
                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
        check=True, capture_output=True)
    options = (f"-c listen_addresses=127.0.0.1 -p {cluster.port} "
               f"-c unix_socket_directories={cluster.socket_dir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    started = subprocess.run(  # noqa: S603 - PostgreSQL's own tools
        _as_owner([str(bin_dir() / "pg_ctl"), "-D", str(cluster.data), "-o", options, "-l",
                   str(root / "server.log"), "-w", "start"]),
        capture_output=True, text=True)
    if started.returncode != 0:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        cluster.stop()
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}\n{log}")
    return cluster


@contextlib.contextmanager
def throwaway_cluster():
    """A started cluster for the length of a with block, stopped even when the block fails."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
