"""Template filters: all registered in one place, each saying stored words as people read them."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from graded_exposure.views import filters

IN_2026 = datetime(2026, 6, 1, 12, tzinfo=UTC)  # "this year", for the dates below


def test_every_filter_is_registered_under_its_name(app):
    for function in filters.FILTERS:
        assert app.jinja_env.filters[function.__name__] is function


@pytest.mark.parametrize(("weekdays", "words"), [
    ("1234567", "Every day"), ("12345", "Mon to Fri"), ("67", "Sat and Sun"), ("13", "Mon, Wed")])
def test_reminder_days_in_words(weekdays, words):
    assert filters.reminder_days(weekdays) == words


def test_unknown_stored_words_are_shown_as_they_are():
    assert filters.outcome_label("odd") == "odd" and filters.reminder_kind("odd") == "odd"
    assert filters.channel_name("odd") == "odd" and filters.win_label("odd") == "odd"


@time_machine.travel(IN_2026, tick=False)
def test_dates_in_a_given_zone_and_short(app):
    moment = datetime(2026, 5, 5, 13, 5, tzinfo=UTC)
    with app.test_request_context():
        assert filters.zoned_when(moment, "Europe/London") == "Tue 5 May, 14:05"
        assert filters.local_when(moment) == "Tue 5 May 2026, 13:05 UTC"
    assert filters.short_day(date(2026, 5, 5)) == "Tue 5 May" and filters.short_day(None) == ""


ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")


@time_machine.travel(datetime(2026, 12, 4, 0, 30, tzinfo=UTC), tick=False)
def test_a_day_of_another_year_says_its_year(app):
    # Found from outside: "Last activity: Sun 28 Dec, 04:26" beside "No practice logged for
    # 340 days" (it was 2025).
    assert filters.short_day(date(2025, 12, 28)) == "Sun 28 Dec 2025"
    assert filters.short_day(date(2027, 1, 4)) == "Mon 4 Jan 2027"
    assert filters.short_day(date(2026, 1, 1)) == "Thu 1 Jan"
    moment = datetime(2025, 12, 28, 4, 26, tzinfo=UTC)
    assert filters.zoned_when(moment, "UTC") == "Sun 28 Dec 2025, 04:26"


@pytest.mark.parametrize("zone", ZONES)
@time_machine.travel(IN_2026, tick=False)
def test_days_and_times_are_written_as_strftime_writes_them(app, zone):
    # Every weekday and month, hours and minutes either side of ten, across both DST changes.
    moments = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=37 * n, minutes=7 * n)
               for n in range(300)]
    zoned = ZoneInfo(zone)
    for moment in moments:
        local = moment.astimezone(zoned)
        year = "" if local.year == IN_2026.year else f" {local.year}"
        assert filters.zoned_when(moment, zone) == f"{local:%a} {local.day} {local:%b}{year}, " \
                                                   f"{local:%H:%M}"
        assert filters.short_day(local.date()) == f"{local:%a} {local.day} {local:%b}{year}"
    assert {m.astimezone(zoned).strftime("%a %b") for m in moments} >= {"Mon Jan", "Sun Dec"}
    with app.test_request_context():  # nobody logged in: UTC, said so
        for moment in moments[:50]:
            assert filters.local_when(moment) == moment.strftime("%a %-d %b %Y, %H:%M UTC")
            assert filters.local_when(moment, with_time=False) == moment.strftime("%-d %b %Y")


def test_machine_time_has_no_microseconds_which_html_forbids():
    moment = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    assert filters.machine_time(moment) == "2026-05-06T07:08:09+00:00"
    assert filters.machine_time(date(2026, 5, 6)) == "2026-05-06"
