"""The reminder clock: ONE APScheduler job, every minute: dispatch, outbox, and a daily prune.

Never one job per reminder and never a CronTrigger (it fires twice when clocks fall back and
invents times when they spring forward): reminder times live in the database, computed by
rules/schedule.py, and the job only asks "what is due now?". Claims in the database make a
second scheduler harmless, but each process should still run at most one: `make run` starts
it inside the serving process (RUN_SCHEDULER=1), a deployment with several web workers runs
`flask reminders run` as a process of its own instead.

The prune (services/retention.py) rides on the same job rather than a job of its own: it
checks a lease row and returns at once unless a day has passed since it last finished, so
it too runs once across every scheduler process.

Stopping `flask reminders run` (SIGTERM from a process manager, or Ctrl+C) raises a flag the
pass reads between batches and between messages: the batch or message in hand finishes and is
committed, whatever else was claimed is handed back, and the process exits within seconds.
Nothing is lost or sent twice. A process killed outright instead (or `make run`'s in-process
scheduler, which ends with its process) leaves its claims to the lease.
"""
import gc
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import click
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlmodel import Session

from .services import dispatch, health, outbox, retention

log = logging.getLogger(__name__)

JOB_ID = "reminders"
INTERVAL_SECONDS = 60

STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass
class ReminderClock:
    """The scheduler with its one job, and the flag that asks a running pass to stop early."""

    scheduler: BackgroundScheduler
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        """Start the clock; its first pass runs straight away."""
        self.scheduler.start()

    def stop(self) -> None:
        """Ask the pass in progress to stop early, and return once it has."""
        self.stopping.set()
        self.scheduler.shutdown(wait=True)


_lock = threading.Lock()
_in_process: ReminderClock | None = None


def tick(app: Flask, now: datetime | None = None,
         stop_requested: Callable[[], bool] = lambda: False):
    """Run one dispatch pass, send what it left in the outbox, prune if due; return the counts.

    Returns the dispatch and outbox counts; the prune only logs what it did. A whole pass is
    recorded as the scheduler's heartbeat (what /healthz reports); one cut short by a stop
    request does no prune and records nothing.
    """
    with app.app_context(), Session(app.extensions["db_engine"],
                                    expire_on_commit=False) as session:
        counts = dispatch.run_pass(session, app.config, now=now, stop_requested=stop_requested)
        sent = outbox.run_outbox(session, app.config, now=now, stop_requested=stop_requested)
        if not stop_requested():
            _prune_if_due(session, app.config, now)
            health.record_scheduler_pass(session, now)
        return counts, sent


def _prune_if_due(session: Session, config, now: datetime | None) -> None:
    try:
        retention.prune_if_due(session, config, now)
    except Exception:
        # Housekeeping must never stand in the way of reminders; its lease runs out and a
        # later tick tries again.
        session.rollback()
        log.exception("Prune failed; a later tick will retry")


def _scheduled_tick(app: Flask, stopping: threading.Event) -> None:
    try:
        tick(app, stop_requested=stopping.is_set)
    except Exception:
        # The job must survive a bad minute (database locked too long, a bug in one batch):
        # leases run out and the next tick picks the work up again.
        log.exception("Reminder tick failed; the next one will retry")


def build(app: Flask) -> ReminderClock:
    """Return a clock holding the one reminder job, not yet started."""
    clock = ReminderClock(BackgroundScheduler(timezone=UTC, daemon=True))
    # coalesce + max_instances=1: a slow pass is never run twice at once, and missed minutes
    # collapse into one run. The first run is immediate, to catch up after downtime.
    clock.scheduler.add_job(_scheduled_tick, "interval", args=[app, clock.stopping],
                            seconds=INTERVAL_SECONDS, id=JOB_ID, coalesce=True,
                            max_instances=1, misfire_grace_time=INTERVAL_SECONDS,
                            next_run_time=datetime.now(UTC))
    return clock


def run_until_signalled(app: Flask, started: Callable[[], None] = lambda: None) -> int:
    """Run the reminder clock in this process until SIGINT or SIGTERM; return the signal.

    The stop signals are blocked before the clock's threads start (they inherit the mask) and
    taken with sigwait in this thread, rather than by a signal handler: a handler interrupts
    whatever the main thread was doing, and one that takes a lock the interrupted code holds
    deadlocks. Here the stop runs as ordinary code once the signal has arrived.

    What loading the app made is frozen first, as gunicorn.conf.py does in each web worker:
    full collections stop walking it for the process's whole life, and so does the
    interpreter's teardown, which otherwise takes over a second after the clock has stopped.
    """
    gc.collect()
    gc.freeze()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        clock = build(app)
        clock.start()
        started()
        received = signal.sigwait(STOP_SIGNALS)
        clock.stop()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return received


def should_start_in_process(config: Mapping, environ: Mapping,
                            command: tuple[str, ...] | None, modules: Mapping) -> bool:
    """Decide whether this process runs the in-process scheduler.

    Only with RUN_SCHEDULER; never in the reloader's child (its parent runs it, and survives
    code reloads); never in a gunicorn worker (one scheduler per worker); and under the
    `flask` command only for `flask run`, not for `flask db upgrade` or `flask reminders`.
    """
    if not config.get("RUN_SCHEDULER"):
        return False
    if environ.get("WERKZEUG_RUN_MAIN") == "true":
        return False
    if "gunicorn" in modules:
        return False
    return command is None or command == ("run",)


def init_app(app: Flask) -> None:
    """Start the in-process scheduler when the configuration and the process call for it."""
    if should_start_in_process(app.config, os.environ, _flask_command(), sys.modules):
        start_in_process(app)


def _flask_command() -> tuple[str, ...] | None:
    """Return the `flask` subcommand being run, ("reminders", "run") say; None outside click."""
    context = click.get_current_context(silent=True)
    if context is None:
        return None
    names = []
    while context.parent is not None:  # the root is the program itself
        names.append(context.info_name)
        context = context.parent
    return tuple(reversed(names))


def start_in_process(app: Flask) -> bool:
    """Start the background scheduler unless this process already has one; True if started."""
    global _in_process
    with _lock:
        if _in_process is not None:
            return False
        _in_process = build(app)
        _in_process.start()
    log.info("Reminder scheduler started in this process (pid %d)", os.getpid())
    return True


def stop_in_process() -> None:
    """Stop this process's background scheduler, if it runs one."""
    global _in_process
    with _lock:
        if _in_process is not None:
            _in_process.stop()
            _in_process = None
