"""The child view: the few next steps a child sees, stars for brave tries, the way out."""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import selectinload
from sqlmodel import Session, func, select

from ..models import AuditEvent, Child, ChildSummary, Ladder, Practice, Step, User, UserSession
from ..rules import streaks
from ..rules.child_steps import mastered_count, steps_for_child
from . import accounts, audit
from .insights import practice_fact
from .two_voices import TryToRate, try_to_rate_today

MAX_EXIT_TRIES = 5
EXIT_FAILED, EXITED = "child_mode_exit_failed", "child_mode_exited"


@dataclass
class LadderSteps:
    """One active ladder as the child sees it: the current step first, then one or two more."""

    ladder: Ladder
    steps: list[Step]


@dataclass
class ChildPage:
    ladders: list[LadderSteps]
    mastered: int
    stars: int
    to_rate: TryToRate | None = None  # a try logged today that the child has not rated yet


@dataclass
class Stars:
    earned: int
    total: int


@dataclass
class ExitCheck:
    ok: bool
    tries_left: int


def child_page(session: Session, child: Child) -> ChildPage:
    """Return what the child page shows: next steps per active ladder, mastered steps, stars."""
    ladders = list(session.exec(
        select(Ladder).where(Ladder.child_id == child.id)
        .options(selectinload(Ladder.steps)).order_by(Ladder.id)))
    shown = [LadderSteps(ladder, steps_for_child(ladder.steps)) for ladder in ladders
             if ladder.status == "active"]
    return ChildPage(ladders=[item for item in shown if item.steps],
                     mastered=sum(mastered_count(ladder.steps) for ladder in ladders),
                     stars=_total_stars(session, child),
                     to_rate=try_to_rate_today(session, child))


def is_offered(step: Step) -> bool:
    """True when the child page offers this step (active ladder, one of the next few)."""
    return step.ladder.status == "active" and step.id in {
        shown.id for shown in steps_for_child(step.ladder.steps)}


def stars_for_practice(session: Session, child: Child, practice: Practice) -> Stars:
    """Return the stars one practice earned and the child's total."""
    earned = streaks.stars_for(practice_fact(practice, child.family.timezone))
    return Stars(earned=earned, total=_total_stars(session, child))


def check_exit_password(session: Session, user: User, sid: str | None,
                        password: str) -> ExitCheck:
    """Check the caregiver's password to leave child mode; wrong tries are counted and audited.

    Tries are counted in the database (not the cookie), per login session and since the last
    time this caregiver left child mode, so replaying an old cookie cannot reset them.
    """
    if accounts.check_password(user.password_hash, password):
        audit.record(session, EXITED, actor_id=user.id, family_id=user.family_id)
        session.commit()
        return ExitCheck(ok=True, tries_left=MAX_EXIT_TRIES)
    audit.record(session, EXIT_FAILED, actor_id=user.id, family_id=user.family_id)
    session.commit()
    return ExitCheck(ok=False, tries_left=max(MAX_EXIT_TRIES - _failures(session, user, sid), 0))


def _failures(session: Session, user: User, sid: str | None) -> int:
    login = session.get(UserSession, sid) if sid else None
    since = login.created_at if login else datetime.min.replace(tzinfo=UTC)
    last_exit = session.exec(select(func.max(AuditEvent.at)).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == EXITED)).one()
    if last_exit is not None and last_exit > since:
        since = last_exit
    return session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.actor_id == user.id, AuditEvent.action == EXIT_FAILED,
        AuditEvent.at > since)).one()


def _total_stars(session: Session, child: Child) -> int:
    """Every star the child has earned, as the child's summary keeps it (one row, not every
    practice): services/child_summary.py counts them with each practice written."""
    return session.exec(select(ChildSummary.stars).where(
        ChildSummary.child_id == child.id)).first() or 0
