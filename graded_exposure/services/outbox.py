"""Send the messages a delivery still owes, after its row has committed (an outbox).

Each outbox channel of channels/registry.py (email, push) has a state column on the delivery,
"pending" when the dispatcher records it. Here a small batch is leased (services/claims.py),
each pending channel is sent through its registered sender, and its state is written back at
once, so a crash re-sends at most the one message in flight after the lease runs out. Each
sender keeps its connections for the run (registry.kept_open): one SMTP connection and one
HTTP session to the push services, rather than a new connection per message; a few senders
(OUTBOX_SENDERS) work side by side.

Just before each send the sender re-confirms (and extends) its lease on that row, and each
state write is guarded on the same lease: a sender paused past its lease skips what another
sender has taken over instead of sending it twice, and a channel revoked meanwhile (consent
ended) is never sent.

Retry policy: a ChannelError (or any other error from a channel) marks that channel
"failed" for good and is logged; it is not retried, because a reminder that arrives hours
late is worse than none, and a broken address or subscription would fail every minute. A
pending message older than the grace window (the outbox was down) also ends as failed.
"""
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, func, select
from sqlmodel import Session

from ..channels import ChannelError, OutgoingMessage, registry
from ..channels.registry import Channel
from ..models import utcnow
from ..vocabulary import ChannelState
from . import claims, consent_ending
from .claims import REMINDERS
from .dispatch import DEFAULT_GRACE, DEFAULT_LEASE
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


def run_outbox(session: Session, config: dict | None = None, now: datetime | None = None,
               stop_requested: Callable[[], bool] = lambda: False) -> OutboxCounts:
    """Send every pending email and push once; return how many went and how many failed.

    With OUTBOX_SENDERS above one, that many senders share the work in threads, each with its
    own database session and connections, exactly as separate outbox processes would (the
    claims keep them apart): while one waits on a mail server or push service, another works.

    `stop_requested` is asked before each delivery: a sender being stopped finishes the
    message in flight, hands the rest of its batch back (its lease released, so the next pass
    anywhere sends them at once) and claims no more.
    """
    config = config or {}
    senders = max(1, int(config.get("OUTBOX_SENDERS") or 1))
    counts = [OutboxCounts() for _ in range(senders)]
    with ThreadPoolExecutor(senders - 1 or 1, thread_name_prefix="outbox") as pool:
        others = [pool.submit(_sender_with_own_session, session.get_bind(), config, now, c,
                              stop_requested) for c in counts[1:]]
        _sender(session, config, now, counts[0], stop_requested)
        for other in others:
            other.result()
    total = OutboxCounts(*(sum(getattr(c, f) for c in counts)
                           for f in ("claimed", "sent", "failed")))
    log.info("Reminder outbox: claimed=%d sent=%d failed=%d", total.claimed, total.sent,
             total.failed)
    return total


def _sender_with_own_session(engine, config: dict, now: datetime | None,
                             counts: OutboxCounts, stop_requested: Callable[[], bool]) -> None:
    with Session(engine, expire_on_commit=False) as session:
        _sender(session, config, now, counts, stop_requested)


def _sender(session: Session, config: dict, now: datetime | None, counts: OutboxCounts,
            stop_requested: Callable[[], bool]) -> None:
    grace = config.get("REMINDER_GRACE", DEFAULT_GRACE)
    lease = config.get("REMINDER_LEASE", DEFAULT_LEASE)
    with registry.kept_open(config):  # one SMTP connection, one push session per sender
        _send_batches(session, config, now, grace, lease, counts, stop_requested)


def _send_batches(session: Session, config: dict, now: datetime | None, grace: timedelta,
                  lease: timedelta, counts: OutboxCounts,
                  stop_requested: Callable[[], bool]) -> None:
    while not stop_requested():
        at = now or utcnow()
        batch = claims.claim_outbox(session, now=at, lease=lease, limit=OUTBOX_BATCH)
        counts.claimed += len(batch)
        recipients = _recipients(session, {d.reminder_id for d in batch})
        silenced = consent_ending.reminders_without_consent(session, set(recipients))
        for position, delivery in enumerate(batch):
            if stop_requested():
                _hand_back(session, batch[position:])
                return
            if delivery.reminder_id not in recipients:
                continue  # deleted since the claim, and its delivery with it
            if delivery.reminder_id in silenced:
                _revoke(session, delivery)
                continue
            user_id, kind = recipients[delivery.reminder_id]
            states = _send(session, config, delivery, message_for(delivery, user_id, kind),
                           late=delivery.due_at < at - grace, lease=lease, now=now)
            counts.sent += sum(1 for s in states.values() if s == ChannelState.SENT)
            counts.failed += sum(1 for s in states.values() if s == ChannelState.FAILED)
        if len(batch) < OUTBOX_BATCH:
            break


