"""Occurrences per local date across daylight-saving changes, parsing, and quiet hours."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graded_exposure.rules import schedule


@pytest.mark.parametrize(("weekdays", "ok"), [
    ("12345", True), ("7", True), ("1234567", True), ("", False), ("8", False), ("0", False),
    ("112", False), ("1a", False), ("1 2", False), ("12345678", False),
])
def test_valid_weekdays(weekdays, ok):
    assert schedule.valid_weekdays(weekdays) is ok


def test_parse_and_normalise_weekdays():
    assert schedule.parse_weekdays("531") == {1, 3, 5}
    assert schedule.normalise_weekdays([5, "1", 3, 3]) == "135"
    with pytest.raises(ValueError):
        schedule.parse_weekdays("19")


@pytest.mark.parametrize("value", ["25:00", "24:00", "12:60", "7:30", "0730", "", "ab:cd",
                                   "07:3", "-1:30", "07:30:00", " 7:30"])
def test_bad_local_times_are_refused(value):
    assert not schedule.valid_local_time(value)
    with pytest.raises(ValueError):
        schedule.parse_local_time(value)


@pytest.mark.parametrize(("value", "parsed"), [("00:00", time(0, 0)), ("07:30", time(7, 30)),
                                               ("23:59", time(23, 59))])
def test_good_local_times(value, parsed):
    assert schedule.parse_local_time(value) == parsed


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_next_occurrence_skips_the_weekend_and_is_strictly_after():
    friday_0730 = utc(2026, 6, 5, 6, 30)  # 07:30 BST
    assert schedule.next_occurrence_utc("12345", "07:30", "Europe/London",
                                        utc(2026, 6, 5, 6, 0)) == friday_0730
    assert schedule.next_occurrence_utc("12345", "07:30", "Europe/London",
                                        friday_0730) == utc(2026, 6, 8, 6, 30)  # Monday


def test_next_occurrence_respects_ends_on_and_empty_days():
    after = utc(2026, 6, 5, 8, 0)
    assert schedule.next_occurrence_utc("12345", "07:30", "Europe/London", after,
                                        ends_on=date(2026, 6, 7)) is None
    assert schedule.next_occurrence_utc("", "07:30", "Europe/London", after) is None
    with pytest.raises(ValueError):
        schedule.next_occurrence_utc("1", "07:30", "UTC", datetime(2026, 6, 5, 8, 0))


@settings(max_examples=200, deadline=None)
@given(tz=st.sampled_from(["Europe/London", "America/New_York", "Australia/Sydney", "UTC"]),
       after=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1),
                          timezones=st.just(UTC)),
       ahead=st.integers(0, 70), wall=st.sampled_from(["00:30", "02:30", "07:30", "23:59"]))
def test_a_dated_one_off_falls_on_its_date_only(tz, after, ahead, wall):
    on = after.astimezone(ZoneInfo(tz)).date() + timedelta(days=ahead)
    due = schedule.next_occurrence_utc(str(on.isoweekday()), wall, tz, after,
                                       starts_on=on, ends_on=on)
    # Its date, never a week before it (as a weekly schedule on that weekday would give).
    assert due is None or schedule.occurrence_date(due, wall, tz) == on
    if due is not None:
        assert due > after
        assert schedule.next_occurrence_utc(str(on.isoweekday()), wall, tz, due,
                                            starts_on=on, ends_on=on) is None
    elif ahead >= 2:
        raise AssertionError("a date two days ahead always has its occurrence")


# (zone, local date of the change, wall time, the UTC moment it must give): in the gap the
# time moves forward by the gap; in the overlap the first of the two moments is used.
EDGE_TIMES = [
    ("Europe/London", date(2026, 3, 29), "01:30", utc(2026, 3, 29, 1, 30)),   # 02:30 BST
    ("Europe/London", date(2026, 10, 25), "01:30", utc(2026, 10, 25, 0, 30)),  # first, BST
    ("America/New_York", date(2026, 3, 8), "02:30", utc(2026, 3, 8, 7, 30)),  # 03:30 EDT
    ("America/New_York", date(2026, 11, 1), "01:30", utc(2026, 11, 1, 5, 30)),  # first, EDT
    ("Australia/Sydney", date(2026, 10, 4), "02:30", utc(2026, 10, 3, 16, 30)),  # 03:30 AEDT
    ("Australia/Sydney", date(2026, 4, 5), "02:30", utc(2026, 4, 4, 15, 30)),  # first, AEDT
]


@pytest.mark.parametrize(("tz", "day", "wall", "expected"), EDGE_TIMES)
def test_gap_moves_forward_and_overlap_takes_the_first(tz, day, wall, expected):
    assert schedule.occurrence_utc(day, wall, tz) == expected
    start = datetime.combine(day - timedelta(days=1), time(12), ZoneInfo(tz))
    found = list(schedule.occurrences("1234567", wall, tz, start, start + timedelta(days=2)))
    assert [d for d, _ in found] == [day, day + timedelta(days=1)]
    assert found[0][1] == expected
    assert schedule.occurrence_date(expected, wall, tz) == day


TRANSITIONS = [(tz, day) for tz, day, _, _ in EDGE_TIMES]


@pytest.mark.parametrize(("tz", "day"), TRANSITIONS)
def test_0730_every_day_across_a_change_is_0730_local_once_a_day(tz, day):
    zone = ZoneInfo(tz)
    start = datetime.combine(day - timedelta(days=3), time.min, zone)
    found = list(schedule.occurrences("1234567", "07:30", tz, start, start + timedelta(days=7)))
    assert [d for d, _ in found] == [day + timedelta(days=n) for n in range(-3, 4)]
    assert all(due.astimezone(zone).time() == time(7, 30) for _, due in found)
    assert all(due.astimezone(zone).date() == d for d, due in found)


def test_a_skipped_calendar_day_gives_no_second_reminder():
    # Samoa skipped 30 December 2011 entirely; that date's 07:30 is the 31st's 07:30.
    found = list(schedule.occurrences("1234567", "07:30", "Pacific/Apia",
                                      utc(2011, 12, 28), utc(2012, 1, 2)))
    dues = [due for _, due in found]
    assert len(dues) == len(set(dues))
    assert date(2011, 12, 31) in [d for d, _ in found]


ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
         "America/Santiago", "Asia/Kolkata", "Pacific/Chatham", "UTC"]


@settings(max_examples=200, deadline=None)
@given(tz=st.sampled_from(ZONES),
       after=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1),
                          timezones=st.just(UTC)),
       days=st.sets(st.integers(1, 7), min_size=1).map(schedule.normalise_weekdays),
       hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 59]))
def test_occurrences_are_once_per_chosen_local_date(tz, after, days, hour, minute):
    wall = f"{hour:02d}:{minute:02d}"
    found = list(schedule.occurrences(days, wall, tz, after, after + timedelta(days=15)))
    dates = [d for d, _ in found]
    assert len(dates) == len(set(dates))
    assert all(d.isoweekday() in schedule.parse_weekdays(days) for d in dates)
    assert all(due >= after for _, due in found)
    assert [due for _, due in found] == sorted(due for _, due in found)
    for d, due in found:
        local = due.astimezone(ZoneInfo(tz))
        # At the wall time, or moved forward by at most the gap (one hour, half on Lord Howe).
        shift = datetime.combine(local.date(), local.time()) - datetime.combine(
            d, schedule.parse_local_time(wall))
        assert timedelta(0) <= shift <= timedelta(hours=1)


@pytest.mark.parametrize(("local", "start", "end", "quiet"), [
    ("22:00", "21:00", "07:00", True),
    ("06:59", "21:00", "07:00", True),
    ("21:00", "21:00", "07:00", True),
    ("07:00", "21:00", "07:00", False),
    ("12:00", "21:00", "07:00", False),
    ("13:30", "13:00", "14:00", True),
    ("14:00", "13:00", "14:00", False),
    ("12:59", "13:00", "14:00", False),
    ("22:00", "", "07:00", False),
    ("22:00", "", "", False),
    ("22:00", "07:00", "07:00", False),
])
def test_quiet_hours(local, start, end, quiet):
    zone = ZoneInfo("America/New_York")
    moment = datetime.combine(date(2026, 1, 15), schedule.parse_local_time(local), zone)
    assert schedule.in_quiet_hours(moment.astimezone(UTC), "America/New_York", start,
                                   end) is quiet


@pytest.mark.parametrize(("weekdays", "words"), [
    ("1234567", "Every day at 07:30"), ("12345", "Mon-Fri at 07:30"),
    ("67", "Weekends at 07:30"), ("135", "Mon, Wed, Fri at 07:30"),
])
def test_describe(weekdays, words):
    assert schedule.describe(weekdays, "07:30") == words
