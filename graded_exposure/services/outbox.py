"""Send the email and push a delivery still owes, after its row has committed (an outbox).

A delivery's email_state/push_state start "pending" when the dispatcher records it. Here a
small batch is leased (services/claims.py), each message is sent through
channels.email.send_email / channels.push.send_push, and its states are written back at
once, so a crash re-sends at most the one message in flight after the lease runs out.

Retry policy: a ChannelError (or any other error from a channel) marks that channel
"failed" for good and is logged; it is not retried, because a reminder that arrives hours
late is worse than none, and a broken address or subscription would fail every minute. A
pending message older than the grace window (the outbox was down) also ends as failed.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, func, select, update
from sqlmodel import Session

from ..channels import ChannelError, OutgoingMessage
from ..channels import email as email_channel
from ..channels import push as push_channel
from ..models import utcnow
from . import claims
from .claims import DELIVERIES, REMINDERS
from .dispatch import DEFAULT_GRACE, DEFAULT_LEASE
from .reminder_content import push_text

log = logging.getLogger(__name__)

# Small batches: the lease must outlast a whole batch of slow sends (SMTP and push both
# time out after about ten seconds each), or a second process could take it over.
OUTBOX_BATCH = 10


@dataclass
class OutboxCounts:
    claimed: int = 0
    sent: int = 0
    failed: int = 0


def run_outbox(session: Session, config: dict | None = None,
               now: datetime | None = None) -> OutboxCounts:
    """Send every pending email and push once; return how many went and how many failed."""
    config = config or {}
    grace = config.get("REMINDER_GRACE", DEFAULT_GRACE)
    lease = config.get("REMINDER_LEASE", DEFAULT_LEASE)
    counts = OutboxCounts()
    while True:
        at = now or utcnow()
        batch = claims.claim_outbox(session, now=at, lease=lease, limit=OUTBOX_BATCH)
        counts.claimed += len(batch)
        recipients = _recipients(session, {d.reminder_id for d in batch})
        for delivery in batch:
            if delivery.reminder_id not in recipients:
                continue  # deleted since the claim, and its delivery with it
            user_id, kind = recipients[delivery.reminder_id]
            states = _send(session, config, delivery, user_id, kind,
                           late=delivery.due_at < at - grace)
            counts.sent += sum(1 for s in states.values() if s == "sent")
            counts.failed += sum(1 for s in states.values() if s == "failed")
            with claims.write_transaction(session) as connection:
                connection.execute(update(DELIVERIES).where(DELIVERIES.c.id == delivery.id)
                                   .values(outbox_claimed_until=None, **states))
        if len(batch) < OUTBOX_BATCH:
            break
    log.info("Reminder outbox: claimed=%d sent=%d failed=%d", counts.claimed, counts.sent,
             counts.failed)
    return counts


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


def _send(session: Session, config: dict, delivery: Row, user_id: int, kind: str, *,
          late: bool) -> dict[str, str]:
    """Send each pending channel of one delivery; return its new states."""
    message = message_for(delivery, user_id, kind)
    senders = {"email_state": email_channel.send_email, "push_state": push_channel.send_push}
    states = {}
    for column, send in senders.items():
        if getattr(delivery, column) != "pending":
            continue
        if late:
            log.warning("Delivery %s: %s not sent, more than the grace window late",
                        delivery.id, column.removesuffix("_state"))
            states[column] = "failed"
            continue
        states[column] = _attempt(session, config, send, message,
                                  f"Delivery {delivery.id}: {column.removesuffix('_state')}")
    return states


def _attempt(session: Session, config: dict, send, message: OutgoingMessage, what: str) -> str:
    try:
        send(session, config, message)
    except ChannelError as e:
        session.rollback()
        log.warning("%s failed: %s", what, e)
        return "failed"
    except Exception:
        # Final as well: a bug in a channel must not be retried every minute forever.
        session.rollback()
        log.exception("%s raised unexpectedly", what)
        return "failed"
    return "sent"


def pending_count(session: Session) -> int:
    """Return how many deliveries still owe an email or a push."""
    return session.connection().execute(select(func.count()).where(
        (DELIVERIES.c.email_state == "pending") | (DELIVERIES.c.push_state == "pending"))
    ).scalar_one()

