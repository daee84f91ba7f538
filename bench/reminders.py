"""Benchmark reminder dispatch: reminders due in the same minute, in-app and by email and push.

    .venv/bin/python -m bench.reminders                       # make bench: the two default runs
    .venv/bin/python -m bench.reminders --count 1000000       # one million, in-app only
    .venv/bin/python -m bench.reminders --channels email,push --count 100000
    options: [--count N] [--small N] [--batch N] [--channels email,push] [--senders N]
             [--processes N] [--traced]

In-app run (the default, and whenever --channels is not given): a fresh SQLite file (WAL, the
app's own connection settings) is seeded with Core bulk inserts, then ONE dispatch pass
(services/dispatch.run_pass) is timed in a fresh process; every reminder goes to the in-app
inbox only, so no network is involved; the inbox rows are real writes. It reports wall time,
SQL statements per batch through SQLAlchemy (an executemany counts once; the claim, read on
the driver's cursor, is not among them) and the pass process's peak memory (its RSS
high-water mark, reset just before the pass, less its RSS then) for --small and --count
reminders: bounded batches mean the peak must not grow with the count. --traced also reports
tracemalloc's peak of Python allocations (slow: about ten times the wall time).

Channel run (--channels email,push; `make bench` runs it with 2,000 reminders): every reminder
also wants email and push; each caregiver has one subscribed browser. A loopback SMTP server and
a loopback push service run in a child process (bench/loopback.py); then one dispatch pass and
one outbox run (services/outbox.run_outbox) are timed as the scheduler's tick runs them, with
the outbox's wall and CPU time by phase (claiming batches, the write after each message, each
channel's sending) and the servers' own CPU time. The servers count messages and connections,
check the VAPID signatures and decrypt a sample.
--senders N runs N sender threads (OUTBOX_SENDERS); --processes N lets the outbox start N - 1
helper processes (OUTBOX_PROCESSES, services/outbox_processes.py; by default the app's own
default, the cores this process may use, at most four), whose CPU time the report
adds to the outbox's.

A report, not a test: nothing about time is asserted, only that everything was delivered.
"""
import argparse
import base64
import logging
import multiprocessing
import os
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Table, event, func, select
from sqlmodel import Session, SQLModel

from graded_exposure.channels import vapid
from graded_exposure.config import usable_cores
from graded_exposure.db import make_engine
from graded_exposure.models import (
    Child,
    Delivery,
    Family,
    InboxMessage,
    PushSubscription,
    Reminder,
    User,
)
from graded_exposure.services import dispatch, outbox

from . import loopback

DUE = datetime(2026, 6, 10, 6, 30, tzinfo=UTC)
# Families across the world, each with its reminder at the local time that is DUE there.
ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "Australia/Sydney",
         "Asia/Kolkata")
REMINDERS_PER_USER = 2
CHUNK = 50_000  # rows per bulk insert: seeding a million stays within bounded memory
BROWSER_KEYS = 64  # distinct browser key pairs the subscriptions share (encryption is per message)
SAMPLE_EVERY = 50  # the push service decrypts the pushes of every 50th caregiver, from the first


@dataclass
class Run:
    count: int
    seconds: float
    cpu_seconds: float  # the pass process's own CPU time: less disturbed by a busy machine
    peak_mib: float
    traced_mib: float | None
    batches: int
    statements: int
    delivered: int
    inbox: int


# ---- seeding --------------------------------------------------------------------------------

def _insert(connection, table: Table, rows) -> None:
    """Insert rows (dicts, made lazily) in chunks, so seeding holds one chunk at a time."""
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            connection.execute(table.insert(), chunk)
            chunk = []
    if chunk:
        connection.execute(table.insert(), chunk)


