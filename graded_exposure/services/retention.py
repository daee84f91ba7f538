"""Nothing grows forever: a daily prune of rows that no longer serve anyone.

What goes, and when (README "What is kept, and for how long" says the same for people):
- login attempts older than 30 days (the throttle looks back 15 minutes);
- login sessions past their idle timeout or absolute lifetime (ending one deletes it already);
- password reset tokens and family invitations once used or expired (who joined a family
  stays in the audit log, as "caregiver_joined");
- sign-ups whose emailed link expired unopened;
- therapist link codes never entered before they expired: pending, no child, so no consent
  was ever given. An email invitation has a child and the caregiver's consent on its row, and
  a link that was ever active or ended is a consent record: those stay;
- the email quota ledger (SentMail) older than its window, and never younger than a day;
- the title, body and link of a delivery whose email and push are final, once older than
  REMINDER_PAYLOAD_RETENTION: the text is blanked, the row stays, because the unique
  (reminder, local date) row is what prevents a second send. Inbox messages are the user's
  own and stay;
- reminders whose last day (a one-off's date, or the end given to one) is more than
  SPENT_REMINDER_RETENTION gone, with their deliveries, unless one still owes a message: no
  occurrence can come again, and pages stopped showing them a week after that day
  (reminders.ENDED_SHOWN). Inbox messages stay, their link to the delivery emptied.

Work per pass is bounded: each kind goes in chunks of CHUNK rows, each chunk its own short
transaction, at most MAX_CHUNKS per kind. A prune that hits that limit is not recorded as
done, so the next minute's pass carries on until the backlog is gone; after that, it runs
once a day. Several scheduler processes share one lease row (MaintenanceTask), so only one
prunes at a time.
"""
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select, update
from sqlmodel import Session

from ..models import (
    Delivery,
    FamilyInvite,
    LoginAttempt,
    MaintenanceTask,
    PasswordResetToken,
    PendingRegistration,
    Reminder,
    SentMail,
    TherapistLink,
    UserSession,
    utcnow,
)
from ..vocabulary import LinkStatus
from . import claims
from .upserts import insert_for

log = logging.getLogger(__name__)

TASK = "prune"
EVERY = timedelta(days=1)
CHUNK = 1000
MAX_CHUNKS = 20  # per kind and pass: at most 20,000 rows each, in short transactions
LOGIN_ATTEMPT_RETENTION = timedelta(days=30)
MIN_MAIL_LEDGER = timedelta(days=1)
DEFAULT_PAYLOAD_RETENTION = timedelta(days=30)
SPENT_REMINDER_RETENTION = timedelta(days=30)
DEFAULT_LEASE = timedelta(minutes=5)


def _in_chunks(session: Session, table, condition, *, change=None) -> int:
    """Delete (or update with `change`) matching rows CHUNK at a time; return how many."""
    key = table.primary_key.columns.values()[0]
    done = 0
    for _ in range(MAX_CHUNKS):
        chunk = select(key).where(condition).limit(CHUNK).scalar_subquery()
        statement = (update(table).values(**change) if change else delete(table)).where(
            key.in_(chunk))
        with claims.write_transaction(session) as connection:
            count = connection.execute(statement).rowcount
        done += count
        if count < CHUNK:
            break
    return done


def prune_login_attempts(session: Session, now: datetime) -> int:
    """Delete login attempts older than 30 days."""
    t = LoginAttempt.__table__
    return _in_chunks(session, t, t.c.at < now - LOGIN_ATTEMPT_RETENTION)


def prune_login_sessions(session: Session, now: datetime, *, idle_timeout: timedelta,
                         lifetime: timedelta) -> int:
    """Delete login sessions that idled out or outlived their absolute lifetime."""
    t = UserSession.__table__
    return _in_chunks(session, t, or_(t.c.last_seen_at < now - idle_timeout,
                                      t.c.created_at < now - lifetime))


def prune_reset_tokens(session: Session, now: datetime) -> int:
    """Delete password reset tokens that were used or have expired."""
    t = PasswordResetToken.__table__
    return _in_chunks(session, t, or_(t.c.used_at.is_not(None), t.c.expires_at < now))


def prune_family_invites(session: Session, now: datetime) -> int:
    """Delete family invitations that were used or have expired."""
    t = FamilyInvite.__table__
    return _in_chunks(session, t, or_(t.c.used_at.is_not(None), t.c.expires_at < now))


def prune_pending_registrations(session: Session, now: datetime) -> int:
    """Delete sign-ups whose emailed link expired unopened."""
    t = PendingRegistration.__table__
    return _in_chunks(session, t, t.c.expires_at < now)


