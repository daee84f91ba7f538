"""When a reminder is due: occurrences per local date with zoneinfo, and quiet hours.

A schedule is a set of ISO weekdays ("12345", Monday = 1), a local wall time ("07:30") and an
IANA time zone. Each local date whose weekday is chosen has exactly one occurrence:

- a wall time that does not exist that day (the spring-forward gap) is moved forward by the
  length of the gap (02:30 becomes 03:30 in New York);
- a wall time that happens twice (the fall-back overlap) means the first of the two.

Both fall out of PEP 495: a local time with fold=0 converts with the offset in force before
the transition. APScheduler's CronTrigger gets both cases wrong, so it is never used per
reminder.
"""
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

WEEKDAY_DIGITS = "1234567"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The widest gap a zone has ever jumped is a day (Samoa, 2011); a week and a day of
# candidate dates is always enough to find the next chosen weekday.
_SEARCH_DAYS = 9


def valid_weekdays(weekdays: str) -> bool:
    """Return True when weekdays is one or more distinct ISO weekday digits (1-7)."""
    return (bool(weekdays) and len(set(weekdays)) == len(weekdays)
            and all(c in WEEKDAY_DIGITS for c in weekdays))


@lru_cache(maxsize=256)
def parse_weekdays(weekdays: str) -> frozenset[int]:
    """Return the ISO weekday numbers in a string such as "135"; ValueError if malformed."""
    if not valid_weekdays(weekdays):
        raise ValueError(f"not a set of ISO weekday digits: {weekdays!r}")
    return frozenset(int(c) for c in weekdays)


def normalise_weekdays(days) -> str:
    """Return chosen ISO weekdays (ints or digit strings) as a sorted digit string."""
    return "".join(sorted({str(int(d)) for d in days}))


def valid_local_time(value: str) -> bool:
    """Return True for a 24-hour "HH:MM" wall time (00:00 to 23:59)."""
    try:
        parse_local_time(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=2048)
def parse_local_time(value: str) -> time:
    """Return the wall time in an "HH:MM" string; ValueError if it is not one."""
    hours, sep, minutes = value.partition(":")
    if not (sep and len(hours) == 2 and len(minutes) == 2 and hours.isdigit()
            and minutes.isdigit()):
        raise ValueError(f"not an HH:MM time: {value!r}")
    return time(int(hours), int(minutes))  # raises ValueError for 25:00 or 12:61


# Cached: a dispatch batch asks the same few (date, time, zone) questions thousands of times.
@lru_cache(maxsize=8192)
def occurrence_utc(day: date, local_time: str, tz: str) -> datetime:
    """Return, in UTC, the one moment a reminder at local_time falls on the local date day."""
    local = datetime.combine(day, parse_local_time(local_time), tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC)  # fold=0: gap shifted forward, overlap takes the first


def occurrence_date(due: datetime, local_time: str, tz: str) -> date:
    """Return the local date whose occurrence is `due` (a gap can push it past midnight)."""
    day = due.astimezone(ZoneInfo(tz)).date()
    if occurrence_utc(day, local_time, tz) != due and occurrence_utc(
            day - timedelta(days=1), local_time, tz) == due:
        return day - timedelta(days=1)
    return day


def next_occurrence_utc(weekdays: str, local_time: str, tz: str, after: datetime, *,
                        ends_on: date | None = None,
                        starts_on: date | None = None) -> datetime | None:
    """Return the first occurrence strictly after `after`, or None when there is none.

    No occurrence falls on a local date before starts_on or after ends_on.
    """
    if after.tzinfo is None:
        raise ValueError("after must be timezone-aware")
    days = parse_weekdays(weekdays) if weekdays else frozenset()
    if not days:
        return None
    # Start a day early: a gap just before midnight can push yesterday's time into today.
    first = after.astimezone(ZoneInfo(tz)).date() - timedelta(days=1)
    if starts_on is not None and starts_on > first:
        first = starts_on
    for offset in range(_SEARCH_DAYS):
        day = first + timedelta(days=offset)
        if ends_on is not None and day > ends_on:
            return None
        if day.isoweekday() in days:
            due = occurrence_utc(day, local_time, tz)
            if due > after:
                return due
    return None


def occurrences(weekdays: str, local_time: str, tz: str, start: datetime,
                end: datetime) -> Iterator[tuple[date, datetime]]:
    """Yield (local date, UTC moment) for every occurrence in [start, end)."""
    due = next_occurrence_utc(weekdays, local_time, tz, start - timedelta(microseconds=1))
    while due is not None and due < end:
        yield occurrence_date(due, local_time, tz), due
        due = next_occurrence_utc(weekdays, local_time, tz, due)


def in_quiet_hours(moment: datetime, tz: str, quiet_start: str, quiet_end: str) -> bool:
    """Return True when the local time of `moment` lies in [quiet_start, quiet_end).

    Quiet hours may wrap midnight (21:00-07:00). Either end empty, or both equal, means
    there are none.
    """
    if not quiet_start or not quiet_end or quiet_start == quiet_end:
        return False
    start, end = parse_local_time(quiet_start), parse_local_time(quiet_end)
    now = moment.astimezone(ZoneInfo(tz)).time()
    if start < end:
        return start <= now < end
    return now >= start or now < end


def describe(weekdays: str, local_time: str) -> str:
    """Say a schedule in words, such as "Mon-Fri at 07:30" or "Every day at 19:00"."""
    days = sorted(parse_weekdays(weekdays))
    if len(days) == 7:
        when = "Every day"
    elif days == [1, 2, 3, 4, 5]:
        when = "Mon-Fri"
    elif days == [6, 7]:
        when = "Weekends"
    else:
        when = ", ".join(WEEKDAY_NAMES[d - 1] for d in days)
    return f"{when} at {local_time}"