def seed(engine, count: int, channels: tuple[str, ...] = ("inbox",),
         push_origin: str = "") -> dict[int, tuple[bytes, bytes]]:
    """Insert families, caregivers, children and `count` reminders, all due at DUE.

    With push among the channels each caregiver gets one subscribed browser at push_origin;
    returns the sampled browsers' (private key DER, auth secret) by user id.
    """
    SQLModel.metadata.create_all(engine)
    users = max(1, count // REMINDERS_PER_USER)
    ids = range(1, users + 1)
    with engine.begin() as connection:
        _insert(connection, Family.__table__, (
            {"id": i, "timezone": ZONES[i % len(ZONES)], "created_at": DUE} for i in ids))
        _insert(connection, User.__table__, (
            {"id": i, "email": f"user{i}@example.com", "display_name": f"Carer {i}",
             "password_hash": "-", "role": "caregiver", "family_id": i, "created_at": DUE}
            for i in ids))
        _insert(connection, Child.__table__, (
            {"id": i, "family_id": i, "display_name": f"Child {i}", "age_band": "",
             "avatar": "", "created_at": DUE} for i in ids))
        _insert(connection, Reminder.__table__,
                (_reminder(n, users, list(channels)) for n in range(count)))
        if "push" not in channels:
            return {}
        browsers = [_browser() for _ in range(BROWSER_KEYS)]
        _insert(connection, PushSubscription.__table__, (
            {"user_id": i, "endpoint": f"{push_origin}/push/{i}",
             **browsers[i % BROWSER_KEYS][0], "created_at": DUE} for i in ids))
    return {i: browsers[i % BROWSER_KEYS][1] for i in ids if i % SAMPLE_EVERY == 1}


def _browser() -> tuple[dict, tuple[bytes, bytes]]:
    key, auth = ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    public = key.public_key().public_bytes(serialization.Encoding.X962,
                                           serialization.PublicFormat.UncompressedPoint)
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return {"p256dh": _b64(public), "auth": _b64(auth)}, (der, auth)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _reminder(n: int, users: int, channels: list[str]) -> dict:
    user = n % users + 1
    tz = ZONES[user % len(ZONES)]
    return {"user_id": user, "child_id": user, "created_by_id": user, "kind": "practice",
            "message": "", "weekdays": "1234567",
            "local_time": DUE.astimezone(ZoneInfo(tz)).strftime("%H:%M"), "timezone": tz,
            "channels": channels, "active": True, "skip_date": None, "ends_on": None,
            "next_due_at": DUE, "claimed_by": "", "claimed_until": None, "created_at": DUE}


def _counted(engine) -> list:
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *_args: statements.append(1))
    return statements


def _config(batch: int) -> dict:
    return {"REMINDER_BATCH": batch, "REMINDER_GRACE": timedelta(hours=2),
            "REMINDER_LEASE": timedelta(minutes=5)}


# ---- in-app ---------------------------------------------------------------------------------

def _status_mib(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS now, VmHWM its peak)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:")) / 1024


def _reset_peak_rss() -> None:
    """Start this process's RSS high-water mark afresh (Linux 4.0+: clear_refs, value 5).

    Not getrusage's ru_maxrss: Linux keeps it across exec, so a spawned process starts with
    its parent's peak, which for this benchmark is the seeding's (77 MiB more at a million
    reminders than at ten thousand, none of it the pass's).
    """
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def _one_pass(path: str, batch: int, traced: bool) -> dict:
    """In a fresh process: run one dispatch pass over the seeded file and measure it."""
    logging.basicConfig(level=logging.WARNING)
    engine = make_engine(f"sqlite:///{path}")
    statements = _counted(engine)
    with Session(engine, expire_on_commit=False) as session:
        session.execute(select(1))  # connect before the baseline: the pass, not the setup
        before = _status_mib("VmRSS")
        _reset_peak_rss()
        if traced:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        counts = dispatch.run_pass(session, _config(batch), now=DUE + timedelta(seconds=30))
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        traced_mib = tracemalloc.get_traced_memory()[1] / 2**20 if traced else None
        tracemalloc.stop()
        peak = _status_mib("VmHWM") - before
        ran = len(statements)
        delivered = session.execute(select(func.count()).select_from(Delivery)).scalar_one()
        inbox = session.execute(select(func.count()).select_from(InboxMessage)).scalar_one()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak, "traced_mib": traced_mib,
            "batches": counts.batches, "statements": ran, "delivered": delivered, "inbox": inbox}


