"""Claim due rows with a lease, atomically, so several dispatcher processes never share one.

SQLite: one `UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING ...` inside a transaction
that takes the write lock up front (BEGIN IMMEDIATE), so two processes simply queue on the
lock and the second sees the first one's lease. PostgreSQL: the same statement with the
inner SELECT `FOR UPDATE SKIP LOCKED` (in a MATERIALIZED CTE, so it runs once: see _picked),
so concurrent claimers pass each other by instead of waiting. A lease that runs out (its
process died) makes the row claimable again.

A lease protects only while it is re-checked. An outbox claim's expiry time is also its owner
token: a row can be claimed again only once `outbox_claimed_until <= now`, so a new claim
always writes a later value than the one it replaces. A sender re-confirms it still holds
that exact value before each send, and guards each state write on it, so a sender paused past
its lease (a suspended VM, a slow SMTP server) cannot send or record what another sender took.
"""
import json
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Row,
    String,
    TypeDecorator,
    and_,
    bindparam,
    or_,
    select,
    type_coerce,
    update,
)
from sqlmodel import Session

from ..channels import registry
from ..models import Delivery, Reminder
from ..vocabulary import ChannelState
from . import driver_statements
from .driver_statements import Writer

REMINDERS = Reminder.__table__
DELIVERIES = Delivery.__table__



class ChannelNames(TypeDecorator):
    """A reminder's channels read as a tuple, each distinct stored list decoded only once.

    A claimed batch holds thousands of reminders with a handful of distinct channel lists;
    decoding each row's JSON was a sixth of a dispatch pass.
    """

    impl = String
    cache_ok = True

    def process_result_value(self, value, dialect):
        # SQLite hands back the stored text; psycopg has already decoded a json column.
        return _decoded_channels(value) if isinstance(value, str) else tuple(value)


@lru_cache(maxsize=64)
def _decoded_channels(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))


CLAIMED_REMINDER_COLUMNS = (
    REMINDERS.c.id, REMINDERS.c.user_id, REMINDERS.c.child_id, REMINDERS.c.kind,
    REMINDERS.c.message, REMINDERS.c.weekdays, REMINDERS.c.local_time, REMINDERS.c.timezone,
    type_coerce(REMINDERS.c.channels, ChannelNames()).label("channels"),
    REMINDERS.c.skip_date, REMINDERS.c.ends_on, REMINDERS.c.next_due_at,
)


class ClaimedReminder(NamedTuple):
    """A claimed reminder: the CLAIMED_REMINDER_COLUMNS, in their order, as a plain tuple.

    The dispatcher reads a couple of dozen fields of each of a batch's thousands of reminders;
    a field of a SQLAlchemy Row cost about 2 µs to read by name (measured: 1.8 µs, against
    0.1 µs here), which was a third of a dispatch pass. A claim is read on the driver's cursor
    straight into these (driver_statements.fetch_all).
    """

    id: int
    user_id: int
    child_id: int | None
    kind: str
    message: str
    weekdays: str
    local_time: str
    timezone: str
    channels: tuple[str, ...]
    skip_date: date | None
    ends_on: date | None
    next_due_at: datetime | None


CLAIMED_DELIVERY_COLUMNS = (
    DELIVERIES.c.id, DELIVERIES.c.reminder_id, DELIVERIES.c.due_at, DELIVERIES.c.title,
    DELIVERIES.c.body, DELIVERIES.c.link,
    *(DELIVERIES.c[column] for column in registry.STATE_COLUMNS),
    DELIVERIES.c.outbox_claimed_until,  # the claim's owner token, see the module docstring
)


def owes_a_message(deliveries=DELIVERIES):
    """Return the condition "some outbox channel of this delivery is still pending"."""
    return or_(*(deliveries.c[column] == ChannelState.PENDING
                 for column in registry.STATE_COLUMNS))


def worker_id() -> str:
    """Return a name for one dispatch pass, unique across processes and hosts."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


@contextmanager
def write_transaction(session: Session) -> Iterator[Connection]:
    """Run the block as one transaction that holds the write lock from its first statement."""
    session.commit()  # start from a fresh snapshot, never upgrade an old read to a write
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # A deferred transaction that reads first can fail with SQLITE_BUSY_SNAPSHOT when it
        # tries to write; IMMEDIATE waits for the lock (busy_timeout) instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        session.rollback()
        raise
    session.commit()


def locked_write(connection: Connection) -> AbstractContextManager[Writer]:
    """Run the block as one write transaction on the driver's cursor, holding the write lock
    from its first statement, for the outbox's writes below (services/driver_statements.py)."""
    return driver_statements.write_transaction(connection)


def _picked(dialect: str, query):
    """The ids a claim takes, for its UPDATE's `IN (...)`: on PostgreSQL locked `SKIP LOCKED`,
    in a MATERIALIZED CTE so that they are chosen once. As a plain subquery the planner may put
    it inside a nested loop (it did when its statistics said the table held one row) and run it
    again for every row; each run passed over the rows the UPDATE had just changed and locked
    the next ones, so one claim took every due row, whatever its limit."""
    if dialect != "postgresql":
        return query.scalar_subquery()
    picked = query.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
    return select(picked.c.id).scalar_subquery()


