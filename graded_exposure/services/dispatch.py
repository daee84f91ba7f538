"""One dispatch pass: claim due reminders in batches and record each occurrence exactly once.

Per batch: one claim statement (services/claims.py), a few reads for quiet hours and content,
then ONE write transaction that inserts the Delivery rows (unique per reminder and local
date, so a second insert is a no-op; services/bulk_insert.py, at the driver's speed), copies
the inbox messages from them (INSERT ... SELECT), and moves each reminder's next_due_at on
while releasing its lease (one UPDATE for all the reminders sharing a next due moment). The
statements per batch do not grow with the batch, nor does their SQL text (a batch's ids are
one parameter, services/id_lists.py); reminders with the same schedule are planned once per
batch. A process killed anywhere before that commit leaves only a lease behind, which runs
out; the next pass does the batch again. Email and push are marked pending and sent
afterwards by services/outbox.py.

Every function takes `now`, so tests (and catch-up after downtime) control the clock.
"""
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import Connection, bindparam, select, update
from sqlmodel import Session

from ..channels import registry
from ..models import InboxMessage, utcnow
from ..rules import schedule
from ..vocabulary import ChannelState, DeliveryStatus
from . import bulk_insert, channel_states, claims, collector, reminder_content
from .claims import DELIVERIES, REMINDERS, ClaimedReminder
from .id_lists import among

log = logging.getLogger(__name__)

INBOX = InboxMessage.__table__
DEFAULT_GRACE = timedelta(hours=2)
DEFAULT_LEASE = timedelta(minutes=5)
# Large batches spread each batch's fixed statements over many reminders; memory stays bounded
# (a few MiB) and a batch still finishes in seconds, far inside its lease.
DEFAULT_BATCH = 2000
# After a long outage, occurrences older than this are passed over without a row each.
MAX_CATCH_UP = timedelta(days=14)


