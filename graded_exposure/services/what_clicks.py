"""What clicks for a child: engagement over recent sessions, the ranking, and the family's copy."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, TherapySession, User
from ..rules.engagement_chart import EngagementChart, engagement_chart
from ..rules.session_record import CUSTOM
from ..rules.what_clicks import SessionFact, WhatClicks, rank_approaches
from ..vocabulary import APPROACHES
from . import audit
from .caseload import active_link

WINDOW = 20  # the latest sessions read: cost does not grow with the child's history
FRIENDLY_MIN_ENGAGEMENT = 3  # "joined in a little" or better on average
CALMING_MIN_ENGAGEMENT = 4  # calming used in sessions where the child joined in
MAX_SHARED = 5
CUSTOM_PREFIX = CUSTOM + ":"

# The child's latest sessions that took place (any linked therapist's), newest first.
_LATEST = (select(TherapySession.held_on, TherapySession.engagement, TherapySession.approaches,
                  TherapySession.custom_approach, TherapySession.calming)
           .where(TherapySession.child_id == bindparam("child_id"),
                  TherapySession.attendance != "cancelled")
           .order_by(TherapySession.held_on.desc(), TherapySession.id.desc()).limit(WINDOW))


@dataclass(frozen=True)
class SessionPoint:
    held_on: date
    engagement: int | None
    approaches: tuple[str, ...]  # labels


@dataclass(frozen=True)
class ChildWhatClicks:
    sessions: list[SessionPoint]  # oldest first
    chart: EngagementChart  # sessions with an engagement level
    ranking: WhatClicks
    friendly: dict[str, list[str]]  # what "Share with family" would share


def approach_label(key: str) -> str:
    """Words for an approach key, or a therapist's own approach's name."""
    return key.removeprefix(CUSTOM_PREFIX) if key.startswith(CUSTOM_PREFIX) else APPROACHES.get(
        key, key)


def _keys(approaches: dict, custom: str) -> frozenset[str]:
    return frozenset(CUSTOM_PREFIX + custom if key == CUSTOM else key for key in approaches)


def for_child(session: Session, child: Child) -> ChildWhatClicks:
    """Load the child's latest sessions (one statement) and say what clicks."""
    rows = list(session.connection().execute(_LATEST, {"child_id": child.id}))[::-1]
    facts = [SessionFact(r.engagement, _keys(r.approaches, r.custom_approach)) for r in rows]
    ranking = rank_approaches(facts)
    calming = Counter(item for r in rows if (r.engagement or 0) >= CALMING_MIN_ENGAGEMENT
                      for item in r.calming)
    calming_first = sorted(calming.items(), key=lambda kv: (-kv[1], kv[0]))
    friendly = {"approaches": [approach_label(s.approach) for s in ranking.ranked
                               if s.mean_engagement >= FRIENDLY_MIN_ENGAGEMENT][:MAX_SHARED],
                "calming": [item for item, _ in calming_first][:MAX_SHARED]}
    if not ranking.speaks or not friendly["approaches"]:
        friendly = {}
    return ChildWhatClicks(
        sessions=[SessionPoint(r.held_on, r.engagement,
                               tuple(sorted(approach_label(k) for k in fact.approaches)))
                  for r, fact in zip(rows, facts, strict=True)],
        chart=engagement_chart([r.engagement for r in rows if r.engagement is not None]),
        ranking=ranking, friendly=friendly)


def share_with_family(session: Session, therapist: User, child: Child, ip: str = "") -> dict:
    """Show the family "What helps <name> join in": what clicks now, in friendly words."""
    active_link(session, therapist, child)
    friendly = for_child(session, child).friendly
    if not friendly:
        raise DomainError(f"There is nothing to share yet: what clicks for "
                          f"{child.display_name} shows after a few more sessions.")
    child.what_helps = friendly
    audit.record(session, "what_helps_shared", actor_id=therapist.id, family_id=child.family_id,
                 subject=f"child:{child.id}", ip=ip)
    session.commit()
    return friendly


def withdraw_from_family(session: Session, therapist: User, child: Child, ip: str = "") -> None:
    """Take "What helps" off the family's screen."""
    active_link(session, therapist, child)
    child.what_helps = {}
    audit.record(session, "what_helps_withdrawn", actor_id=therapist.id,
                 family_id=child.family_id, subject=f"child:{child.id}", ip=ip)
    session.commit()
