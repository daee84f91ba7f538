"""When consent ends, the therapist's messages to the family stop at once, not only page views.

Ending a link (either side, or the therapist deleting their account) calls
stop_therapist_messages in the same transaction. The therapist's reminders about that child
that never produced a delivery are deleted: nothing was sent, so there is nothing to keep.
One that already went out is kept, switched off, as the record of what was sent. Email and
push those reminders still owe are marked "revoked" and their outbox lease dropped, so a
sender that claimed them already finds them gone when it re-confirms its lease just before
sending (services/outbox.py).

The outbox also asks reminders_without_consent before sending, for a delivery recorded while
the link was ending (a dispatcher racing the end on PostgreSQL) or left from before this rule.

Notes and homework are not messages: nothing sends them, the family sees them in the child's
feed, and they stay as part of the family's record of treatment. A therapist's "homework
notification" is the reminder they schedule (services/therapist_notes.py), stopped here.
"""
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, case, delete, select, update
from sqlmodel import Session

from ..channels import registry
from ..models import Delivery, Reminder, TherapistLink
from ..vocabulary import ChannelState, LinkStatus
from .claims import owes_a_message

REVOKED = ChannelState.REVOKED
THERAPIST_KIND = "therapist"

REMINDERS = Reminder.__table__
DELIVERIES = Delivery.__table__
LINKS = TherapistLink.__table__


@dataclass(frozen=True)
class Stopped:
    reminders: int  # reminders that still had an occurrence to come
    messages: int  # deliveries that still owed an email or a push

    def describe(self) -> str:
        """Say what was stopped, for an audit subject (counts only, never any text)."""
        return (f"stopped {self.reminders} reminder{'' if self.reminders == 1 else 's'}, "
                f"{self.messages} message{'' if self.messages == 1 else 's'}")


def stop_therapist_messages(session: Session, *, therapist_id: int, child_id: int) -> Stopped:
    """Stop the therapist's reminders about the child and the email and push they still owe."""
    session.flush()  # the caller's changes first: the statements below bypass the ORM
    connection = session.connection()
    ids = list(connection.execute(select(REMINDERS.c.id).where(
        REMINDERS.c.created_by_id == therapist_id, REMINDERS.c.child_id == child_id)).scalars())
    if not ids:
        return Stopped(0, 0)
    upcoming = len(connection.execute(select(REMINDERS.c.id).where(
        REMINDERS.c.id.in_(ids), REMINDERS.c.next_due_at.is_not(None))).all())
    messages = _revoke_pending(session, ids)
    sent_before = set(connection.execute(select(DELIVERIES.c.reminder_id).distinct().where(
        DELIVERIES.c.reminder_id.in_(ids))).scalars())
    never_sent = [i for i in ids if i not in sent_before]
    if never_sent:
        connection.execute(delete(REMINDERS).where(REMINDERS.c.id.in_(never_sent)))
    if sent_before:
        # Dropping the claim too: a dispatcher holding it finds it gone and records nothing.
        connection.execute(update(REMINDERS).where(REMINDERS.c.id.in_(sent_before)).values(
            active=False, next_due_at=None, skip_date=None, claimed_by="", claimed_until=None))
    for row in list(session.identity_map.values()):
        if isinstance(row, Reminder | Delivery):
            session.expire(row)  # loaded copies are stale now: read them afresh
    return Stopped(upcoming, messages)


def _revoke_pending(session: Session, reminder_ids: list[int]) -> int:
    """Mark unsent outbox messages of these reminders revoked; return how many deliveries."""
    result = session.connection().execute(
        update(DELIVERIES).where(DELIVERIES.c.reminder_id.in_(reminder_ids),
                                 owes_a_message(DELIVERIES))
        .values(**{column: case((DELIVERIES.c[column] == ChannelState.PENDING, REVOKED),
                                else_=DELIVERIES.c[column])
                   for column in registry.STATE_COLUMNS},
                outbox_claimed_until=None))
    return result.rowcount


def reminders_without_consent(connection: Connection, reminder_ids: set[int]) -> set[int]:
    """Return the therapist reminders among these whose therapist has no active link now.

    Only reminders that name their therapist: one whose therapist's account was deleted had
    its messages stopped then, with the account (services/account_deletion.py).
    """
    if not reminder_ids:
        return set()
    return set(connection.execute(_WITHOUT_CONSENT, {"ids": list(reminder_ids)}).scalars())


# Built once: the outbox asks for every batch of ten it claims.
_WITHOUT_CONSENT = select(REMINDERS.c.id).where(
    REMINDERS.c.id.in_(bindparam("ids", expanding=True)), REMINDERS.c.kind == THERAPIST_KIND,
    REMINDERS.c.created_by_id.is_not(None),
    ~select(LINKS.c.id).where(LINKS.c.therapist_id == REMINDERS.c.created_by_id,
                              LINKS.c.child_id == REMINDERS.c.child_id,
                              LINKS.c.status == LinkStatus.ACTIVE).exists())