# The hot statements are built once per dialect with bound parameters, and only executed
# after that: building and coercing a statement costs far more than SQLite running it.
@cache
def claim_due_statement(dialect: str):
    """Return the one statement that leases due reminders, for the given SQL dialect."""
    now = bindparam("now", type_=REMINDERS.c.next_due_at.type)
    due = _picked(dialect, (
        select(REMINDERS.c.id)
        .where(REMINDERS.c.active.is_(True), REMINDERS.c.next_due_at.is_not(None),
               REMINDERS.c.next_due_at <= now,
               or_(REMINDERS.c.claimed_until.is_(None), REMINDERS.c.claimed_until <= now))
        .order_by(REMINDERS.c.next_due_at, REMINDERS.c.id)
        .limit(bindparam("limit"))))
    return (update(REMINDERS).where(REMINDERS.c.id.in_(due))
            .values(claimed_by=bindparam("worker"), claimed_until=bindparam("until"))
            .returning(*CLAIMED_REMINDER_COLUMNS))


@cache
def claim_outbox_statement(dialect: str):
    """Return the one statement that leases deliveries owing an outbox message."""
    now = bindparam("now", type_=DELIVERIES.c.outbox_claimed_until.type)
    # No ORDER BY: "pending on any channel" is an OR over one index per channel, and ordering
    # its matches made SQLite gather and sort every pending delivery for each claim of ten (the
    # outbox slowed down as it grew: 3.2 ms of CPU a delivery at 1,000, 6.9 ms at 100,000).
    # Unordered, the claim stops at its tenth match; each channel's index still yields the
    # oldest first.
    pending = _picked(dialect, (
        select(DELIVERIES.c.id)
        .where(owes_a_message(),
               or_(DELIVERIES.c.outbox_claimed_until.is_(None),
                   DELIVERIES.c.outbox_claimed_until <= now))
        .limit(bindparam("limit"))))
    return (update(DELIVERIES).where(DELIVERIES.c.id.in_(pending))
            .values(outbox_claimed_until=bindparam("until"))
            .returning(*CLAIMED_DELIVERY_COLUMNS))


def claim_due_reminders(session: Session, *, worker: str, now: datetime, lease: timedelta,
                        limit: int) -> list[ClaimedReminder]:
    """Lease up to `limit` active reminders due by `now` to `worker` and return them."""
    with write_transaction(session) as connection:
        return driver_statements.fetch_all(
            connection, claim_due_statement(connection.dialect.name),
            {"worker": worker, "now": now, "until": now + lease, "limit": limit},
            make=ClaimedReminder._make)


def claim_outbox(connection: Connection, *, now: datetime, lease: timedelta,
                 limit: int) -> list[Row]:
    """Lease up to `limit` deliveries owing an outbox message and return them."""
    if connection.in_transaction():
        connection.commit()
    with connection.begin():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")  # as in write_transaction
        return connection.execute(claim_outbox_statement(connection.dialect.name), {
            "now": now, "until": now + lease, "limit": limit}).all()


# The two writes below run inside a transaction the caller holds (locked_write), so that a
# sender records one send and confirms the next in one transaction (services/outbox_ledger.py).

def renew_outbox_lease(writer: Writer, delivery_id: int, column: str, *,
                       held: datetime, until: datetime) -> datetime | None:
    """Confirm this sender still holds the delivery and its channel is still pending.

    Extends the lease to `until` (never shortens it) and returns the new token to hold, or
    None when the lease was taken over, the delivery deleted, or the channel no longer pending
    (sent, or revoked when consent ended): then nothing may be sent.
    """
    if column not in registry.STATE_COLUMNS:
        raise ValueError(f"not an outbox channel: {column}")
    until = max(held, until)
    changed = writer.run(_renew(column), {"delivery_id": delivery_id, "held": held,
                                          "until": until})
    return until if changed == 1 else None


def record_outbox_state(writer: Writer, delivery_id: int, *, held: datetime,
                        states: dict[str, str], release: bool) -> bool:
    """Write channel states if this sender still holds the delivery; False if it does not."""
    if not set(states) <= set(registry.STATE_COLUMNS):
        raise ValueError(f"not outbox channels: {sorted(states)}")
    changed = writer.run(_record(tuple(sorted(states)), release),
                         {"delivery_id": delivery_id, "held": held,
                          **{f"new_{c}": state for c, state in states.items()}})
    return changed == 1


def _held(delivery_id, held):
    return and_(DELIVERIES.c.id == delivery_id, DELIVERIES.c.outbox_claimed_until == held)


@cache
def _renew(column: str):
    return (update(DELIVERIES)
            .where(_held(bindparam("delivery_id"), bindparam("held")),
                   DELIVERIES.c[column] == ChannelState.PENDING)
            .values(outbox_claimed_until=bindparam("until")))


@cache
def _record(columns: tuple[str, ...], release: bool):
    values = {column: bindparam(f"new_{column}") for column in columns}
    return (update(DELIVERIES)
            .where(_held(bindparam("delivery_id"), bindparam("held")))
            .values(**values, **({"outbox_claimed_until": None} if release else {})))
