"""The private calendar feed written as RFC 5545 text (with the `icalendar` package).

Each reminder becomes one event in the reminder's own time zone: DTSTART with its TZID at the
reminder's wall time on its first occurrence, RRULE FREQ=WEEKLY;BYDAY=... for its weekdays,
UNTIL at its last possible occurrence when it has an end date (in UTC, as RFC 5545 requires
beside a TZID), EXDATE for a snoozed day, and a VTIMEZONE for every zone used. A reminder with
one occurrence only (a therapist's one-off) is a single event without a rule.

A wall time in a spring-forward gap or a fall-back overlap means what rules/schedule.py makes
of it: the UTC offset from before the change. RFC 5545 (3.3.5) reads such times the same way,
so a calendar shows each occurrence at the moment the app sends it.

Events are TRANSPARENT (a reminder does not make anyone busy) and carry no alarm: the app
sends its own reminders, and a calendar alarm beside them would be a second one.
"""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration

from .rules import schedule

PRODID = "-//Brave Steps//Calendar feed//EN"
# Long enough to see in a day view; a reminder itself is a moment.
EVENT_LENGTH = timedelta(minutes=15)
# How often calendar apps are asked to fetch the feed again (those that read the hint).
REFRESH = timedelta(hours=6)
# How far each VTIMEZONE spells out the zone's changes, from the year of its first event.
ZONE_YEARS = 20
_BYDAY = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


@dataclass(frozen=True)
class FeedEvent:
    """One reminder as the feed shows it: words, and its schedule as the reminder stores it."""

    uid: str
    summary: str
    description: str
    url: str
    weekdays: str  # ISO weekday digits, Monday = 1
    local_time: str  # "HH:MM"
    timezone: str
    first_day: date  # the local date of its first occurrence
    ends_on: date | None = None
    skip_date: date | None = None


def _wall_time(day: date, event: FeedEvent) -> datetime:
    """The reminder's wall time on a local date, in its zone (fold=0, as rules/schedule.py)."""
    return datetime.combine(day, schedule.parse_local_time(event.local_time),
                            tzinfo=ZoneInfo(event.timezone))


def _until(event: FeedEvent) -> datetime | None:
    """The moment of the last possible occurrence (on the end date), in UTC."""
    if event.ends_on is None:
        return None
    return schedule.occurrence_utc(event.ends_on, event.local_time, event.timezone)


def _occurrence_days(event: FeedEvent, most: int) -> list[date]:
    """The local dates of the event's first `most` occurrences (before any end date)."""
    start = _wall_time(event.first_day, event).astimezone(UTC)
    until = _until(event)
    end = until + timedelta(microseconds=1) if until else start + timedelta(days=7 * most + 7)
    found = schedule.occurrences(event.weekdays, event.local_time, event.timezone, start, end)
    return [day for day, _due in islice(found, most)]


def occurs_once(event: FeedEvent) -> bool:
    """True when the event has a single occurrence (an end date within its first week)."""
    return event.ends_on is not None and len(_occurrence_days(event, 2)) == 1


def _vevent(event: FeedEvent, stamp: datetime) -> Event | None:
    once = occurs_once(event)
    if once and event.skip_date == event.first_day:
        return None  # its only occurrence was snoozed
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("dtstart", _wall_time(event.first_day, event))
    vevent.add("duration", EVENT_LENGTH)
    if not once:
        rule = {"freq": "weekly", "byday": [_BYDAY[d] for d in
                                            sorted(schedule.parse_weekdays(event.weekdays))]}
        if (until := _until(event)) is not None:
            rule["until"] = until
        vevent.add("rrule", rule)
        if _is_occurrence_day(event, event.skip_date):
            vevent.add("exdate", _wall_time(event.skip_date, event))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    vevent.add("transp", "TRANSPARENT")
    return vevent


def _is_occurrence_day(event: FeedEvent, day: date | None) -> bool:
    return (day is not None and day >= event.first_day
            and (event.ends_on is None or day <= event.ends_on)
            and day.isoweekday() in schedule.parse_weekdays(event.weekdays))


@lru_cache(maxsize=128)
def _vtimezone(tz: str, first_year: int) -> Timezone:
    # Building one takes milliseconds (tens for some zones), and the result never changes:
    # kept, and only ever read (serialised) afterwards.
    return Timezone.from_tzid(tz, first_date=date(first_year, 1, 1),
                              last_date=date(first_year + ZONE_YEARS, 1, 1))


def calendar_bytes(events: list[FeedEvent], *, name: str, stamp: datetime) -> bytes:
    """Return the feed's iCalendar text; `stamp` is when its content last changed (DTSTAMP)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)  # RFC 7986
    calendar.add("x-wr-calname", name)  # what Apple and Google read
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    first_years: dict[str, int] = {}
    for event in events:
        vevent = _vevent(event, stamp)
        if vevent is None:
            continue
        year = first_years.get(event.timezone, event.first_day.year)
        first_years[event.timezone] = min(year, event.first_day.year)
        calendar.add_component(vevent)
    # UTC times are written with a Z and need no VTIMEZONE; every other zone does.
    calendar.subcomponents[:0] = [_vtimezone(tz, first_years[tz])
                                  for tz in sorted(calendar.get_missing_tzids())]
    return calendar.to_ical()
