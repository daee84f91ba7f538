"""Deleting for real: a child, a caregiver's account (and the family with its last caregiver),
or a therapist's account.

Rows go through the database's ON DELETE rules (foreign keys are enforced), plus the few copies
that no foreign key reaches: inbox messages about a child (their delivery link is SET NULL),
login attempts and audit subjects that hold an email address.

A therapist's notes and homework stay with the child, with the author removed: they are part
of the family's record of treatment, not the therapist's property. The therapist's links are
kept as ended consent records without a therapist, so the family's sharing history stays whole.
"""
import logging
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlmodel import Session, func, select

from ..errors import DomainError
from ..models import (
    ACTIVE_LINK,
    AuditEvent,
    Child,
    Family,
    FamilyInvite,
    LoginAttempt,
    TherapistLink,
    TherapySession,
    User,
    utcnow,
)
from ..vocabulary import LinkStatus, Role
from . import accounts, audit, consent_ending, therapist_links

log = logging.getLogger(__name__)

NOT_DELETED = "That password is not right, so nothing was deleted."


def _bulk(session: Session, statement) -> int:
    result = session.exec(statement.execution_options(synchronize_session=False))
    return result.rowcount


def _delete_family(session: Session, family_id: int) -> int:
    """Delete a family, its children and everything about them; return how many children."""
    child_ids = list(session.exec(select(Child.id).where(Child.family_id == family_id)))
    _bulk(session, delete(Child).where(Child.family_id == family_id))
    _bulk(session, delete(Family).where(Family.id == family_id))  # invites and audit go too
    return len(child_ids)


def _retire_therapist(session: Session, therapist: User) -> None:
    """End the therapist's links and stop their reminders, tell each family, unname records."""
    links = list(session.exec(select(TherapistLink).where(
        TherapistLink.therapist_id == therapist.id)))
    children = {c.id: c for c in session.exec(select(Child).where(
        Child.id.in_([link.child_id for link in links if link.child_id])))}
    now = utcnow()
    for link in links:
        if link.child_id is None:
            session.delete(link)  # an unused code: nothing to keep
            continue
        # Before the account goes: its reminders would outlive it (they belong to the family).
        stopped = consent_ending.stop_therapist_messages(session, therapist_id=therapist.id,
                                                         child_id=link.child_id)
        if link.status == LinkStatus.ACTIVE:
            audit.record(session, "consent_ended", family_id=children[link.child_id].family_id,
                         subject=f"child:{link.child_id}: therapist deleted their account; "
                                 f"{stopped.describe()}")
        if link.status != LinkStatus.ENDED:
            therapist_links.mark_ended(link, at=now)
        link.therapist_id = None
    # Their own notes on sessions were for them alone; the sessions' records stay, unnamed.
    _bulk(session, update(TherapySession).where(TherapySession.therapist_id == therapist.id)
          .values(note=""))
    session.flush()


def _withdraw_invitations(session: Session, caregiver: User) -> None:
    """What a leaving caregiver set going and nobody has taken up goes with them: their unused
    join links, and therapist invitations sent on their consent (a link would go live on the
    consent of someone no longer there)."""
    _bulk(session, delete(FamilyInvite).where(FamilyInvite.invited_by_id == caregiver.id,
                                              FamilyInvite.used_at.is_(None)))
    pending = session.exec(select(TherapistLink).where(
        TherapistLink.consented_by_id == caregiver.id,
        TherapistLink.status == LinkStatus.PENDING)).all()
    for link in pending:
        therapist_links.mark_ended(link)
        audit.record(session, "invitation_cancelled", family_id=caregiver.family_id,
                     subject=f"child:{link.child_id} invitation: its sender left")


def delete_account(session: Session, user: User, password: str) -> None:
    """Delete the user's account for real after checking their password."""
    if not accounts.check_password(user.password_hash, password):
        raise DomainError(NOT_DELETED)
    role, family_id, email = user.role, user.family_id, user.email
    family_deleted, children_deleted = False, 0
    if role == Role.THERAPIST:
        _retire_therapist(session, user)
    elif family_id is not None:
        others = session.exec(select(User.id).where(User.family_id == family_id,
                                                    User.id != user.id)).first()
        if others is None:
            family_deleted, children_deleted = True, _delete_family(session, family_id)
        else:
            audit.record(session, "account_deleted", family_id=family_id,
                         subject="a caregiver deleted their account")
            _withdraw_invitations(session, user)
    # Rows that hold the email address without a foreign key to the user.
    _bulk(session, delete(LoginAttempt).where(LoginAttempt.email == email))
    _bulk(session, delete(AuditEvent).where(AuditEvent.subject == email))
    # Their own events in no family's log (sign-ins, sign-up) nobody can see or export: gone.
    # Those in a family's log stay, as the family's record, without an address.
    _bulk(session, delete(AuditEvent).where(AuditEvent.actor_id == user.id,
                                            AuditEvent.family_id.is_(None)))
    _bulk(session, update(AuditEvent).where(AuditEvent.actor_id == user.id).values(ip=""))
    _bulk(session, delete(User).where(User.id == user.id))  # sessions, reminders, inbox go too
    session.commit()
    session.expunge_all()
    # The family's own audit trail may be gone with it; keep a line without names or ids.
    log.info("account deleted: role=%s family_deleted=%s children_deleted=%d",
             role, family_deleted, children_deleted)


@dataclass
class DeletionSummary:
    """What deleting this account would remove, in terms a person can check."""

    role: str
    last_caregiver: bool
    children: list[str]
    linked_children: int


def deletion_summary(session: Session, user: User) -> DeletionSummary:
    """Describe what deleting the user's account would delete."""
    if user.role == Role.THERAPIST:
        linked = session.exec(select(func.count()).select_from(TherapistLink).where(
            TherapistLink.therapist_id == user.id, ACTIVE_LINK)).one()
        return DeletionSummary(Role.THERAPIST, False, [], linked)
    others = session.exec(select(User.id).where(User.family_id == user.family_id,
                                                User.id != user.id)).first()
    names = list(session.exec(select(Child.display_name).where(
        Child.family_id == user.family_id).order_by(Child.id)))
    return DeletionSummary(Role.CAREGIVER, others is None, names, 0)
