"""The feed's iCalendar text, read back by `icalendar` and expanded by `recurring_ical_events`:
every occurrence a calendar app would show is one the app sends (rules/schedule.py), across
daylight-saving changes, end dates and snoozes."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from graded_exposure.calendar_ics import FeedEvent, calendar_bytes, occurs_once
from graded_exposure.rules import schedule

STAMP = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)


def event(**fields) -> FeedEvent:
    values = {"uid": "reminder-1@localhost", "summary": "Practice time",
              "description": "Log how it went in Brave Steps. http://localhost/",
              "url": "http://localhost/", "weekdays": "1234567", "local_time": "07:30",
              "timezone": "Europe/London", "first_day": date(2027, 3, 1), **fields}
    return FeedEvent(**values)


def parsed(*events: FeedEvent) -> Calendar:
    return Calendar.from_ical(calendar_bytes(list(events), name="Brave Steps", stamp=STAMP))


def shown(calendar: Calendar, start: datetime, end: datetime) -> list[datetime]:
    """The moments (UTC) a calendar app shows events starting in [start, end)."""
    found = recurring_ical_events.of(calendar).between(start, end)
    return sorted(e.start.astimezone(UTC) for e in found)


def sent(e: FeedEvent, start: datetime, end: datetime) -> list[datetime]:
    """The moments the app sends the reminder in [start, end), from its first day on,
    skipping its snoozed day."""
    moments = []
    start = max(start, schedule.occurrence_utc(e.first_day, e.local_time, e.timezone))
    due = schedule.next_occurrence_utc(e.weekdays, e.local_time, e.timezone,
                                       start - timedelta(microseconds=1), ends_on=e.ends_on)
    while due is not None and due < end:
        if schedule.occurrence_date(due, e.local_time, e.timezone) != e.skip_date:
            moments.append(due)
        due = schedule.next_occurrence_utc(e.weekdays, e.local_time, e.timezone, due,
                                           ends_on=e.ends_on)
    return moments


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (zone, wall time, first day, window): London springs forward on Sun 28 March 2027 (01:00
# becomes 02:00) and falls back on Sun 31 October; New York falls back on Sun 7 November 2027
# (01:00-02:00 happens twice) and springs forward on Sun 14 March.
DST_CASES = [
    ("Europe/London", "07:30", date(2027, 3, 1), utc(2027, 3, 1), utc(2027, 4, 26)),
    ("Europe/London", "01:30", date(2027, 3, 1), utc(2027, 3, 1), utc(2027, 4, 26)),  # in the gap
    ("Europe/London", "01:30", date(2027, 10, 4), utc(2027, 10, 4), utc(2027, 11, 29)),  # twice
    ("America/New_York", "01:30", date(2027, 10, 4), utc(2027, 10, 4), utc(2027, 11, 29)),
    ("America/New_York", "02:30", date(2027, 2, 15), utc(2027, 2, 15), utc(2027, 4, 12)),  # gap
    ("Australia/Sydney", "02:30", date(2027, 9, 13), utc(2027, 9, 13), utc(2027, 11, 8)),
    ("UTC", "18:00", date(2027, 3, 1), utc(2027, 3, 1), utc(2027, 4, 26)),
]


@pytest.mark.parametrize(("tz", "at", "first", "start", "end"), DST_CASES)
@pytest.mark.parametrize("weekdays", ["1234567", "7", "135"])
def test_expanded_events_are_the_moments_the_app_sends(tz, at, first, start, end, weekdays):
    e = event(timezone=tz, local_time=at, weekdays=weekdays, first_day=_first(weekdays, first))
    moments = shown(parsed(e), start, end)
    assert moments == sent(e, start, end)
    assert len(moments) >= 8  # several weeks, across the change


def _first(weekdays: str, on_or_after: date) -> date:
    day = on_or_after
    while day.isoweekday() not in schedule.parse_weekdays(weekdays):
        day += timedelta(days=1)
    return day


def test_the_spring_forward_gap_and_the_fall_back_overlap_fall_where_the_app_puts_them():
    gap = shown(parsed(event(local_time="01:30", first_day=date(2027, 3, 27))),
                utc(2027, 3, 27), utc(2027, 3, 30))
    # 01:30 does not exist on 28 March: 02:30 BST, as the app sends it (01:30 UTC).
    assert gap == [utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 30), utc(2027, 3, 29, 0, 30)]
    overlap = shown(parsed(event(timezone="America/New_York", local_time="01:30",
                                 first_day=date(2027, 11, 6))),
                    utc(2027, 11, 6), utc(2027, 11, 9))
    # 01:30 happens twice on 7 November: the first one (EDT), once.
    assert overlap == [utc(2027, 11, 6, 5, 30), utc(2027, 11, 7, 5, 30), utc(2027, 11, 8, 6, 30)]


def test_the_vtimezone_gives_the_same_offsets_as_zoneinfo():
    """Apps that read the VTIMEZONE rather than the zone's name get the same moments."""
    for tz in ("Europe/London", "America/New_York", "Australia/Sydney"):
        calendar = parsed(event(timezone=tz, first_day=date(2027, 1, 4)))
        (vtimezone,) = calendar.timezones
        assert vtimezone.tz_name == tz
        from_feed, real = vtimezone.to_tz(), ZoneInfo(tz)
        for hours in range(0, 2 * 365 * 24, 5):
            moment = utc(2027, 1, 1) + timedelta(hours=hours)
            assert moment.astimezone(from_feed).utcoffset() == moment.astimezone(real).utcoffset()


