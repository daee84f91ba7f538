"""The family's audit log, in words: who looked at or changed their data, and when.

Audit rows never hold note text, tokens or passwords (services/audit.py); this page shows the
action, the person, the child and, for logins, the address they came from.
"""
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, or_
from sqlmodel import Session, select

from ..models import AuditEvent, Child, TherapistLink, User
from ..vocabulary import Role
from .pagination import Page, paginate

PER_PAGE = 50

ACTIONS = {
    "register": "Created the account",
    "login": "Logged in",
    "login_failed": "A login failed (wrong password)",
    "password_changed": "Changed the password",
    "password_reset_requested": "Asked for a password reset",
    "password_reset": "Reset the password",
    "caregiver_invited": "Invited another caregiver",
    "caregiver_joined": "Joined the family",
    "child_deleted": "Deleted a child and everything about them",
    "practice_deleted": "Deleted a practice",
    "child_mode_exited": "Left the child view",
    "child_mode_exit_failed": "Tried to leave the child view with a wrong password",
    "consent_given": "Agreed to share with a therapist",
    "therapist_linked": "Therapist accepted the invitation",
    "consent_ended": "Ended a therapist's access",
    "invitation_cancelled": "Cancelled a therapist invitation",
    "link_code_failed": "Entered a therapist code that did not work",
    "therapist_viewed": "Therapist viewed the child's data",
    "export": "Exported data",
    "ladder_reopened": "Opened a finished ladder again after a relapse check",
    "account_deleted": "Deleted an account",
    "calendar_feed_on": "Turned on a private calendar feed",
    "calendar_feed_new_link": "Made a new calendar feed link (the old one stopped working)",
    "calendar_feed_names_shown": "Let the calendar feed show children's names",
    "calendar_feed_names_hidden": "Stopped the calendar feed showing children's names",
    "calendar_feed_off": "Turned off the calendar feed",
}
# Where a sign-in came from is the family's to see; no other event's address is shown.
WITH_IP = frozenset({"login", "login_failed"})
_REFERENCE = re.compile(r"\b(child|therapist|user):(\d+)\b")


@dataclass
class AuditRow:
    at: datetime
    who: str
    what: str
    about: str
    ip: str


def _describe_action(action: str) -> str:
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


def _who(event: AuditEvent, users: dict[int, User]) -> str:
    user = users.get(event.actor_id)
    if user is None:
        return "—"  # a failed login, or an account deleted since
    return f"{user.display_name} (therapist)" if user.role == Role.THERAPIST else user.display_name


def _about(subject: str, children: dict[int, str], users: dict[int, User]) -> str:
    def name(match: re.Match) -> str:
        kind, number = match.group(1), int(match.group(2))
        if kind == "child":
            return children.get(number, "a deleted child")
        user = users.get(number)
        return user.display_name if user else "a former therapist"
    return _REFERENCE.sub(name, subject)


def _ours(family_id: int):
    """Someone an event's words may name: in the family, or a therapist ever linked to one of
    its children. An id in the words is not a foreign key: SQLite gives a deleted account's
    id to the next account made, and a stranger's name would stand for a former therapist.
    (Actors are a foreign key, set to null when the account goes.)"""
    return or_(User.family_id == family_id, exists().where(
        TherapistLink.therapist_id == User.id, TherapistLink.child_id == Child.id,
        Child.family_id == family_id))


# Newest first, through the index by family and time (models.AuditEvent).
FAMILY_EVENTS = (select(AuditEvent).where(AuditEvent.family_id == bindparam("family_id"))
                 .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()))


def family_audit(session: Session, family_id: int, page: int = 1) -> Page[AuditRow]:
    """Return one page of the family's audit events, newest first, in words."""
    found = paginate(session, FAMILY_EVENTS, page, PER_PAGE, params={"family_id": family_id})
    events = found.rows
    referenced = {int(n) for e in events for kind, n in _REFERENCE.findall(e.subject)
                  if kind != "child"}
    actors = {e.actor_id for e in events if e.actor_id}
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(actors)))}
    named = {u.id: u for u in session.exec(select(User).where(
        User.id.in_(referenced), _ours(family_id)))}
    children = dict(session.exec(select(Child.id, Child.display_name)
                                 .where(Child.family_id == family_id)).all())
    rows = [AuditRow(at=e.at, who=_who(e, users), what=_describe_action(e.action),
                     about=_about(e.subject, children, named) if e.action != "login_failed"
                     else "", ip=e.ip if e.action in WITH_IP else "") for e in events]
    return found.with_rows(rows)
