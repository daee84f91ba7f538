"""Send the messages a delivery still owes, after its row has committed (an outbox).

Each outbox channel of channels/registry.py (email, push) has a state column on the delivery,
"pending" when the dispatcher records it. Here a small batch is leased (services/claims.py)
and each pending channel is sent through its registered sender. Each sender keeps one database
connection for its run, and its connections to the outside (registry.kept_open): one SMTP
connection and one HTTP connection pool to the push services, rather than a new connection per
message; a few senders (OUTBOX_SENDERS) work side by side.

Just before each send the sender writes once (services/outbox_ledger.py): the result of the
message before is recorded and the lease on this one re-confirmed (and extended), in one
transaction, and every state write is guarded on the lease. So a crash re-sends at most the
one message in flight after its lease runs out; a sender paused past its lease skips what
another sender has taken over instead of sending it twice; and a channel revoked meanwhile
(consent ended) is never sent.

Retry policy: a ChannelError (or any other error from a channel) marks that channel
"failed" for good and is logged; it is not retried, because a reminder that arrives hours
late is worse than none, and a broken address or subscription would fail every minute. A
pending message older than the grace window (the outbox was down) also ends as failed.
"""
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, Row, bindparam, func, select
from sqlmodel import Session

from ..channels import ChannelError, OutgoingMessage, registry
from ..channels.registry import Channel
from ..models import utcnow
from ..vocabulary import ChannelState
from . import claims, consent_ending, outbox_processes
from .claims import REMINDERS
from .dispatch import DEFAULT_GRACE, DEFAULT_LEASE
from .outbox_ledger import Ledger, Send
from .reminder_content import push_text

log = logging.getLogger(__name__)

# Small batches: a batch should finish within its lease (SMTP and push both time out after
# about ten seconds each). If it does not, another sender takes the rest over and this one
# skips them, because every send re-confirms the lease first.
OUTBOX_BATCH = 10


@dataclass
class OutboxCounts:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    # Seconds by phase, summed over senders, of wall time and of the sender thread's own CPU
    # time: "claim" (leasing a batch and reading whom it goes to), "record" (the write after
    # each send, with the lease on the next), and each channel's sending (building the message,
    # encrypting it, and the round trips to the server).
    seconds: Counter = field(default_factory=Counter)
    cpu_seconds: Counter = field(default_factory=Counter)
    # The whole CPU time of helper processes (outbox_processes.py), their start included.
    process_cpu_seconds: float = 0.0

    def add(self, other: "OutboxCounts") -> None:
        """Add another sender's counts to these."""
        self.claimed, self.sent = self.claimed + other.claimed, self.sent + other.sent
        self.failed += other.failed
        self.seconds.update(other.seconds)
        self.cpu_seconds.update(other.cpu_seconds)
        self.process_cpu_seconds += other.process_cpu_seconds


@contextmanager
def _timed(counts: OutboxCounts, phase: str) -> Iterator[None]:
    started, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        counts.seconds[phase] += time.perf_counter() - started
        counts.cpu_seconds[phase] += time.thread_time() - cpu


def run_outbox(session: Session, config: dict | None = None, now: datetime | None = None,
               stop_requested: Callable[[], bool] = lambda: False) -> OutboxCounts:
    """Send every pending email and push once; return how many went and how many failed.

    With OUTBOX_SENDERS above one, that many senders share the work in threads, each with its
    own database connection and connections to the outside, exactly as separate outbox
    processes would (the claims keep them apart): while one waits on a mail server or push
    service, another works. With OUTBOX_PROCESSES above one and a large backlog, helper
    processes run as many senders again each, on the other cores (outbox_processes.py). Every
    sender, the first too, uses a connection of its own from the session's engine: the
    session itself is not used.

    `stop_requested` is asked before each delivery: a sender being stopped finishes the
    message in flight, hands the rest of its batch back (its lease released, so the next pass
    anywhere sends them at once) and claims no more.
    """
    config = config or {}
    engine = session.get_bind().engine
    helpers = outbox_processes.helpers_wanted(engine, config)
    if helpers:
        total, others = outbox_processes.run_with_helpers(
            engine, config, helpers, now, stop_requested,
            lambda stop: run_senders(engine, config, now, stop), run_senders)
        for other in others:
            total.add(other)
    else:
        total = run_senders(engine, config, now, stop_requested)
    log.info("Reminder outbox: claimed=%d sent=%d failed=%d", total.claimed, total.sent,
             total.failed)
    return total


def run_senders(engine: Engine, config: dict, now: datetime | None,
                stop_requested: Callable[[], bool]) -> OutboxCounts:
    """Run OUTBOX_SENDERS senders in this process, this thread being the first; return their
    counts added up."""
    senders = max(1, int(config.get("OUTBOX_SENDERS") or 1))
    counts = [OutboxCounts() for _ in range(senders)]
    with ThreadPoolExecutor(senders - 1 or 1, thread_name_prefix="outbox") as pool:
        others = [pool.submit(_sender, engine, config, now, c, stop_requested)
                  for c in counts[1:]]
        _sender(engine, config, now, counts[0], stop_requested)
        for other in others:
            other.result()
    total = OutboxCounts()
    for one in counts:
        total.add(one)
    return total


def _sender(engine: Engine, config: dict, now: datetime | None, counts: OutboxCounts,
            stop_requested: Callable[[], bool]) -> None:
    grace = config.get("REMINDER_GRACE", DEFAULT_GRACE)
    lease = config.get("REMINDER_LEASE", DEFAULT_LEASE)
    # One SMTP connection and one push connection pool per sender, and one database connection:
    # a transaction on it costs a third of one through a Session.
    with engine.connect() as connection, registry.kept_open(config):
        ledger = Ledger(connection, lease, clock=lambda: now or utcnow())
        try:
            _send_batches(connection, ledger, config, grace, counts, stop_requested)
        finally:
            sent, failed = ledger.counts()
            counts.sent, counts.failed = counts.sent + sent, counts.failed + failed


