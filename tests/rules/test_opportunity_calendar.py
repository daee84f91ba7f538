"""The opportunity calendar: each day's chances to face the fear, each with one status."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.models import ACCOMMODATION_KINDS, AVOIDANCE_KINDS
from graded_exposure.rules.avoidance_trap import week_start
from graded_exposure.rules.facts import AvoidanceFact, CheckInFact
from graded_exposure.rules.opportunity_calendar import (
    PRACTICE,
    SCHOOL,
    SCHOOL_WEEKDAYS,
    PracticeTry,
    Status,
    calendar_day,
    calendar_week,
    iso_week,
    parse_iso_week,
    shown_week,
    week_range,
)
from graded_exposure.vocabulary import Outcome

MONDAY = date(2026, 11, 23)
TODAY = MONDAY + timedelta(days=3)  # a Thursday


def checkin(day: date, *avoided: AvoidanceFact) -> CheckInFact:
    return CheckInFact(day, 2, tuple(a.kind for a in avoided),
                       tuple(w for a in avoided for w in a.accommodations), tuple(avoided))


def attempt(day: date, outcome=Outcome.DID_IT, title="Walk to the gate") -> PracticeTry:
    return PracticeTry(day, title, outcome, 5, 6)


def statuses(day) -> list[tuple[str, Status]]:
    return [(o.kind, o.status) for o in day.opportunities]


def test_a_school_day_with_a_checkin_and_nothing_avoided_is_faced():
    assert statuses(calendar_day(MONDAY, checkin(MONDAY), [], TODAY)) == [(SCHOOL, Status.FACED)]


def test_a_school_day_without_a_checkin_is_not_recorded_never_faced():
    day = calendar_day(MONDAY, None, [], TODAY)
    assert not day.checked_in and statuses(day) == [(SCHOOL, Status.NOT_RECORDED)]


def test_a_weekend_day_without_a_checkin_has_no_school_and_is_not_checked_in():
    sunday = MONDAY - timedelta(days=1)
    day = calendar_day(sunday, None, [], TODAY)
    assert statuses(day) == [] and not day.checked_in and not day.to_come


def test_school_avoided_and_accommodated_takes_the_place_of_the_school_day():
    day = calendar_day(MONDAY, checkin(MONDAY, AvoidanceFact(SCHOOL, "Tummy ache",
                                                             ("kept_home",))), [], TODAY)
    assert statuses(day) == [(SCHOOL, Status.ACCOMMODATED)]
    assert day.opportunities[0].label == "Tummy ache"
    assert day.opportunities[0].accommodations == ("kept_home",)


def test_an_outing_avoided_without_stepping_in_is_avoided_beside_a_faced_school_day():
    day = calendar_day(MONDAY, checkin(MONDAY, AvoidanceFact("outing")), [], TODAY)
    assert statuses(day) == [(SCHOOL, Status.FACED), ("outing", Status.AVOIDED)]


def test_practices_are_practised_when_tried_and_avoided_when_not():
    tries = [attempt(MONDAY), attempt(MONDAY, Outcome.LEFT_EARLY),
             attempt(MONDAY, Outcome.DID_NOT_TRY), attempt(MONDAY + timedelta(days=1))]
    day = calendar_day(MONDAY, None, tries, TODAY)
    assert statuses(day) == [(SCHOOL, Status.NOT_RECORDED), (PRACTICE, Status.PRACTISED),
                             (PRACTICE, Status.PRACTISED), (PRACTICE, Status.AVOIDED)]
    assert day.opportunities[1].label == "Walk to the gate"


def test_days_after_today_are_still_to_come_whatever_was_stored():
    friday = TODAY + timedelta(days=1)
    day = calendar_day(friday, checkin(friday, AvoidanceFact("outing")), [attempt(friday)], TODAY)
    assert day.to_come and day.opportunities == () and not day.checked_in


def test_a_week_runs_monday_to_sunday_and_counts_its_statuses():
    week = calendar_week(TODAY, [checkin(MONDAY), checkin(MONDAY + timedelta(days=2),
                                                           AvoidanceFact(SCHOOL))],
                         [attempt(MONDAY + timedelta(days=1))], TODAY)
    assert week.start == MONDAY and [d.day.weekday() for d in week.days] == list(range(7))
    assert week.days_checked_in == 2
    assert week.counts == {Status.FACED: 1, Status.NOT_RECORDED: 2, Status.AVOIDED: 1,
                           Status.PRACTISED: 1}


def test_school_days_are_monday_to_friday():
    assert SCHOOL_WEEKDAYS == (0, 1, 2, 3, 4)


_DAYS = st.integers(0, 6).map(lambda n: MONDAY + timedelta(days=n))
_AVOIDANCES = st.builds(AvoidanceFact, st.sampled_from(AVOIDANCE_KINDS), st.text(max_size=5),
                        st.lists(st.sampled_from(ACCOMMODATION_KINDS), max_size=2).map(tuple))
_CHECKINS = st.dictionaries(_DAYS, st.lists(_AVOIDANCES, max_size=3), max_size=7).map(
    lambda found: [checkin(day, *avoided) for day, avoided in found.items()])
_TRIES = st.lists(st.builds(attempt, _DAYS, st.sampled_from(list(Outcome))), max_size=8)
_TODAYS = st.integers(-3, 10).map(lambda n: MONDAY + timedelta(days=n))


@given(_CHECKINS, _TRIES, _TODAYS)
def test_every_opportunity_has_exactly_one_status_and_each_is_counted(checkins, tries, today):
    week = calendar_week(MONDAY, checkins, tries, today)
    opportunities = [o for d in week.days for o in d.opportunities]
    assert all(isinstance(o.status, Status) for o in opportunities)
    assert sum(week.counts.values()) == len(opportunities)


@given(_CHECKINS, _TRIES, _TODAYS)
def test_a_day_nobody_recorded_never_counts_as_faced(checkins, tries, today):
    recorded = {c.day for c in checkins}
    for day in calendar_week(MONDAY, checkins, tries, today).days:
        if day.day not in recorded:
            assert not day.checked_in
            assert Status.FACED not in {o.status for o in day.opportunities}


@given(_CHECKINS, _TRIES, _TODAYS)
def test_each_day_holds_exactly_what_was_recorded_on_it(checkins, tries, today):
    by_day = {c.day: c for c in checkins}
    for day in calendar_week(MONDAY, checkins, tries, today).days:
        if day.day > today:
            assert day.to_come and not day.opportunities
            continue
        avoided = by_day[day.day].details if day.day in by_day else ()
        school_day = day.day.weekday() in SCHOOL_WEEKDAYS and SCHOOL not in {a.kind for a in avoided}
        practised = [t for t in tries if t.day == day.day]
        assert len(day.opportunities) == len(avoided) + len(practised) + school_day
        faced = [o for o in day.opportunities if o.status == Status.FACED]
        assert len(faced) == (school_day and day.day in by_day)


@given(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_an_iso_week_reads_back_as_its_monday(day):
    assert parse_iso_week(iso_week(day)) == week_start(day)


def test_unreadable_weeks_are_none():
    for text in ("", "2026", "2026-W", "2026-W00", "2026-W54", "2025-W53", "0000-W01",
                 "2026-w49", "２０２６-W01", " 2026-W49x", "2026-W4", "9" * 40):
        assert parse_iso_week(text) is None, text
    assert parse_iso_week("2026-W53") == date(2026, 12, 28)  # 2026 has 53 ISO weeks


@given(st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1)),
       st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1)), _TODAYS)
def test_the_shown_week_is_a_monday_between_the_first_record_and_this_week(asked, first, today):
    shown = shown_week(asked, first, today)
    earliest, latest = week_range(first, today)
    assert shown.weekday() == 0 and earliest <= shown <= latest == week_start(today)
    if asked is None or first is None:
        assert shown == latest
