"""The opportunity calendar: each day's chances to face the fear, and what became of each.

Definitions (shown to families in plain words on the calendar page):
- An *opportunity* is one chance to face the fear on one local day: each thing the day's
  check-in says was avoided, each practice logged, and a school day (SCHOOL_WEEKDAYS, Monday
  to Friday) on which school was not among the things avoided.
- Each opportunity has exactly one status:
  - *practised*: a ladder step was tried (did it, partly, or left early);
  - *faced*: a school day whose check-in lists nothing avoided about school;
  - *accommodated*: something avoided where the family stepped in (kept home, excused…);
  - *avoided*: something avoided with no stepping in noted, or a practice not tried;
  - *not recorded*: a school day with no check-in. We never guess: a day nobody recorded is
    never counted as calm or faced.
- Days after today are still to come and hold no opportunities.
- Weeks run Monday to Sunday in the family's local calendar (avoidance_trap.week_start), from
  the week of the first check-in or practice up to the current week.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .avoidance_trap import week_start
from .facts import TRIED_OUTCOMES, AvoidanceFact, CheckInFact

# Weekdays (Monday = 0) that count as school days when the check-in does not mention school.
SCHOOL_WEEKDAYS = (0, 1, 2, 3, 4)
SCHOOL = "school"
PRACTICE = "practice"
_ISO_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")


class Status(StrEnum):
    """What became of one opportunity."""

    PRACTISED = "practised"
    FACED = "faced"
    ACCOMMODATED = "accommodated"
    AVOIDED = "avoided"
    NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class PracticeTry:
    """A practice, dated on the family's local calendar, with its step's title."""

    day: date
    step_title: str
    outcome: str
    fear_before: int
    fear_peak: int


@dataclass(frozen=True)
class Opportunity:
    kind: str  # SCHOOL, PRACTICE, or a kind of avoidance
    status: Status
    label: str = ""  # the family's note, or the step's title
    accommodations: tuple[str, ...] = ()
    practice: PracticeTry | None = None


@dataclass(frozen=True)
class CalendarDay:
    day: date
    checked_in: bool
    to_come: bool  # after today: nothing to show yet
    opportunities: tuple[Opportunity, ...]


@dataclass(frozen=True)
class CalendarWeek:
    start: date
    days: tuple[CalendarDay, ...]
    counts: Counter  # Status -> opportunities of the week with it

    @property
    def days_checked_in(self) -> int:
        return sum(1 for d in self.days if d.checked_in)


def avoidance_status(avoidance: AvoidanceFact) -> Status:
    """Accommodated when the family noted how they stepped in, else avoided."""
    return Status.ACCOMMODATED if avoidance.accommodations else Status.AVOIDED


def practice_status(attempt: PracticeTry) -> Status:
    """Practised when the step was tried at all, else avoided (not tried this time)."""
    return Status.PRACTISED if attempt.outcome in TRIED_OUTCOMES else Status.AVOIDED


def school_day_status(checkin: CheckInFact | None) -> Status:
    """A school day school was not avoided on: faced if checked in, else not recorded."""
    return Status.FACED if checkin is not None else Status.NOT_RECORDED


def calendar_day(day: date, checkin: CheckInFact | None, attempts: list[PracticeTry],
                 today: date) -> CalendarDay:
    """Every opportunity of one day, each with its status (none for a day still to come)."""
    if day > today:
        return CalendarDay(day, checked_in=False, to_come=True, opportunities=())
    avoided = checkin.details if checkin else ()
    found = [Opportunity(a.kind, avoidance_status(a), a.note, a.accommodations)
             for a in avoided]
    if day.weekday() in SCHOOL_WEEKDAYS and not any(a.kind == SCHOOL for a in avoided):
        found.insert(0, Opportunity(SCHOOL, school_day_status(checkin)))
    found += [Opportunity(PRACTICE, practice_status(a), a.step_title, practice=a)
              for a in attempts if a.day == day]
    return CalendarDay(day, checked_in=checkin is not None, to_come=False,
                       opportunities=tuple(found))


def calendar_week(start: date, checkins: list[CheckInFact], attempts: list[PracticeTry],
                  today: date) -> CalendarWeek:
    """The week (Monday to Sunday) holding `start`, day by day, with its statuses counted."""
    monday = week_start(start)
    by_day = {c.day: c for c in checkins}
    days = tuple(calendar_day(monday + timedelta(days=n), by_day.get(monday + timedelta(days=n)),
                              attempts, today) for n in range(7))
    counts = Counter(o.status for d in days for o in d.opportunities)
    return CalendarWeek(monday, days, counts)


def parse_iso_week(text: str) -> date | None:
    """The Monday of an ISO week written like 2026-W49, or None when it is not one."""
    matched = _ISO_WEEK.fullmatch(text)
    if not matched:
        return None
    try:
        return date.fromisocalendar(int(matched[1]), int(matched[2]), 1)
    except ValueError:
        return None


def iso_week(day: date) -> str:
    """The ISO week holding `day`, written like 2026-W49."""
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def week_range(first: date | None, today: date) -> tuple[date, date]:
    """The Mondays of the first and last weeks that can be shown: from the week of the first
    record (check-in or practice) to the current week; only the current week before any."""
    latest = week_start(today)
    return (week_start(min(first, today)) if first else latest), latest


def shown_week(asked: date | None, first: date | None, today: date) -> date:
    """The Monday of the week to show: the asked week kept within week_range, or the current
    week when none was asked."""
    earliest, latest = week_range(first, today)
    return latest if asked is None else max(earliest, min(week_start(asked), latest))
