"""Live (telehealth) sessions: start, the child's face, a brave try in session, end.

Who may open a session is decided in access.py (live_session_for_family / _for_therapist):
the child's family, or the therapist who started it, and only while that therapist's link to
the child is active. Ending the link ends the therapist's sessions with the child
(therapist_links.end_link calls end_for_link in the same transaction).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload
from sqlmodel import Session

from ..errors import DomainError
from ..models import Child, LiveSession, Practice, Step, User, utcnow
from ..rules import live_rules
from ..rules.faces import Face, face_for_fear, fear_for_face
from . import audit, practices
from .ladder_lines import StepLine, active_ladders

LIVE = LiveSession.__table__

ENDED = "This live session has ended."


@dataclass(frozen=True)
class TryRow:
    """A brave try logged in this session, as the therapist's screen lists it."""

    id: int
    practiced_at: datetime
    step_title: str
    fear_before: int
    fear_after: int


def start(session: Session, therapist: User, child: Child, limit: timedelta,
          ip: str = "") -> LiveSession:
    """Start a live session (ending this therapist's earlier open ones with the child)."""
    now = utcnow()
    _end_open(session, therapist_id=therapist.id, child_id=child.id, now=now)
    live = LiveSession(child_id=child.id, therapist_id=therapist.id, started_at=now,
                       ends_at=live_rules.ends_at(now, limit))
    session.add(live)
    session.flush()
    audit.record(session, "live_session_started", actor_id=therapist.id,
                 family_id=child.family_id, subject=f"child:{child.id} live:{live.id}", ip=ip)
    session.commit()
    return live


def is_open(live: LiveSession, now: datetime | None = None) -> bool:
    """True while the session is neither ended nor past its time limit."""
    return live_rules.is_open(live.ends_at, live.ended_at, now or utcnow())


def rate(session: Session, live: LiveSession, face_key: str) -> Face:
    """Store the face the child tapped; the therapist's screen shows it on its next poll."""
    try:
        fear = fear_for_face(face_key)
    except ValueError:
        raise DomainError("Tap one of the faces.") from None
    now = utcnow()
    # One statement, so two taps at once both count and the version always moves on.
    changed = session.connection().execute(
        update(LIVE).where(LIVE.c.id == live.id, LIVE.c.ended_at.is_(None), LIVE.c.ends_at > now)
        .values(face=face_key, rated_at=now, version=LIVE.c.version + 1)).rowcount
    session.commit()
    if not changed:
        raise DomainError(ENDED)
    session.expire(live)
    return face_for_fear(fear)


def end(session: Session, live: LiveSession) -> None:
    """End the session now (again is harmless); the family's screen says so on its next poll."""
    _end_open(session, live_id=live.id, now=utcnow())
    session.commit()
    session.expire(live)


def end_for_link(session: Session, *, therapist_id: int, child_id: int) -> None:
    """End the therapist's open sessions with the child (consent is ending); caller commits."""
    _end_open(session, therapist_id=therapist_id, child_id=child_id, now=utcnow())


def _end_open(session: Session, *, now: datetime, live_id: int | None = None,
              therapist_id: int | None = None, child_id: int | None = None) -> None:
    statement = update(LIVE).where(LIVE.c.ended_at.is_(None))
    if live_id is not None:
        statement = statement.where(LIVE.c.id == live_id)
    else:
        statement = statement.where(LIVE.c.therapist_id == therapist_id,
                                    LIVE.c.child_id == child_id)
    session.flush()
    session.connection().execute(statement.values(ended_at=now, version=LIVE.c.version + 1))
    for row in list(session.identity_map.values()):
        if isinstance(row, LiveSession):
            session.expire(row)


# --- polls: one indexed read of plain columns ----------------------------------------------------

@dataclass(frozen=True)
class LiveState:
    version: int
    face: str
    rated_at: datetime | None
    ends_at: datetime
    ended_at: datetime | None

    def is_open(self, now: datetime | None = None) -> bool:
        return live_rules.is_open(self.ends_at, self.ended_at, now or utcnow())


def state_of(live: LiveSession) -> LiveState:
    """The polled part of a session already loaded (access.py loads it with its consent check)."""
    return LiveState(live.version, live.face, live.rated_at, live.ends_at, live.ended_at)


# --- the therapist's screen ---------------------------------------------------------------------

def current_steps(session: Session, child: Child) -> list[StepLine]:
    """The current step of each of the child's active ladders, oldest ladder first."""
    return [step for ladder in active_ladders(session.connection(), child.id)
            for step in ladder.steps if step.status == "current"]


_TRIES = (select(Practice.id, Practice.practiced_at, Step.title, Practice.fear_before,
                 Practice.fear_after)
          .join(Step, Step.id == Practice.step_id)
          .where(Practice.child_id == bindparam("child_id"), Practice.in_session.is_(True),
                 Practice.practiced_at >= bindparam("since"),
                 Practice.logged_by_id == bindparam("therapist_id"))
          .order_by(Practice.practiced_at.desc(), Practice.id.desc()).limit(20))


def tries_in(session: Session, live: LiveSession) -> list[TryRow]:
    """The brave tries this therapist logged since the session started, newest first."""
    rows = session.connection().execute(_TRIES, {"child_id": live.child_id,
                                                 "since": live.started_at,
                                                 "therapist_id": live.therapist_id})
    return [TryRow(*row) for row in rows]


_STEP = select(Step).options(joinedload(Step.ladder)).where(Step.id == bindparam("step_id"))


def brave_try(session: Session, live: LiveSession, child: Child, therapist: User, *,
              step_id: int, fear_before: int, fear_after: int, key: str) -> Practice:
    """Record a practice of a current step done now, in session (once per form key)."""
    if not is_open(live):
        raise DomainError(ENDED)
    step = session.exec(_STEP, params={"step_id": step_id}).scalars().first()
    if step is None or step.ladder.child_id != child.id or step.status != "current" \
            or step.ladder.status != "active":
        raise DomainError("Choose one of the steps shown.")
    details = practices.PracticeDetails(fear_before=fear_before, fear_after=fear_after,
                                        in_session=True)
    return practices.log_practice(session, child, step, therapist, details, key)
