"""The production shape for the soak: a database, gunicorn, one `flask reminders run`, and SMTP.

    with Stack(folder, database="postgresql") as stack:   # or "sqlite"
        stack.start(workers=4, smtp_port=...)
        ... stack.port, stack.url ...

PostgreSQL is a throwaway cluster (bench/postgres.py); SQLite a file in the soak's temp folder.
The schema is made by `flask db upgrade`, as a deployment would. Every server runs in a process
group of its own, so stopping one stops its children too (gunicorn's workers), and all of them
stop when the block ends, whether it ends normally, by an exception or by Ctrl-C. Their output
goes to log files in the folder, whose tails are shown when something fails.
"""
from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import postgres

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT = 90  # seconds for gunicorn to answer; workers load the app one by one
STOP_TIMEOUT = 40  # seconds after SIGTERM before SIGKILL (gunicorn's graceful timeout is 30)


class Stack(contextlib.AbstractContextManager):
    """Start the servers on `start()`; stop them all, and the database, on exit."""

    def __init__(self, folder: Path, database: str):
        if database not in ("postgresql", "sqlite"):
            raise ValueError(f"unknown database {database!r}")
        self.folder, self.database = folder, database
        self.cluster: postgres.Cluster | None = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.port = postgres._free_port()
        self.url = self._make_database()

    def _make_database(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.folder / 'soak.sqlite'}"
        self.cluster = postgres.start_cluster()
        try:
            return self.cluster.create_database("brave_steps")
        except BaseException:
            self.stop()
            raise

    def environment(self, **extra: str) -> dict[str, str]:
        """The environment every app process gets: one database, one secret, one address."""
        env = {**os.environ, "DATABASE_URL": self.url, "SECRET_KEY": "soak",
               "BASE_URL": f"http://127.0.0.1:{self.port}", "PYTHONPATH": str(ROOT), **extra}
        env.pop("RUN_SCHEDULER", None)  # the reminders process is the only scheduler
        return env

    def migrate(self) -> None:
        """Make the schema with `flask db upgrade`, as a deployment does."""
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
                              cwd=ROOT, env=self.environment(), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"flask db upgrade failed:\n{done.stderr[-3000:]}")

    def start(self, workers: int, smtp_port: int) -> None:
        """Start gunicorn with `workers` workers and one reminders process; wait for gunicorn."""
        mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
                "MAIL_SENDER": "Brave Steps <soak@127.0.0.1>"}
        self._spawn("reminders", [sys.executable, "-m", "flask", "--app", "app", "reminders",
                                  "run"], self.environment(**mail))
        self._spawn("gunicorn", [sys.executable, "-m", "gunicorn", "app:app"],
                    self.environment(BIND=f"127.0.0.1:{self.port}",
                                     WEB_CONCURRENCY=str(workers), **mail))
        self._wait_until_serving()

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()  # the child holds its own copy

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/login")
                if connection.getresponse().status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time:\n" + self.log_tail("gunicorn"))

    def check_alive(self) -> None:
        """Raise if a server has exited before it was asked to."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}:\n"
                                   + self.log_tail(name))

    def log_tail(self, name: str, lines: int = 40) -> str:
        """The last lines a server wrote."""
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def log_lines(self, name: str, needle: str) -> list[str]:
        """The lines of a server's log containing `needle` (tracebacks, errors)."""
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return [line for line in text.splitlines() if needle in line]

    def stop(self) -> None:
        """Stop every server (SIGTERM to its group, then SIGKILL) and the database cluster."""
        for name in list(self.processes):
            _stop_group(self.processes.pop(name))
        if self.cluster is not None:
            self.cluster.stop()
            self.cluster = None

    def __exit__(self, *exc) -> None:
        self.stop()


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
    # The leader may be gone while a child of its group lingers: kill what is left.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
