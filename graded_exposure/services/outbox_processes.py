"""Outbox senders in processes of their own, for the cores one process cannot use.

Threads in one process (OUTBOX_SENDERS) overlap their waits on a mail server or push service,
but share one interpreter lock: building, encrypting and recording messages all run on one
core. With OUTBOX_PROCESSES above one, a run with a large backlog also starts that many less
one helper processes (spawned fresh, never forked from a process holding threads and
connections); each opens its own engine on the same database and runs the same senders. The
claims keep them apart exactly as they keep separate scheduler processes apart (claims.py), so
every guarantee of outbox.py holds unchanged: a helper killed mid-run leaves at most its one
message in flight unrecorded, sent again once its lease runs out.

Starting a process costs about a second of CPU (importing the app), so helpers start only when
at least HELPER_BACKLOG deliveries owe a message: a minute's ordinary handful goes out from
the scheduler's own process. A stop request reaches the helpers through an event they read
where the senders read it (between messages); the run returns once they have all finished.
"""
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from datetime import datetime

from sqlalchemy import Engine, func, select

from . import claims

log = logging.getLogger(__name__)

# Deliveries owing a message before helper processes are worth starting (each costs about a
# second of CPU to start; a delivery's email and push about 3 ms of the sender's CPU).
HELPER_BACKLOG = 2000
STOP_POLL_SECONDS = 0.5  # how often the waiting parent passes a stop request on
# A helper whose parent was killed outright (kill -9: no stop request can come) stops between
# messages as at a stop request, and leaves after this long whatever it is doing: orphaned
# helpers stayed for minutes, 119 MB each, found on a dispatcher killed during a large backlog.
PARENT_GONE_GRACE = 10.0

_stop_event = None  # in a helper: set by the parent to ask it to stop


def helpers_wanted(engine: Engine, config: dict) -> int:
    """Return how many helper processes this run should start (none for a small backlog, or
    for a database other processes cannot open, such as SQLite in memory)."""
    helpers = max(1, int(config.get("OUTBOX_PROCESSES") or 1)) - 1
    if not helpers or not _shareable(engine):
        return 0
    owing = select(claims.DELIVERIES.c.id).where(claims.owes_a_message()).limit(HELPER_BACKLOG)
    with engine.connect() as connection:
        backlog = connection.execute(select(func.count()).select_from(owing.subquery()))
        return helpers if backlog.scalar_one() >= HELPER_BACKLOG else 0


def _shareable(engine: Engine) -> bool:
    database = engine.url.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    return engine.dialect.name != "sqlite" or not in_memory


def run_with_helpers(engine: Engine, config: dict, helpers: int, now: datetime | None,
                     stop_requested: Callable[[], bool], run_here: Callable, run_senders):
    """Start `helpers` processes running `run_senders`, run `run_here(stop)` in this one; return
    this process's result and the helpers' (each OutboxCounts, with its process's CPU time)."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    url = engine.url.render_as_string(hide_password=False)
    with ProcessPoolExecutor(helpers, mp_context=context, initializer=_remember_stop,
                             initargs=(stop, logging.getLogger().getEffectiveLevel())) as pool:
        futures = [pool.submit(_helper, run_senders, url, _picklable(config), now)
                   for _ in range(helpers)]

        def stopping() -> bool:
            if stop_requested():
                stop.set()
                return True
            return False

        try:
            here = run_here(stopping)
        except BaseException:
            stop.set()  # the helpers finish their message in flight, then the error is raised
            raise
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=STOP_POLL_SECONDS, return_when=FIRST_EXCEPTION)
            if any(future.exception() for future in done):
                stop.set()  # the others finish their message in flight and hand back the rest
            stopping()
        return here, [future.result() for future in futures]


def _remember_stop(event, log_level: int, grace: float = PARENT_GONE_GRACE) -> None:
    """In a helper, first: keep the parent's stop event, log as the parent does (the log is
    where emails go without a mail server), and leave if the parent does."""
    global _stop_event
    _stop_event = event
    logging.basicConfig(level=log_level)
    threading.Thread(target=_leave_with_parent, args=(os.getppid(), grace), daemon=True).start()


def _leave_with_parent(parent: int, grace: float, every: float = 0.5) -> None:
    while os.getppid() == parent:
        time.sleep(every)
    log.warning("the outbox's parent process is gone: this helper stops")
    _stop_event.set()
    time.sleep(grace)
    os._exit(0)


def _helper(run_senders, url: str, config: dict, now: datetime | None):
    """In a helper process: run the senders on an engine of its own; return their counts."""
    from ..db import make_engine  # the app's engine settings (SQLite pragmas, timeouts)

    started = time.process_time()
    engine = make_engine(url)
    try:
        counts = run_senders(engine, config, now, _stop_event.is_set)
    finally:
        engine.dispose()
    counts.process_cpu_seconds = time.process_time() - started
    return counts


def _picklable(config: dict) -> dict:
    """The settings a helper needs: every value that can be sent to another process (an app's
    config may also hold objects that cannot, which no sender reads)."""
    return {name: value for name, value in config.items() if _can_send(value)}


def _can_send(value) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # any object pickle refuses, whatever it raises
        return False
    return True