def test_an_end_date_stops_the_series_on_that_day():
    e = event(weekdays="12345", first_day=date(2027, 3, 1), ends_on=date(2027, 3, 31))
    calendar = parsed(e)
    moments = shown(calendar, utc(2027, 3, 1), utc(2027, 6, 1))
    assert moments == sent(e, utc(2027, 3, 1), utc(2027, 6, 1))
    assert moments[-1] == utc(2027, 3, 31, 6, 30)  # Wed 31 March, 07:30 BST
    rule = calendar.events[0]["RRULE"]
    assert rule["UNTIL"] == [utc(2027, 3, 31, 6, 30)]  # in UTC, as RFC 5545 wants with a TZID


def test_a_snoozed_day_is_an_exdate():
    e = event(weekdays="135", first_day=date(2027, 3, 1), skip_date=date(2027, 3, 3))
    calendar = parsed(e)
    moments = shown(calendar, utc(2027, 3, 1), utc(2027, 3, 15))
    assert utc(2027, 3, 3, 7, 30) not in moments
    assert moments == sent(e, utc(2027, 3, 1), utc(2027, 3, 15))
    assert "EXDATE;TZID=Europe/London:20270303T073000" in calendar.to_ical().decode()


def test_a_snooze_on_a_day_without_an_occurrence_adds_nothing():
    text = calendar_bytes([event(weekdays="135", skip_date=date(2027, 3, 2))],
                          name="Brave Steps", stamp=STAMP).decode()
    assert "EXDATE" not in text


def test_a_one_off_is_a_single_event_without_a_rule():
    once = event(weekdays="4", local_time="18:00", first_day=date(2027, 3, 4),
                 ends_on=date(2027, 3, 4))
    assert occurs_once(once)
    calendar = parsed(once)
    (vevent,) = calendar.events
    assert "RRULE" not in vevent
    assert shown(calendar, utc(2027, 1, 1), utc(2028, 1, 1)) == [utc(2027, 3, 4, 18, 0)]
    # Snoozed, its only occurrence is gone, and so is the event.
    assert parsed(event(weekdays="4", first_day=date(2027, 3, 4), ends_on=date(2027, 3, 4),
                        skip_date=date(2027, 3, 4))).events == []


def test_calendar_properties_and_event_fields():
    calendar = parsed(event(), event(uid="reminder-2@localhost", timezone="America/New_York"))
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Brave Steps"
    assert sorted(str(t["TZID"]) for t in calendar.timezones) == [
        "America/New_York", "Europe/London"]
    first = calendar.events[0]
    assert str(first["UID"]) == "reminder-1@localhost"
    assert first["DTSTAMP"].dt == STAMP
    assert first["DTSTART"].params["TZID"] == "Europe/London"
    assert str(first["TRANSP"]) == "TRANSPARENT"
    assert "VALARM" not in calendar.to_ical().decode()  # the app sends its own reminders


def test_the_same_events_give_the_same_bytes():
    events = [event(), event(uid="reminder-2@localhost", weekdays="67", local_time="09:00")]
    assert calendar_bytes(events, name="B", stamp=STAMP) == calendar_bytes(
        list(events), name="B", stamp=STAMP)


def test_text_is_escaped_not_split_into_properties():
    hostile = "Sam\r\nDTSTART:19700101T000000Z\nEND:VEVENT;,\\"
    calendar = parsed(event(summary=f"Practice time: {hostile}"))
    (vevent,) = calendar.events
    # Line breaks come back as "\n" (RFC 5545 text has no carriage return), nothing else moves.
    assert str(vevent["SUMMARY"]) == f"Practice time: {hostile}".replace("\r\n", "\n")
    assert len(shown(calendar, utc(2027, 3, 1), utc(2027, 3, 8))) == 7


@settings(max_examples=60, deadline=None)
@given(tz=st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe",
                           "Pacific/Chatham", "America/Sao_Paulo", "Asia/Kolkata", "UTC"]),
       weekdays=st.sets(st.integers(1, 7), min_size=1).map(schedule.normalise_weekdays),
       hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 59]),
       first=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
       weeks=st.integers(1, 10), skip=st.integers(0, 20))
def test_any_schedule_expands_to_what_the_app_sends(tz, weekdays, hour, minute, first, weeks,
                                                    skip):
    first = _first(weekdays, first)
    ends_on = first + timedelta(weeks=weeks) if weeks < 10 else None
    e = event(timezone=tz, weekdays=weekdays, local_time=f"{hour:02d}:{minute:02d}",
              first_day=first, ends_on=ends_on, skip_date=first + timedelta(days=skip))
    start = datetime.combine(first, datetime.min.time(), tzinfo=UTC) - timedelta(days=1)
    end = start + timedelta(weeks=12)
    assert shown(parsed(e), start, end) == sent(e, start, end)