@dataclass
class PassCounts:
    claimed: int = 0
    sent: int = 0
    missed: int = 0
    skipped: int = 0
    not_needed: int = 0
    batches: int = 0

    def add(self, other: "PassCounts") -> None:
        """Add another batch's counts to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Occurrence:
    reminder: ClaimedReminder
    local_date: date
    due: datetime
    status: str  # a DeliveryStatus, or TO_SEND until the batch decides sent or not_needed


TO_SEND = "send"  # never stored


def run_pass(session: Session, config: dict | None = None, now: datetime | None = None,
             worker: str | None = None,
             stop_requested: Callable[[], bool] = lambda: False) -> PassCounts:
    """Deliver every occurrence due by `now` once; return what happened.

    `stop_requested` is asked before each batch is claimed: a process being stopped finishes
    the batch it holds (claimed, written and released in its own transactions) and claims no
    more, so it exits within one batch's time and leaves nothing behind on a lease.
    """
    config = config or {}
    worker = worker or claims.worker_id()
    grace = config.get("REMINDER_GRACE", DEFAULT_GRACE)
    lease = config.get("REMINDER_LEASE", DEFAULT_LEASE)
    size = config.get("REMINDER_BATCH", DEFAULT_BATCH)
    counts = PassCounts()
    while not stop_requested():
        at = now or utcnow()  # a fresh clock per batch keeps every lease a full lease long
        with collector.paused():
            batch = claims.claim_due_reminders(session, worker=worker, now=at, lease=lease,
                                               limit=size)
            if batch:
                counts.add(_process_batch(session, batch, worker=worker, now=at, grace=grace))
        if len(batch) < size:
            break
    log.info("Reminder pass: claimed=%d sent=%d missed=%d skipped=%d not_needed=%d batches=%d",
             counts.claimed, counts.sent, counts.missed, counts.skipped, counts.not_needed,
             counts.batches)
    return counts


def plan(reminder: ClaimedReminder, now: datetime, grace: timedelta) -> tuple[list[Occurrence],
                                                                   datetime | None]:
    """Return the reminder's occurrences due by `now` with their status, and the next due.

    Only the latest occurrence, and only within the grace window, may be sent: after
    downtime the older ones are recorded as missed rather than sent in a burst.
    """
    found, due = _schedule(*_schedule_key(reminder), now, grace)
    return [Occurrence(reminder, day, at, status) for day, at, status in found], due


def _schedule_key(reminder: ClaimedReminder) -> tuple:
    """Everything plan() reads from a reminder: reminders alike here are planned alike."""
    return (reminder.weekdays, reminder.local_time, reminder.timezone, reminder.ends_on,
            reminder.skip_date, reminder.next_due_at)


def _schedule(weekdays: str, local_time: str, tz: str, ends_on: date | None,
              skip_date: date | None, next_due: datetime, now: datetime,
              grace: timedelta) -> tuple[list[tuple[date, datetime, str]], datetime | None]:
    zone_args = (weekdays, local_time, tz)
    due = next_due
    if due < now - MAX_CATCH_UP:
        due = schedule.next_occurrence_utc(*zone_args, now - MAX_CATCH_UP, ends_on=ends_on)
    found: list[list] = []
    while due is not None and due <= now:
        day = schedule.occurrence_date(due, local_time, tz)
        if ends_on is not None and day > ends_on:
            due = None
            break
        found.append([day, due, DeliveryStatus.SKIPPED if day == skip_date
                      else DeliveryStatus.MISSED])
        due = schedule.next_occurrence_utc(*zone_args, due, ends_on=ends_on)
    if found and found[-1][2] == DeliveryStatus.MISSED and found[-1][1] >= now - grace:
        found[-1][2] = TO_SEND
    return [tuple(o) for o in found], due


def _plan_batch(batch: list[ClaimedReminder], now: datetime,
                grace: timedelta) -> dict[int, tuple[list[Occurrence], datetime | None]]:
    """Plan every reminder of a batch; alike schedules (the usual case) are worked out once."""
    known: dict[tuple, tuple] = {}
    plans = {}
    for reminder in batch:
        key = _schedule_key(reminder)
        if key not in known:
            known[key] = _plan_safely(reminder, now, grace)
        found, due = known[key]
        plans[reminder.id] = ([Occurrence(reminder, o.local_date, o.due, o.status)
                               for o in found], due)
    return plans


def _plan_safely(reminder: ClaimedReminder, now: datetime, grace: timedelta):
    try:
        return plan(reminder, now, grace)
    except (ValueError, KeyError, ZoneInfoNotFoundError):
        # A schedule the rules cannot read must not block its batch forever: stop it.
        log.exception("Reminder %s has an unreadable schedule; it is stopped", reminder.id)
        return [], None


def _process_batch(session: Session, batch: list[ClaimedReminder], *, worker: str, now: datetime,
                   grace: timedelta) -> PassCounts:
    plans = _plan_batch(batch, now, grace)
    occurrences = [o for found, _ in plans.values() for o in found]
    rows, inbox = _delivery_rows(session, occurrences, now)
    next_due = {reminder_id: due for reminder_id, (_, due) in plans.items()}
    with claims.write_transaction(session) as connection:
        ours = _still_claimed(connection, worker, list(plans))
        inserted = bulk_insert.insert_new(
            connection, DELIVERY_COLUMNS, [r for r in rows if r[0] in ours],
            returning=(DELIVERIES.c.id, DELIVERIES.c.reminder_id, DELIVERIES.c.status))
        # A reminder has at most one sent occurrence per pass, so its id picks the delivery.
        _insert_inbox(connection, [delivery_id for delivery_id, reminder_id, status in inserted
                                   if status == DeliveryStatus.SENT and reminder_id in inbox])
        _release_reminders(connection, worker, next_due)
    counts = PassCounts(claimed=len(batch), batches=1)
    for *_, status in inserted:
        setattr(counts, status, getattr(counts, status) + 1)
    return counts


# The columns of a delivery row as _delivery_rows writes it (outbox_claimed_until stays NULL).
DELIVERY_COLUMNS = (DELIVERIES.c.reminder_id, DELIVERIES.c.local_date, DELIVERIES.c.due_at,
                    DELIVERIES.c.status, DELIVERIES.c.created_at, DELIVERIES.c.title,
                    DELIVERIES.c.body, DELIVERIES.c.link,
                    *(DELIVERIES.c[column] for column in registry.STATE_COLUMNS))


def _delivery_rows(session: Session, occurrences: list[Occurrence],
                   now: datetime) -> tuple[list[tuple], set[int]]:
    """Decide sent or not_needed, write the content; return the delivery rows (in the order
    of DELIVERY_COLUMNS), and the reminders whose sent delivery also goes to the inbox."""
    to_send = [o for o in occurrences if o.status == TO_SEND]
    sources = reminder_content.load_sources(session, [(o.reminder, o.local_date) for o in to_send])
    settings = channel_states.load_settings(session, {o.reminder.user_id for o in to_send})
    not_wanted = tuple(ChannelState.NOT_WANTED for _ in registry.STATE_COLUMNS)
    states = channel_states.ChannelStates(settings, now)
    rows, inbox = [], set()
    for o in occurrences:
        r = o.reminder
        if o.status == TO_SEND:
            practised = r.kind == "missed_nudge" and reminder_content.practised_on(
                sources, r.child_id, o.local_date, r.timezone)
            o.status = DeliveryStatus.NOT_NEEDED if practised else DeliveryStatus.SENT
        if o.status != DeliveryStatus.SENT:
            rows.append((r.id, o.local_date, o.due, o.status, now, "", "", "", *not_wanted))
            continue
        content = reminder_content.render(sources, r, o.local_date)
        states_now = states.of(r)
        rows.append((r.id, o.local_date, o.due, o.status, now, content.title, content.body,
                     content.link, *states_now))
        if channel_states.wants_inbox(r.channels, states_now):
            inbox.add(r.id)
    return rows, inbox


def _still_claimed(connection: Connection, worker: str, ids: list[int]) -> set[int]:
    """Return the reminders this pass still holds: not deleted, lease not taken over."""
    return set(connection.execute(_still_claimed_statement(connection.dialect.name),
                                  {"ids": ids, "worker": worker}).scalars().all())


@cache
def _still_claimed_statement(dialect: str):
    return select(REMINDERS.c.id).where(among(REMINDERS.c.id, "ids", dialect),
                                        REMINDERS.c.claimed_by == bindparam("worker"))


def _insert_inbox(connection: Connection, delivery_ids: list[int]) -> None:
    """Copy the given deliveries into their recipients' inboxes, in one statement."""
    if delivery_ids:
        connection.execute(_inbox_statement(connection.dialect.name), {"ids": delivery_ids})