def measure(count: int, batch: int, *, traced: bool = False) -> Run:
    """Seed a fresh database, then run one dispatch pass over it in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.sqlite")
        engine = make_engine(f"sqlite:///{path}")
        seed(engine, count)
        engine.dispose()
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            result = pool.apply(_one_pass, (path, batch, traced))
    return Run(count=count, **result)


def report_inbox(count: int, small: int, batch: int, traced: bool) -> None:
    runs = [measure(n, batch, traced=traced) for n in (small, count)]
    large = runs[-1]
    print(f"One dispatch pass, {count:,} reminders due in one minute, batches of {batch}, "
          "inbox only (no email/push):")
    print(f"  wall time          {large.seconds:6.1f} s  "
          f"({large.count / large.seconds:,.0f} reminders/s; {large.cpu_seconds:.1f} s of CPU)")
    print(f"  delivered          {large.delivered:,} deliveries, {large.inbox:,} inbox messages")
    print(f"  batches            {large.batches}, {large.statements / large.batches:.1f} SQL "
          f"statements per batch through SQLAlchemy ({large.statements} in all, executemany "
          "counted once), and the claim on the driver's cursor")
    for run in runs:
        traced_note = f", tracemalloc peak {run.traced_mib:.1f} MiB" if traced else ""
        print(f"  peak memory        {run.peak_mib:6.1f} MiB RSS growth during the pass at "
              f"{run.count:>9,} reminders ({run.seconds:.1f} s{traced_note})")
    assert large.delivered == large.inbox == count, "not every reminder was delivered"


# ---- email and push -------------------------------------------------------------------------

def report_channels(count: int, batch: int, channels: tuple[str, ...], senders: int = 1,
                    processes: int | None = None) -> None:
    """Seed reminders on the given channels; time one dispatch pass and one outbox run."""
    with tempfile.TemporaryDirectory() as folder:
        config = {**_config(batch), "OUTBOX_SENDERS": senders,
                  "OUTBOX_PROCESSES": processes or usable_cores(),
                  "SECRET_KEY": "bench", "MAIL_SENDER": "bench@localhost",
                  "VAPID_PRIVATE_KEY_FILE": str(Path(folder) / "vapid.pem"),
                  "PUSH_TIMEOUT": 10, "PUSH_TTL": 3600}
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        _run_channels(engine, config, count, channels)
        engine.dispose()


def _run_channels(engine, config: dict, count: int, channels: tuple[str, ...]) -> None:
    # The servers need the sampled browser keys, which seeding makes, and seeding needs the
    # push origin: so the keys are made first, and the endpoints written once the port is known.
    keys = seed(engine, count, ("inbox", *channels), push_origin="http://127.0.0.1:0")
    with loopback.servers(keys, vapid.application_server_key(config)) as servers:
        with engine.begin() as connection:
            connection.execute(PushSubscription.__table__.update().values(
                endpoint=func.replace(PushSubscription.__table__.c.endpoint,
                                      "http://127.0.0.1:0", servers.push_origin)))
        config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=servers.smtp_port)
        statements = _counted(engine)
        with Session(engine, expire_on_commit=False) as session:
            started = time.perf_counter()
            counts = dispatch.run_pass(session, config, now=DUE + timedelta(seconds=30))
            dispatched, cpu = time.perf_counter() - started, time.process_time()
            sent = outbox.run_outbox(session, config, now=DUE + timedelta(seconds=40))
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            cpu += sent.process_cpu_seconds  # the helper processes', if any
            pending = outbox.pending_count(session)
        received = servers.stop()
    messages = sent.sent
    print(f"Email and push: {count:,} reminders due in one minute, on inbox, "
          f"{' and '.join(channels)}; {config['OUTBOX_SENDERS']} outbox sender(s) in "
          f"{config['OUTBOX_PROCESSES']} process(es) at most; "
          "loopback servers in another process:")
    print(f"  wall time          {seconds:6.1f} s  (dispatch {dispatched:.1f} s, outbox "
          f"{seconds - dispatched:.1f} s with {cpu:.1f} s of CPU, helpers' included; "
          f"{messages / (seconds - dispatched):,.0f} messages/s in the outbox)")
    print(f"  outbox phases      {_phases(sent)}")
    print(f"  servers' CPU       {received.cpu_seconds:.1f} s (the loopback servers' process)")
    print(f"  sent               {counts.sent:,} deliveries, {messages:,} messages "
          f"({sent.failed} failed, {pending} still pending), {len(statements):,} SQL statements "
          "through SQLAlchemy (the outbox's one-row writes go to the driver directly)")
    if "email" in channels:
        print(f"  SMTP server        {received.emails:,} emails over "
              f"{received.smtp_connections:,} connections")
    if "push" in channels:
        print(f"  push service       {received.pushes:,} pushes over "
              f"{received.push_connections:,} connections; {received.vapid_tokens} VAPID "
              f"tokens verified ({received.bad_vapid} bad); {received.decrypted:,} sampled "
              f"pushes decrypted ({received.undecryptable} not)")
    assert counts.sent == count and pending == 0 and sent.failed == 0, "not everything went"
    assert received.emails == count * ("email" in channels), "the SMTP server lacks emails"
    assert received.pushes == count * ("push" in channels), "the push service lacks pushes"
    assert received.bad_vapid == received.undecryptable == 0, "a push was not readable"


def _phases(sent: outbox.OutboxCounts) -> str:
    """Say each outbox phase's wall and CPU seconds, summed over senders."""
    return "; ".join(f"{phase} {sent.seconds[phase]:.1f} s ({sent.cpu_seconds[phase]:.1f} s CPU)"
                     for phase in sorted(sent.seconds, key=sent.seconds.get, reverse=True))


def main() -> None:
    """Run the benchmark and print a short report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=None)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=dispatch.DEFAULT_BATCH)
    parser.add_argument("--channels", default=None,
                        help="email,push: time the outbox to loopback servers as well")
    parser.add_argument("--senders", type=int, default=1,
                        help="outbox senders side by side (OUTBOX_SENDERS)")
    parser.add_argument("--processes", type=int, default=None,
                        help="outbox processes when the backlog is large (OUTBOX_PROCESSES; "
                             "the app's default when not given)")
    parser.add_argument("--traced", action="store_true",
                        help="also report tracemalloc's peak (slow)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.channels is None or args.count is None:
        report_inbox(args.count or 100_000, args.small, args.batch, args.traced)
    if args.channels is not None or args.count is None:
        chosen = tuple((args.channels or "email,push").split(","))
        report_channels(args.count or 2_000, args.batch, chosen, args.senders,
                        args.processes)


if __name__ == "__main__":
    main()