def prune_link_codes(session: Session, now: datetime) -> int:
    """Delete therapist codes that expired unused; invitations and consent records stay."""
    t = TherapistLink.__table__
    return _in_chunks(session, t, (t.c.status == LinkStatus.PENDING) & t.c.child_id.is_(None)
                      & t.c.consented_at.is_(None)
                      & (t.c.expires_at.is_(None) | (t.c.expires_at < now)))


def prune_sent_mail(session: Session, now: datetime, window: timedelta) -> int:
    """Delete the email quota ledger older than its window (and at least a day old)."""
    t = SentMail.__table__
    return _in_chunks(session, t, t.c.at < now - max(window, MIN_MAIL_LEDGER))


def blank_delivered_payloads(session: Session, now: datetime, retention: timedelta) -> int:
    """Blank the text of deliveries with nothing left to send, older than `retention`."""
    t = Delivery.__table__
    return _in_chunks(session, t, ~claims.owes_a_message(t) & (t.c.created_at < now - retention)
                      & ((t.c.title != "") | (t.c.body != "") | (t.c.link != "")),
                      change={"title": "", "body": "", "link": ""})


def prune_spent_reminders(session: Session, now: datetime) -> int:
    """Delete reminders past their last day by SPENT_REMINDER_RETENTION (their deliveries go by
    the foreign key's cascade), unless a delivery still owes a message."""
    t, d = Reminder.__table__, Delivery.__table__
    owing = exists().where(d.c.reminder_id == t.c.id, claims.owes_a_message(d))
    return _in_chunks(session, t, (t.c.ends_on < (now - SPENT_REMINDER_RETENTION).date())
                      & ~owing)


def prune(session: Session, config, now: datetime | None = None) -> dict[str, int]:
    """Run every kind of prune once, bounded; return how many rows each touched."""
    now = now or utcnow()
    return {
        "login_attempts": prune_login_attempts(session, now),
        "login_sessions": prune_login_sessions(
            session, now, idle_timeout=config["SESSION_IDLE_TIMEOUT"],
            lifetime=config["PERMANENT_SESSION_LIFETIME"]),
        "reset_tokens": prune_reset_tokens(session, now),
        "family_invites": prune_family_invites(session, now),
        "pending_registrations": prune_pending_registrations(session, now),
        "link_codes": prune_link_codes(session, now),
        "sent_mail": prune_sent_mail(session, now, config["MAIL_LIMIT_WINDOW"]),
        "delivery_payloads": blank_delivered_payloads(
            session, now, config.get("REMINDER_PAYLOAD_RETENTION", DEFAULT_PAYLOAD_RETENTION)),
        "spent_reminders": prune_spent_reminders(session, now),
    }


def prune_until_done(session: Session, config, now: datetime | None = None) -> dict[str, int]:
    """Prune pass after pass until nothing is left (the command line's prune)."""
    totals: dict[str, int] = {}
    while True:
        counts = prune(session, config, now)
        for kind, n in counts.items():
            totals[kind] = totals.get(kind, 0) + n
        if _finished(counts):
            return totals


def _finished(counts: dict[str, int]) -> bool:
    """True unless some kind hit the per-pass limit and may have more left."""
    return all(count < CHUNK * MAX_CHUNKS for count in counts.values())


def _claim(session: Session, now: datetime, lease: timedelta) -> datetime | None:
    """Lease the prune if it is due and nobody holds it; return the lease's token, or None."""
    t = MaintenanceTask.__table__
    until = now + lease
    with claims.write_transaction(session) as connection:
        connection.execute(insert_for(connection.dialect.name, t).on_conflict_do_nothing(),
                           {"name": TASK})
        result = connection.execute(update(t).where(
            t.c.name == TASK,
            or_(t.c.last_finished_at.is_(None), t.c.last_finished_at <= now - EVERY),
            or_(t.c.claimed_until.is_(None), t.c.claimed_until <= now),
        ).values(claimed_until=until))
    return until if result.rowcount == 1 else None


def _release(session: Session, held: datetime, finished_at: datetime | None) -> None:
    t = MaintenanceTask.__table__
    values = {"claimed_until": None}
    if finished_at is not None:
        values["last_finished_at"] = finished_at
    with claims.write_transaction(session) as connection:
        # Guarded on the lease: one that ran out and was taken over is not ours to release.
        connection.execute(update(t).where(t.c.name == TASK, t.c.claimed_until == held)
                           .values(**values))


def prune_if_due(session: Session, config, now: datetime | None = None) -> dict | None:
    """Prune when a day has passed since the last complete prune; None when not due."""
    now = now or utcnow()
    held = _claim(session, now, config.get("REMINDER_LEASE", DEFAULT_LEASE))
    if held is None:
        return None
    # If this raises, the lease runs out and a later pass prunes again: each chunk is whole.
    counts = prune(session, config, now)
    _release(session, held, now if _finished(counts) else None)
    log.info("Prune: %s", ", ".join(f"{kind}={n}" for kind, n in counts.items()))
    return counts
