"""A printable summary of one week for one child: practice, mastery, wins, avoidance."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..models import Child, Ladder, Practice, Step, utcnow
from ..rules import avoidance_trap
from ..rules import opportunity_calendar as calendar_rules
from ..rules.timezones import local_date, local_midnight
from .insights import load_checkin_facts
from .opportunity_calendar import first_record_day


@dataclass
class WeeklySummary:
    start: date
    end: date
    is_current_week: bool
    has_week_before: bool
    practices: list[Practice]
    practice_days: int
    steps_practised: Counter
    steps_mastered: list[Step]
    small_wins: Counter
    avoidance: avoidance_trap.WeekOfAvoidance
    trap_sentence: str


def for_week(session: Session, child: Child, start: date | None = None) -> WeeklySummary:
    """Summarise the week starting on the Monday of `start` (this week when None or future;
    the week of the child's first record when before it)."""
    tz = child.family.timezone
    today = local_date(utcnow(), tz)
    # Kept between the week of the child's first record and this week, as the calendar is.
    first = first_record_day(session, child)
    start = calendar_rules.shown_week(start, first, today)
    earliest, this_week = calendar_rules.week_range(first, today)
    end = start + timedelta(days=6)
    begin_utc, end_utc = local_midnight(start, tz), local_midnight(end + timedelta(days=1), tz)
    practices = list(session.exec(
        select(Practice).where(Practice.child_id == child.id, Practice.practiced_at >= begin_utc,
                               Practice.practiced_at < end_utc)
        .options(selectinload(Practice.step)).order_by(Practice.practiced_at)))
    mastered = list(session.exec(
        select(Step).join(Ladder).where(Ladder.child_id == child.id,
                                        Step.mastered_at >= begin_utc, Step.mastered_at < end_utc)))
    checkins = load_checkin_facts(session, child, start)
    week = avoidance_trap.weekly_avoidance(checkins, end, weeks=1)[0]
    return WeeklySummary(
        start=start, end=end, is_current_week=start == this_week, has_week_before=start > earliest,
        practices=practices,
        practice_days=len({local_date(p.practiced_at, tz) for p in practices}),
        steps_practised=Counter(p.step.title for p in practices),
        steps_mastered=mastered,
        small_wins=Counter(w for p in practices for w in p.small_wins),
        avoidance=week,
        trap_sentence=_week_sentence(week.calm))


def _week_sentence(split: avoidance_trap.CalmSplit) -> str:
    if split.checkins == 0:
        return "No day check-ins this week."
    if split.calm == 0:
        return "No calm days were recorded this week."
    return (f"{split.bought} of {split.calm} calm days this week were days something was avoided "
            f"or accommodated; {split.earned} were earned by facing.")