@cache
def _inbox_statement(dialect: str):
    copied = (select(REMINDERS.c.user_id, DELIVERIES.c.id, REMINDERS.c.child_id,
                     DELIVERIES.c.title, DELIVERIES.c.body, DELIVERIES.c.link,
                     DELIVERIES.c.created_at)
              .join(REMINDERS, REMINDERS.c.id == DELIVERIES.c.reminder_id)
              .where(among(DELIVERIES.c.id, "ids", dialect)))
    return INBOX.insert().from_select(
        ["user_id", "delivery_id", "child_id", "title", "body", "link", "created_at"], copied)


# A next-due moment shared by at least this many reminders of a batch is written with one
# UPDATE for all of them; the rest go in one executemany.
SHARED_DUE = 8


def _release_reminders(connection: Connection, worker: str,
                       next_due: dict[int, datetime | None]) -> None:
    """Move each reminder on to its next due moment and release this pass's lease on it."""
    # Guarded by the claimer's name: if this lease ran out and another pass took the
    # reminder over, that pass owns it now and this one must not move it.
    by_due = defaultdict(list)
    for reminder_id, due in next_due.items():
        by_due[due].append(reminder_id)
    singles = []
    for due, ids in by_due.items():
        if len(ids) < SHARED_DUE:
            singles.extend({"rid": i, "next_due": due} for i in ids)
            continue
        connection.execute(_release_shared(connection.dialect.name),
                           {"ids": ids, "worker": worker, "next_due": due})
    if singles:
        connection.execute(_release_one(), [{**single, "worker": worker} for single in singles])


RELEASED = {"claimed_by": "", "claimed_until": None}


@cache
def _release_shared(dialect: str):
    return (update(REMINDERS)
            .where(among(REMINDERS.c.id, "ids", dialect),
                   REMINDERS.c.claimed_by == bindparam("worker"))
            .values(next_due_at=bindparam("next_due", type_=REMINDERS.c.next_due_at.type),
                    **RELEASED))


@cache
def _release_one():
    return (update(REMINDERS)
            .where(REMINDERS.c.id == bindparam("rid"),
                   REMINDERS.c.claimed_by == bindparam("worker"))
            .values(next_due_at=bindparam("next_due", type_=REMINDERS.c.next_due_at.type),
                    **RELEASED))
