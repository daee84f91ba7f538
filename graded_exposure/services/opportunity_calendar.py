"""The opportunity calendar of one child for one week, read in three statements.

The first record (check-in or practice) bounds the weeks that can be shown; the week's
check-ins and practices are then read as two windows, whatever the history, and handed to the
pure rule in rules/opportunity_calendar.py.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from ..models import Child, DayCheckIn, Practice, Step, utcnow
from ..rules import opportunity_calendar as rule
from ..rules.timezones import local_date, local_midnight
from .insights import load_checkin_facts

_CHILD = bindparam("child_id")
_FIRST_RECORDS = select(
    select(func.min(DayCheckIn.day)).where(DayCheckIn.child_id == _CHILD).scalar_subquery(),
    select(func.min(Practice.practiced_at)).where(Practice.child_id == _CHILD)
    .scalar_subquery())
_WEEK_PRACTICES = (
    select(Practice.practiced_at, Step.title, Practice.outcome, Practice.fear_before,
           Practice.fear_peak)
    .join(Step, Step.id == Practice.step_id)
    .where(Practice.child_id == _CHILD, Practice.practiced_at >= bindparam("begin"),
           Practice.practiced_at < bindparam("end"))
    .order_by(Practice.practiced_at, Practice.id))


@dataclass(frozen=True)
class CalendarPage:
    week: rule.CalendarWeek
    today: date
    previous_week: str | None  # the week before (2026-W48), when it holds anything to show
    following_week: str | None  # the week after, unless this is the current week


def first_record_day(session: Session, child: Child) -> date | None:
    """The local day of the child's first check-in or practice (None before either)."""
    first_checkin, first_practice = session.connection().execute(
        _FIRST_RECORDS, {"child_id": child.id}).one()
    days = [d for d in (first_checkin,
                        first_practice and local_date(first_practice, child.family.timezone))
            if d is not None]
    return min(days, default=None)


def week_practices(session: Session, child: Child, monday: date) -> list[rule.PracticeTry]:
    """The practices of the week starting on `monday`, in the family's local week."""
    tz = child.family.timezone
    begin, end = local_midnight(monday, tz), local_midnight(monday + timedelta(days=7), tz)
    rows = session.connection().execute(_WEEK_PRACTICES,
                                        {"child_id": child.id, "begin": begin, "end": end})
    return [rule.PracticeTry(local_date(at, tz), title, outcome, before, peak)
            for at, title, outcome, before, peak in rows]


def calendar_page(session: Session, child: Child, asked: date | None,
                  today: date | None = None) -> CalendarPage:
    """The week asked for (kept between the first record's week and this week), day by day."""
    today = today or local_date(utcnow(), child.family.timezone)
    first = first_record_day(session, child)
    monday = rule.shown_week(asked, first, today)
    checkins = load_checkin_facts(session, child, monday, monday + timedelta(days=6))
    week = rule.calendar_week(monday, checkins, week_practices(session, child, monday), today)
    earliest, latest = rule.week_range(first, today)
    return CalendarPage(
        week=week, today=today,
        previous_week=rule.iso_week(monday - timedelta(weeks=1)) if monday > earliest else None,
        following_week=rule.iso_week(monday + timedelta(weeks=1))
        if monday < latest else None)
