"""Benchmark one reminder dispatch pass: 100,000 reminders due in the same minute.

    .venv/bin/python -m bench.reminders [--count 100000] [--small 10000] [--batch 500]

Each run seeds a fresh SQLite file (WAL, the app's own connection settings) with Core bulk
inserts, then times ONE dispatch pass (services/dispatch.run_pass) in which every reminder
goes to the in-app inbox only: email and push are left out, so no network is involved (the
"null channel"); the inbox rows are real writes. It reports wall time, SQL statements per
batch (an executemany counts once) and peak Python memory (tracemalloc) for a small and a
large run: bounded batches mean the peak should not grow with the number of reminders.
The wall time is measured without tracemalloc, which slows Python down noticeably.
"""
import argparse
import logging
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select
from sqlmodel import Session, SQLModel

from graded_exposure.db import make_engine
from graded_exposure.models import Child, Delivery, Family, InboxMessage, Reminder, User
from graded_exposure.services import dispatch

DUE = datetime(2026, 6, 10, 6, 30, tzinfo=UTC)
# Families across the world, each with its reminder at the local time that is DUE there.
ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "Australia/Sydney",
         "Asia/Kolkata")
REMINDERS_PER_USER = 2


@dataclass
class Run:
    count: int
    seconds: float
    peak_mib: float | None
    batches: int
    statements: int
    delivered: int
    inbox: int


def seed(engine, count: int) -> None:
    """Insert families, caregivers, children and `count` reminders, all due at DUE."""
    SQLModel.metadata.create_all(engine)
    users = max(1, count // REMINDERS_PER_USER)
    ids = range(1, users + 1)
    with engine.begin() as connection:
        connection.execute(Family.__table__.insert(), [
            {"id": i, "timezone": ZONES[i % len(ZONES)], "created_at": DUE} for i in ids])
        connection.execute(User.__table__.insert(), [
            {"id": i, "email": f"user{i}@example.com", "display_name": f"Carer {i}",
             "password_hash": "-", "role": "caregiver", "family_id": i, "created_at": DUE}
            for i in ids])
        connection.execute(Child.__table__.insert(), [
            {"id": i, "family_id": i, "display_name": f"Child {i}", "age_band": "",
             "avatar": "", "created_at": DUE} for i in ids])
        connection.execute(Reminder.__table__.insert(), [_reminder(n, users) for n in range(count)])


def _reminder(n: int, users: int) -> dict:
    user = n % users + 1
    tz = ZONES[user % len(ZONES)]
    return {"user_id": user, "child_id": user, "created_by_id": user, "kind": "practice",
            "message": "", "weekdays": "1234567",
            "local_time": DUE.astimezone(ZoneInfo(tz)).strftime("%H:%M"), "timezone": tz,
            "channels": ["inbox"], "active": True, "skip_date": None, "ends_on": None,
            "next_due_at": DUE, "claimed_by": "", "claimed_until": None, "created_at": DUE}


def measure(count: int, batch: int, *, traced: bool) -> Run:
    """Seed a fresh database and run one dispatch pass over it."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        seed(engine, count)
        statements = []
        event.listen(engine, "before_cursor_execute",
                     lambda *_args: statements.append(1))
        config = {"REMINDER_BATCH": batch, "REMINDER_GRACE": timedelta(hours=2),
                  "REMINDER_LEASE": timedelta(minutes=5)}
        with Session(engine, expire_on_commit=False) as session:
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            counts = dispatch.run_pass(session, config, now=DUE + timedelta(seconds=30))
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
            if traced:
                tracemalloc.stop()
            ran = len(statements)
            delivered = session.execute(select(func.count()).select_from(Delivery)).scalar_one()
            inbox = session.execute(select(func.count()).select_from(InboxMessage)).scalar_one()
        engine.dispose()
    return Run(count=count, seconds=seconds, peak_mib=peak, batches=counts.batches,
               statements=ran, delivered=delivered, inbox=inbox)


def main() -> None:
    """Run the benchmark and print a short report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=dispatch.DEFAULT_BATCH)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    timed = measure(args.count, args.batch, traced=False)
    small = measure(args.small, args.batch, traced=True)
    large = measure(args.count, args.batch, traced=True)
    print(f"One dispatch pass, {args.count:,} reminders due in one minute, batches of "
          f"{args.batch}, inbox only (no email/push):")
    print(f"  wall time          {timed.seconds:6.1f} s  "
          f"({timed.count / timed.seconds:,.0f} reminders/s; target < 60 s)")
    print(f"  delivered          {timed.delivered:,} deliveries, {timed.inbox:,} inbox messages")
    print(f"  batches            {timed.batches}, {timed.statements / timed.batches:.1f} SQL "
          f"statements per batch ({timed.statements} in all, executemany counted once)")
    for run in (small, large):
        print(f"  peak memory        {run.peak_mib:6.1f} MiB at {run.count:>7,} reminders "
              f"(tracemalloc; {run.seconds:.1f} s traced)")
    assert timed.delivered == timed.inbox == args.count, "not every reminder was delivered"


if __name__ == "__main__":
    main()
