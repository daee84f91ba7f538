"""Soak the production shape under a steady mixed load, then check nothing was lost or doubled.

    .venv/bin/python -m bench.soak                      # PostgreSQL, 4 workers, 60 s at 50/s
    .venv/bin/python -m bench.soak --db sqlite          # SQLite, 2 workers
    options: [--duration SECONDS] [--rate ACTIONS_PER_S] [--families N] [--parents N]
             [--workers N] [--reminders-per-minute N] [--seed N]

Starts the database (a throwaway PostgreSQL 15 cluster, or a SQLite file in a temp folder),
migrates it with `flask db upgrade`, seeds families and therapists (bench/seed_families.py),
starts a loopback SMTP server (bench/loopback.py), `gunicorn app:app` (gunicorn.conf.py,
WEB_CONCURRENCY workers on a free loopback port) and ONE `flask reminders run`, logs parents
and therapists in through the login form, and drives an open-loop mix (bench/soak_load.py):
home, insights, inbox and practice-form views, practices and check-ins with idempotency keys
(some practices sent twice with the same key, at once or as a retry), caseloads and child
pages; reminders fall due every minute of the run, in-app and by email. Afterwards it waits
for the reminders due during the run to go out, stops everything, and checks
(bench/soak_checks.py): no 5xx, no connection errors, every practice acknowledged with a 303
stored exactly once, every due reminder delivered, in the inbox and emailed exactly once, no
tracebacks in the servers' logs. It prints p50/p95/p99 per kind of request and exits 1 if a
check failed. Everything it started is stopped on the way out, on failure and on Ctrl-C too.
"""
from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from graded_exposure.db import make_engine
from graded_exposure.models import Delivery
from graded_exposure.vocabulary import ChannelState

from . import loopback, soak_checks, soak_load, soak_seed
from .soak_stack import Stack

# The scheduler passes once a minute: a reminder due in the run's last second goes out up to
# a minute after it, and its email right after its delivery.
DELIVERY_WAIT = timedelta(seconds=150)
EDGE = timedelta(seconds=5)  # no reminder due this close to the run's start or end
CLIENT_THREADS = 64
LOG_PROBLEMS = ("Traceback", "WORKER TIMEOUT")


def main(argv: list[str] | None = None) -> int:
    """Run the soak; return 0 when every check passed, 1 otherwise."""
    args = _arguments(argv)
    # SIGTERM (a CI timeout, say) unwinds like Ctrl-C, through every cleanup on the way out;
    # SIGINT is set too, as a shell starting this in the background would have it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        with tempfile.TemporaryDirectory(prefix="brave-steps-soak-") as folder, \
                Stack(Path(folder), args.db) as stack:
            checks = soak(stack, args)
    except KeyboardInterrupt:
        print("soak: interrupted; everything it started is stopped", file=sys.stderr)
        return 130
    print()
    for check in checks:
        print(check.line())
    failed = [c for c in checks if not c.passed]
    print(f"\nsoak: {len(failed)} of {len(checks)} checks failed" if failed
          else f"\nsoak: all {len(checks)} checks passed")
    return 1 if failed else 0


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--rate", type=float, default=50, help="actions started per second")
    parser.add_argument("--families", type=int, default=150)
    parser.add_argument("--parents", type=int, default=60, help="caregivers who log in")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn workers (default 4 on PostgreSQL, 2 on SQLite)")
    parser.add_argument("--reminders-per-minute", type=int, default=10)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    args.workers = args.workers or (4 if args.db == "postgresql" else 2)
    return args


def soak(stack: Stack, args: argparse.Namespace) -> list[soak_checks.Check]:
    """Seed, serve, load, wait for the reminders; return the checks."""
    rng = random.Random(args.seed)
    stack.migrate()
    engine = make_engine(stack.url)
    try:
        population = soak_seed.seed(engine, args.families, rng)
        print(f"{args.db}: seeded {args.families} families in {population.seconds:.1f} s ("
              + ", ".join(f"{table} {n:,}" for table, n in sorted(population.counts.items()))
              + ")", flush=True)
        with loopback.servers({}) as servers:
            try:
                results, due, waited = _serve_and_load(stack, engine, population, args, rng,
                                                       servers.smtp_port)
            finally:
                received = servers.stop()
        servers_up = _still_running(stack)
        _report(results, due, waited, args)
        with engine.connect() as connection:
            return [*soak_checks.request_checks(results.outcomes),
                    soak_checks.practice_check(connection, results.acknowledged),
                    *soak_checks.reminder_checks(connection, due, received.emails_to),
                    servers_up,
                    *(soak_checks.log_check(name, _problems(stack, name))
                      for name in ("gunicorn", "reminders"))]
    finally:
        engine.dispose()