def _send_batches(connection: Connection, ledger: Ledger, config: dict, grace: timedelta,
                  counts: OutboxCounts, stop_requested: Callable[[], bool]) -> None:
    while not stop_requested():
        at = ledger.clock()
        with _timed(counts, "claim"):
            ledger.flush()
            batch = claims.claim_outbox(connection, now=at, lease=ledger.lease,
                                        limit=OUTBOX_BATCH)
            recipients = _recipients(connection, {d.reminder_id for d in batch})
            silenced = consent_ending.reminders_without_consent(connection, set(recipients))
        counts.claimed += len(batch)
        ledger.claimed(batch)
        # Deleted since the claim (its delivery with it), or for a link that has ended.
        work = [d for d in batch if d.reminder_id in recipients and d.reminder_id not in silenced]
        for delivery in batch:
            if delivery.reminder_id in silenced:
                _revoke(ledger, delivery)
        late = {d.id for d in work if d.due_at < at - grace}
        following = _following([(d.id, channel.state_column) for d in work if d.id not in late
                                for channel in _pending(d)])
        for position, delivery in enumerate(work):
            if stop_requested():
                _hand_back(ledger, work[position:])
                return
            user_id, kind = recipients[delivery.reminder_id]
            _send(connection, ledger, config, delivery, message_for(delivery, user_id, kind),
                  late=delivery.id in late, following=following, counts=counts)
        if len(batch) < OUTBOX_BATCH:
            break
    ledger.flush()


def _pending(delivery: Row) -> list[Channel]:
    return [channel for channel in registry.OUTBOX
            if getattr(delivery, channel.state_column) == ChannelState.PENDING]


def _following(sends: list[Send]) -> dict[Send, Send | None]:
    """Map each message of a batch to the one sent after it (None for the last)."""
    return dict(zip(sends, [*sends[1:], None], strict=False))


def _hand_back(ledger: Ledger, deliveries: list[Row]) -> None:
    """Release the leases of claimed deliveries this sender will not send after all."""
    # Guarded on the lease like every write here: one taken over meanwhile stays taken.
    ledger.release(deliveries, {})
    log.info("Outbox stopping: %d claimed deliveries handed back unsent", len(deliveries))


def _revoke(ledger: Ledger, delivery: Row) -> None:
    """Never send for a therapist whose link has ended; record the channels as revoked."""
    states = {channel.state_column: ChannelState.REVOKED for channel in _pending(delivery)}
    if ledger.release([delivery], {delivery.id: states}):
        log.info("Delivery %s: not sent, the therapist's link has ended", delivery.id)


def _recipients(connection: Connection, reminder_ids: set[int]) -> dict[int, tuple[int, str]]:
    if not reminder_ids:
        return {}
    rows = connection.execute(_RECIPIENTS, {"ids": list(reminder_ids)})
    return {id_: (user_id, kind) for id_, user_id, kind in rows}


# Built once: it runs for every batch of ten the outbox claims.
_RECIPIENTS = select(REMINDERS.c.id, REMINDERS.c.user_id, REMINDERS.c.kind).where(
    REMINDERS.c.id.in_(bindparam("ids", expanding=True)))


def message_for(delivery: Row, user_id: int, kind: str) -> OutgoingMessage:
    """Build the channel message of a delivery; the push text is the kind's, with no name."""
    push_title, push_body = push_text(kind)
    return OutgoingMessage(user_id=user_id, kind=kind, title=delivery.title, body=delivery.body,
                           link=delivery.link, push_title=push_title, push_body=push_body)


def _send(connection: Connection, ledger: Ledger, config: dict, delivery: Row,
          message: OutgoingMessage, *, late: bool, following: dict[Send, Send | None],
          counts: OutboxCounts) -> None:
    """Send each pending channel of one delivery while it is ours, recording each result
    before anything else goes out."""
    pending = _pending(delivery)
    for channel in pending:
        column, what = channel.state_column, f"Delivery {delivery.id}: {channel.name}"
        last = channel == pending[-1]
        if late:
            log.warning("%s not sent, more than the grace window late", what)
            ledger.gave_up(delivery.id, column, ChannelState.FAILED, release=last, what=what)
            continue
        with _timed(counts, "record"):
            allowed = ledger.may_send(delivery.id, column)
        if not allowed:
            log.warning("%s not sent: taken over by another sender, or revoked", what)
            break
        with _timed(counts, channel.name):
            state = _attempt(connection, config, channel, message, what)
        with _timed(counts, "record"):
            ledger.sent(delivery.id, column, state, release=last, what=what,
                        then=following[(delivery.id, column)])


def _attempt(connection: Connection, config: dict, channel: Channel, message: OutgoingMessage,
             what: str) -> ChannelState:
    try:
        channel.send(connection, config, message)
    except ChannelError as e:
        connection.rollback()
        log.warning("%s failed: %s", what, e)
        return ChannelState.FAILED
    except Exception:
        # Final as well: a bug in a channel must not be retried every minute forever.
        connection.rollback()
        log.exception("%s raised unexpectedly", what)
        return ChannelState.FAILED
    return ChannelState.SENT


def pending_count(session: Session) -> int:
    """Return how many deliveries still owe an outbox message."""
    return session.connection().execute(
        select(func.count()).where(claims.owes_a_message())).scalar_one()

