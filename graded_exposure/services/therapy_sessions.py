"""Therapy session records: store, edit and list a therapist's records of sessions with a child."""
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, TherapySession, User, utcnow
from ..rules.session_record import SessionDetails, problem_with
from ..rules.timezones import newest_date
from ..vocabulary import Attendance
from . import audit
from .caseload import active_link
from .form_keys import KeyLost, checked_key
from .session_summary import move_last_session_forward
from .unique_wins import write_or_winner

RECENT = 5  # records shown on the child's page

_BY_KEY = select(TherapySession).where(TherapySession.idempotency_key == bindparam("key"))
_RECENT = (select(TherapySession)
           .where(TherapySession.child_id == bindparam("child_id"),
                  TherapySession.therapist_id == bindparam("therapist_id"))
           .order_by(TherapySession.held_on.desc(), TherapySession.id.desc())
           .limit(bindparam("limit")))


def _checked(details: SessionDetails, now: datetime | None) -> dict:
    # Not after the newest date anywhere: a therapist a day ahead of the family (Sydney and
    # Los Angeles) records the session held on their own today.
    problem = problem_with(details, newest_date(now or utcnow()))
    if problem:
        raise DomainError(problem)
    return asdict(details)


def _took_place(record: TherapySession) -> bool:
    return record.attendance != Attendance.CANCELLED


def record_session(session: Session, therapist: User, child: Child, details: SessionDetails,
                   idempotency_key: str, now: datetime | None = None,
                   ip: str = "") -> TherapySession:
    """Store the record once per idempotency key (a repeated key returns the stored one), and
    move the link's last session forward when this session took place later."""
    key = checked_key(idempotency_key)

    def first_copy() -> TherapySession | None:
        existing = session.exec(_BY_KEY, params={"key": key}).first()
        return None if existing is None else _same_form(existing, therapist, child)

    if (stored := first_copy()) is not None:
        return stored
    link = active_link(session, therapist, child)
    record = TherapySession(child_id=child.id, therapist_id=therapist.id, idempotency_key=key,
                            **_checked(details, now))
    session.add(record)
    if _took_place(record):
        move_last_session_forward(link, record.held_on)
    audit.record(session, "session_recorded", actor_id=therapist.id, family_id=child.family_id,
                 subject=f"child:{child.id} · {record.held_on.isoformat()}", ip=ip)

    def store() -> TherapySession:
        session.commit()
        return record

    # Two copies of one form racing: the key's unique constraint keeps the first.
    return write_or_winner(session, store, first_copy)


def _same_form(record: TherapySession, therapist: User, child: Child) -> TherapySession:
    """The record a repeated key stored, when this therapist stored it about this child: a
    key used by anyone else (another therapist linked to the child) is a lost key, never
    another's record answered as this one's save."""
    if (record.child_id, record.therapist_id) != (child.id, therapist.id):
        raise KeyLost()
    return record


def edit_session(session: Session, therapist: User, child: Child, record: TherapySession,
                 details: SessionDetails, now: datetime | None = None,
                 ip: str = "") -> TherapySession:
    """Change what a record says; audited, the note itself never in the audit log."""
    link = active_link(session, therapist, child)
    for name, value in _checked(details, now).items():
        setattr(record, name, value)
    record.updated_at = now or utcnow()
    if _took_place(record):
        move_last_session_forward(link, record.held_on)
    audit.record(session, "session_edited", actor_id=therapist.id, family_id=child.family_id,
                 subject=f"child:{child.id} · session:{record.id}", ip=ip)
    session.commit()
    return record


def recent_sessions(session: Session, therapist: User, child: Child,
                    limit: int = RECENT) -> list[TherapySession]:
    """The therapist's latest records for the child, newest first."""
    return list(session.exec(_RECENT, params={"child_id": child.id, "therapist_id": therapist.id,
                                              "limit": limit}))


def details_of(record: TherapySession) -> SessionDetails:
    """The record's values as the form shows them for editing."""
    return SessionDetails(**{name: getattr(record, name)
                             for name in SessionDetails.__dataclass_fields__})