def _serve_and_load(stack, engine, population, args, rng, smtp_port):
    stack.start(args.workers, smtp_port)
    actors = soak_load.log_in(stack.port, population, args.parents)
    print(f"gunicorn with {args.workers} workers and one reminders process; "
          f"{len(actors.parents)} parents and {len(actors.therapists)} therapists logged in; "
          f"{args.rate:g} actions/s for {args.duration:g} s", flush=True)
    start = datetime.now(UTC)
    moments = soak_seed.due_moments(start + EDGE, start + timedelta(seconds=args.duration) - EDGE,
                                    args.reminders_per_minute, rng)
    due = soak_seed.add_due_reminders(engine, population, moments)
    results = soak_load.drive(soak_load.Mix(actors, rng), args.rate, args.duration,
                              CLIENT_THREADS)
    waited = _wait_for_reminders(engine, due)
    return results, due, waited


def _wait_for_reminders(engine, due: list[soak_seed.DueReminder]) -> float:
    """Wait until each due reminder has a delivery and none owes an email; return the wait."""
    started, ids = time.monotonic(), [r.id for r in due]
    table = Delivery.__table__
    settled = (select(func.count(func.distinct(table.c.reminder_id)),
                      func.count().filter(table.c.email_state == ChannelState.PENDING))
               .where(table.c.reminder_id.in_(ids)))
    while ids and time.monotonic() - started < DELIVERY_WAIT.total_seconds():
        with engine.connect() as connection:
            delivered, pending = connection.execute(settled).one()
        if delivered == len(ids) and pending == 0:
            break
        time.sleep(1)
    return time.monotonic() - started


def _still_running(stack: Stack) -> soak_checks.Check:
    try:
        stack.check_alive()
    except RuntimeError as e:
        return soak_checks.Check("servers still running", False, str(e).splitlines()[0])
    return soak_checks.Check("servers still running", True, "gunicorn and reminders")


def _problems(stack: Stack, name: str) -> list[str]:
    return [line for needle in LOG_PROBLEMS for line in stack.log_lines(name, needle)]


def _report(results: soak_load.Results, due, waited: float, args) -> None:
    outcomes = results.outcomes
    behind = results.seconds - args.duration
    print(f"\n{results.actions:,} actions, {len(outcomes):,} requests in {results.seconds:.1f} s "
          f"({len(outcomes) / results.seconds:.1f} requests/s); "
          + (f"the server fell behind the schedule: its last answer came {behind:.0f} s after "
             "the last action was due" if behind > 5 else "the server kept up"))
    print(f"{len(due)} reminders fell due during the run; all had gone out {waited:.0f} s "
          "after the last answer" if waited < DELIVERY_WAIT.total_seconds()
          else f"{len(due)} reminders fell due; not all went out within {waited:.0f} s")
    print("Latency in ms: p50..max from the moment each request was scheduled (open loop) to "
          "its answer, then p50 and p99 from the moment it was sent.")
    print(f"{'request':<42}{'count':>7}{'bad':>5}" + "".join(
        f"{column:>10}" for column in ("p50", "p95", "p99", "max", "p50 sent", "p99 sent")))
    by_kind = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    for kind, found in [*sorted(by_kind.items()), ("all", outcomes)]:
        if not found:
            continue
        waits = sorted(o.from_schedule_ms for o in found)
        served = sorted(o.from_send_ms for o in found)
        figures = (_pct(waits, .5), _pct(waits, .95), _pct(waits, .99), waits[-1],
                   _pct(served, .5), _pct(served, .99))
        print(f"{kind:<42}{len(found):>7}{sum(not o.expected for o in found):>5}"
              + "".join(f"{figure:>10.1f}" for figure in figures))


def _pct(ordered: list[float], p: float) -> float:
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


if __name__ == "__main__":
    sys.exit(main())