def _hand_back(session: Session, deliveries: list[Row]) -> None:
    """Release the leases of claimed deliveries this sender will not send after all."""
    for delivery in deliveries:
        # Guarded on the lease like every write here: one taken over meanwhile stays taken.
        claims.record_outbox_state(session, delivery.id, held=delivery.outbox_claimed_until,
                                   states={}, release=True)
    log.info("Outbox stopping: %d claimed deliveries handed back unsent", len(deliveries))


def _revoke(session: Session, delivery: Row) -> None:
    """Never send for a therapist whose link has ended; record the channels as revoked."""
    states = {column: ChannelState.REVOKED for column in registry.STATE_COLUMNS
              if getattr(delivery, column) == ChannelState.PENDING}
    if claims.record_outbox_state(session, delivery.id, held=delivery.outbox_claimed_until,
                                  states=states, release=True):
        log.info("Delivery %s: not sent, the therapist's link has ended", delivery.id)


def _recipients(session: Session, reminder_ids: set[int]) -> dict[int, tuple[int, str]]:
    if not reminder_ids:
        return {}
    rows = session.connection().execute(select(REMINDERS.c.id, REMINDERS.c.user_id,
                                               REMINDERS.c.kind)
                                        .where(REMINDERS.c.id.in_(reminder_ids)))
    return {r.id: (r.user_id, r.kind) for r in rows}


def message_for(delivery: Row, user_id: int, kind: str) -> OutgoingMessage:
    """Build the channel message of a delivery; the push text is the kind's, with no name."""
    push_title, push_body = push_text(kind)
    return OutgoingMessage(user_id=user_id, kind=kind, title=delivery.title, body=delivery.body,
                           link=delivery.link, push_title=push_title, push_body=push_body)


def _send(session: Session, config: dict, delivery: Row, message: OutgoingMessage, *,
          late: bool, lease: timedelta, now: datetime | None) -> dict[str, str]:
    """Send each pending channel of one delivery while it is ours; return the states written."""
    pending = [channel for channel in registry.OUTBOX
               if getattr(delivery, channel.state_column) == ChannelState.PENDING]
    held, written = delivery.outbox_claimed_until, {}
    for channel in pending:
        column, what = channel.state_column, f"Delivery {delivery.id}: {channel.name}"
        if late:
            log.warning("%s not sent, more than the grace window late", what)
            state = ChannelState.FAILED
        else:
            held = claims.renew_outbox_lease(session, delivery.id, column, held=held,
                                             until=(now or utcnow()) + lease)
            if held is None:
                log.warning("%s not sent: taken over by another sender, or revoked", what)
                break
            state = _attempt(session, config, channel, message, what)
        if not claims.record_outbox_state(session, delivery.id, held=held,
                                          states={column: state},
                                          release=channel == pending[-1]):
            log.warning("%s %s, but not recorded: this sender lost its lease", what, state)
            break
        written[column] = state
    return written


def _attempt(session: Session, config: dict, channel: Channel, message: OutgoingMessage,
             what: str) -> ChannelState:
    try:
        channel.send(session, config, message)
    except ChannelError as e:
        session.rollback()
        log.warning("%s failed: %s", what, e)
        return ChannelState.FAILED
    except Exception:
        # Final as well: a bug in a channel must not be retried every minute forever.
        session.rollback()
        log.exception("%s raised unexpectedly", what)
        return ChannelState.FAILED
    return ChannelState.SENT


def pending_count(session: Session) -> int:
    """Return how many deliveries still owe an outbox message."""
    return session.connection().execute(
        select(func.count()).where(claims.owes_a_message())).scalar_one()

