"""Boosters after a finished ladder: the offer, the plan and its dated reminders, cancelling.

The relapse check that can reopen the ladder is in services/relapse_checks.py; the dates and
thresholds are rules (rules/boosters.py).
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import delete, func
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import BoosterPlan, Ladder, RelapseCheck, Reminder, Step, User, utcnow
from ..rules import boosters as rules
from ..rules.timezones import local_date
from . import dated_reminders
from .families import caregivers
from .ladders import ensure_changeable
from .reminders import checked_time

KIND = "booster"
NOT_FINISHED = "Boosters start once every step of the ladder is mastered."


@dataclass
class BoosterState:
    """What a finished ladder's page shows: the open plan or the offer, and the last check."""

    completed_on: date
    today: date
    plan: BoosterPlan | None
    dates: list[date]  # the plan's booster days, or those the offer proposes
    offer_time: str  # the time the offer's form starts with
    last_check: RelapseCheck | None
    reopen_at: object | None  # the step the last check would open the ladder again at
    reopen_words: ClassVar[str] = rules.REOPEN_WORDS


def open_plan(session: Session, ladder_id: int) -> BoosterPlan | None:
    """Return the ladder's booster plan that is not cancelled, if there is one."""
    return session.exec(select(BoosterPlan).where(
        BoosterPlan.ladder_id == ladder_id, BoosterPlan.cancelled_at.is_(None))
        .order_by(BoosterPlan.id.desc())).first()


def completion_day(session: Session, ladder: Ladder) -> date:
    """Return the family's local date of the ladder's newest mastery (today if none is noted)."""
    newest = session.exec(select(func.max(Step.mastered_at))
                          .where(Step.ladder_id == ladder.id)).one()
    tz = ladder.child.family.timezone
    return local_date(newest or utcnow(), tz)


def usual_time(session: Session, user: User, child_id: int) -> str:
    """Return the time of the user's practice reminder for the child, else the default."""
    usual = dated_reminders.usual_practice_reminder(session, user.id, child_id)
    return usual.local_time if usual else rules.DEFAULT_TIME


def reopen_step(steps: Sequence[rules.StepLike], check: RelapseCheck):
    """Return the step a check would open the ladder again at (rules.reopen_position)."""
    marked = [s.position for s in steps if s.id in check.hard_step_ids]
    position = rules.reopen_position(steps, marked)
    return next(s for s in steps if s.position == position)


def state_for(session: Session, ladder: Ladder, steps: Sequence[rules.StepLike],
              user: User) -> BoosterState | None:
    """Return what the ladder page shows about boosters; None while the ladder is unfinished.

    Reads nothing for an unfinished ladder, so the usual ladder page costs no more.
    """
    if not rules.is_complete(s.status for s in steps):
        return None
    plan = open_plan(session, ladder.id)
    completed_on = completion_day(session, ladder)
    today = local_date(utcnow(), ladder.child.family.timezone)
    last_check = session.exec(select(RelapseCheck).where(RelapseCheck.ladder_id == ladder.id)
                              .order_by(RelapseCheck.id.desc())).first()
    return BoosterState(
        completed_on=completed_on, today=today, plan=plan,
        dates=plan_dates(plan) if plan else _offered_dates(completed_on, today),
        offer_time=plan.local_time if plan else usual_time(session, user, ladder.child_id),
        last_check=last_check,
        reopen_at=reopen_step(steps, last_check) if last_check else None)


def plan_dates(plan: BoosterPlan) -> list[date]:
    """Return the booster days of a plan."""
    return rules.booster_dates(plan.counted_from)


def _offered_dates(completed_on: date, today: date) -> list[date]:
    return rules.booster_dates(rules.counted_from(completed_on, today))


def accept(session: Session, ladder: Ladder, user: User, local_time: str,
           now: datetime | None = None) -> BoosterPlan:
    """Store a booster plan and its dated reminders for every caregiver; once per ladder.

    A booster whose moment has already passed today is left out; the others stay.
    """
    ensure_changeable(ladder)
    if not rules.is_complete(s.status for s in ladder.steps):
        raise DomainError(NOT_FINISHED)
    local_time = checked_time(local_time)
    existing = open_plan(session, ladder.id)
    if existing is not None:
        return existing  # a second tap, or another caregiver first: one plan
    now = now or utcnow()
    tz = ladder.child.family.timezone
    completed_on = completion_day(session, ladder)
    start = rules.counted_from(completed_on, local_date(now, tz))
    plan = BoosterPlan(ladder_id=ladder.id, child_id=ladder.child_id, counted_from=start,
                       local_time=local_time, created_by_id=user.id, created_at=now)
    people = caregivers(session, ladder.child.family_id)
    created = []
    for day, moment in rules.booster_moments(start, local_time, tz):
        if moment > now:
            created += dated_reminders.remind_on(
                session, people, ladder.child, kind=KIND, on=day, at=local_time,
                created_by_id=user.id, channels=dated_reminders.DEFAULT_CHANNELS,
                message=ladder.goal, now=now)
    if not created:
        raise DomainError("Every booster time has passed. Choose a later time.")
    session.add(plan)
    session.flush()
    plan.reminder_ids = [r.id for r in created]
    session.commit()
    return plan


def cancel(session: Session, ladder: Ladder) -> BoosterPlan | None:
    """Cancel the ladder's open booster plan: its reminders not yet sent are deleted."""
    plan = open_plan(session, ladder.id)
    if plan is None:
        return None
    if plan.reminder_ids:
        # By id, and the child's own: SQLite gives a deleted row's id to the next one made,
        # and a plan's ids would otherwise reach another family's boosters.
        session.execute(delete(Reminder).where(Reminder.id.in_(plan.reminder_ids),
                                            Reminder.child_id == ladder.child_id,
                                            Reminder.kind == KIND,
                                            Reminder.next_due_at.is_not(None)))
    plan.cancelled_at = utcnow()
    session.commit()
    return plan


def newest_open_ladder_id(session: Session, child_id: int) -> int | None:
    """Return the ladder of the child's newest open booster plan (a booster reminder's link)."""
    return session.exec(select(BoosterPlan.ladder_id).where(
        BoosterPlan.child_id == child_id, BoosterPlan.cancelled_at.is_(None))
        .order_by(BoosterPlan.id.desc())).first()
