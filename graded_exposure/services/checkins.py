"""Day check-ins: one per child per local day, editable, safe to submit twice."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import (
    ACCOMMODATION_KINDS,
    AVOIDANCE_KINDS,
    Avoidance,
    Child,
    DayCheckIn,
    User,
    utcnow,
)
from ..rules.timezones import local_date
from ..vocabulary import PlanKept
from .plan_progress import PlanDayInput, stage_plan_day

OLDEST_EDITABLE_DAYS = 60


@dataclass
class AvoidanceInput:
    kind: str
    description: str = ""
    accommodations: list[str] = field(default_factory=list)


@dataclass
class CheckInInput:
    day: date
    child_distress: int
    caregiver_distress: int
    avoidances: list[AvoidanceInput] = field(default_factory=list)
    plan_day: PlanDayInput | None = None  # the running plan's answers, when given
    hopeless_words: bool = False  # the child said things like "nothing will help"


def today_for(child: Child) -> date:
    """Return today's date in the child's family time zone."""
    return local_date(utcnow(), child.family.timezone)


def _validate(child: Child, data: CheckInInput) -> None:
    today = today_for(child)
    if data.day > today:
        raise DomainError("A check-in cannot be for a day that has not happened yet.")
    if data.day < today - timedelta(days=OLDEST_EDITABLE_DAYS):
        raise DomainError("Check-ins can be added or changed for the last "
                          f"{OLDEST_EDITABLE_DAYS} days.")
    plan = data.plan_day
    scores = (data.child_distress, data.caregiver_distress,
              *((plan.child_upset, plan.parent_hard) if plan else ()))
    for score in scores:
        if score is not None and not 0 <= score <= 10:
            raise DomainError("Ratings go from 0 to 10.")
    if plan and (plan.kept not in tuple(PlanKept) or len(plan.helped) > 200):
        raise DomainError("Answer the plan questions from the choices, briefly.")
    kinds = [a.kind for a in data.avoidances]
    if len(set(kinds)) != len(kinds) or not set(kinds) <= set(AVOIDANCE_KINDS):
        raise DomainError("Choose each kind of avoidance from the list, once.")
    for a in data.avoidances:
        if not set(a.accommodations) <= set(ACCOMMODATION_KINDS):
            raise DomainError("Choose accommodations from the list.")
        if len(a.description) > 200:
            raise DomainError("Keep each description under 200 characters.")


# Reloads a check-in's avoidances as they are now, over what the session held.
_WITH_AVOIDANCES = (select(DayCheckIn).options(selectinload(DayCheckIn.avoidances))
                    .execution_options(populate_existing=True))


def _day_row(session: Session, child: Child, day: date) -> DayCheckIn | None:
    return session.exec(select(DayCheckIn).where(DayCheckIn.child_id == child.id,
                                                 DayCheckIn.day == day)).first()


def checkin_for_day(session: Session, child: Child, day: date) -> DayCheckIn | None:
    """Return the child's check-in for a local day, if there is one."""
    return session.exec(select(DayCheckIn).where(DayCheckIn.child_id == child.id,
                                                 DayCheckIn.day == day)
                        .options(selectinload(DayCheckIn.avoidances))).first()


def save_checkin(session: Session, child: Child, user: User, data: CheckInInput,
                 idempotency_key: str, *, again: bool = False) -> DayCheckIn:
    """Create or replace the child's check-in for data.day; a repeated key changes nothing.

    The key is looked up before the form is checked: a form saved once and sent again later
    (a retry, a phone's queue) finds its check-in, whatever would be refused about it now.
    """
    repeat = _stored_with(session, idempotency_key)
    if repeat is not None:
        if repeat.child_id != child.id:
            raise DomainError("This form was already used. Reload the page and try again.")
        return repeat
    _validate(child, data)
    checkin = (_day_row(session, child, data.day)
               or DayCheckIn(child_id=child.id, day=data.day))
    checkin.child_distress = data.child_distress
    checkin.caregiver_distress = data.caregiver_distress
    checkin.hopeless_words = data.hopeless_words
    checkin.logged_by_id, checkin.idempotency_key = user.id, idempotency_key
    checkin.updated_at = utcnow()
    session.add(checkin)
    try:
        # Write the check-in first: that takes the write lock (SQLite) or the row's lock
        # (PostgreSQL), so the avoidances replaced next are read after any twin writer's
        # commit, never before it (two writers would otherwise both keep theirs).
        session.flush()
        session.exec(_WITH_AVOIDANCES.where(DayCheckIn.id == checkin.id)).one()
        checkin.avoidances = [Avoidance(kind=a.kind, description=a.description.strip(),
                                        accommodations=list(a.accommodations))
                              for a in data.avoidances]
        if data.plan_day is not None:
            stage_plan_day(session, child, user, data.day, data.plan_day)
        session.commit()
    except IntegrityError:
        session.rollback()
        if again or _stored_with(session, idempotency_key) is not None:
            # The same form sent twice at once: the twin stored it; nothing more to store.
            return checkin_for_day(session, child, data.day)
        # Another check-in (another caregiver's phone) took the day first: this one replaces
        # it, as it would have a moment later. The day's row is there now: an update.
        return save_checkin(session, child, user, data, idempotency_key, again=True)
    return checkin


def _stored_with(session: Session, idempotency_key: str) -> DayCheckIn | None:
    """The check-in a form with this key stored, if one did."""
    return session.exec(select(DayCheckIn).where(
        DayCheckIn.idempotency_key == idempotency_key)).first()


def recent_checkins(session: Session, child: Child, since: date) -> list[DayCheckIn]:
    """Return the child's check-ins from `since` on, with their avoidances, oldest first."""
    stmt = (select(DayCheckIn).where(DayCheckIn.child_id == child.id, DayCheckIn.day >= since)
            .options(selectinload(DayCheckIn.avoidances)).order_by(DayCheckIn.day))
    return list(session.exec(stmt))
