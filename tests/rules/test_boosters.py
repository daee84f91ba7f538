"""Booster dates from the finishing day, on their local dates across clock changes; the quick
check's score and the step a ladder opens again at."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import boosters as rules
from graded_exposure.rules.schedule import occurrence_date

# Zones with clock changes both ways, in both hemispheres, and one with a half-hour change.
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "Pacific/Auckland",
         "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
times = st.builds(lambda h, m: f"{h:02}:{m:02}", st.integers(0, 23), st.integers(0, 59))
days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


@dataclass
class S:
    id: int
    position: int
    status: str = "mastered"


def _wall_time_exists(day: date, at: str, tz: str) -> bool:
    naive = datetime.combine(day, datetime.strptime(at, "%H:%M").time())
    aware = naive.replace(tzinfo=ZoneInfo(tz))
    return aware.astimezone(UTC).astimezone(ZoneInfo(tz)).replace(tzinfo=None) == naive


def test_boosters_fall_1_2_4_and_8_weeks_after_the_finishing_day():
    assert rules.booster_dates(date(2026, 10, 20)) == [
        date(2026, 10, 27), date(2026, 11, 3), date(2026, 11, 17), date(2026, 12, 15)]


def test_a_booster_after_the_autumn_change_keeps_its_wall_time():
    # London leaves summer time on 25 October 2026: before it 18:00 is 17:00 UTC, after it 18:00.
    moments = rules.booster_moments(date(2026, 10, 20), "18:00", "Europe/London")
    assert moments[0] == (date(2026, 10, 27), datetime(2026, 10, 27, 18, 0, tzinfo=UTC))
    assert rules.booster_moments(date(2026, 10, 13), "18:00", "Europe/London")[0][1] == (
        datetime(2026, 10, 20, 17, 0, tzinfo=UTC))


def test_a_booster_in_the_spring_gap_moves_forward_by_the_gap_on_its_own_date():
    # New York springs forward at 02:00 on 14 March 2027: 02:30 does not exist, 03:30 EDT does.
    [(day, moment), *_] = rules.booster_moments(date(2027, 3, 7), "02:30", "America/New_York")
    assert day == date(2027, 3, 14)
    assert moment == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)


@given(days, times, st.sampled_from(ZONES))
def test_each_booster_lands_on_its_local_date_at_its_local_wall_time(completed_on, at, tz):
    moments = rules.booster_moments(completed_on, at, tz)
    assert [day for day, _ in moments] == rules.booster_dates(completed_on)
    for (day, moment), weeks in zip(moments, rules.BOOSTER_WEEKS, strict=True):
        assert (day - completed_on).days == 7 * weeks
        assert occurrence_date(moment, at, tz) == day
        local = moment.astimezone(ZoneInfo(tz))
        if _wall_time_exists(day, at, tz):
            assert (local.date(), f"{local.hour:02}:{local.minute:02}") == (day, at)
        else:  # the spring-forward gap: later the same day, by the gap, never earlier
            assert local.date() == day and local.strftime("%H:%M") > at
    assert [m for _, m in moments] == sorted(m for _, m in moments)


@given(days, st.integers(-100, 100))
def test_boosters_count_from_the_finishing_day_until_its_last_booster_has_passed(done, gap):
    today = done + timedelta(days=gap)
    start = rules.counted_from(done, today)
    last = rules.booster_dates(start)[-1]
    assert last > today or start == today
    assert start == (done if rules.booster_dates(done)[-1] > today else today)


def test_a_ladder_is_complete_only_with_steps_all_mastered():
    assert rules.is_complete(["mastered", "mastered"])
    assert not rules.is_complete([])
    assert not rules.is_complete(["mastered", "current"])
    assert not rules.is_complete(["mastered", "upcoming"])


@pytest.mark.parametrize(("answers", "back"), [
    ((0, 0, 0), False), ((1, 0, 0), False), ((1, 1, 0), False), ((0, 1, 1), False),
    ((1, 1, 1), True), ((2, 0, 0), True), ((0, 2, 0), True), ((0, 0, 3), True),
])
def test_creeping_back_at_one_yes_or_three_in_all(answers, back):
    assert rules.is_creeping_back(rules.RelapseAnswers(*answers)) is back


answer = st.integers(0, rules.ANSWER_MAX)


@given(answer, answer, answer, st.integers(0, 2), st.integers(1, 3))
def test_a_worse_answer_never_turns_the_signal_off(a, b, c, which, more):
    before = [a, b, c]
    after = list(before)
    after[which] = min(rules.ANSWER_MAX, after[which] + more)
    if rules.is_creeping_back(rules.RelapseAnswers(*before)):
        assert rules.is_creeping_back(rules.RelapseAnswers(*after))


@pytest.mark.parametrize("bad", [-1, 4, 10, "2", None, 1.5])
def test_answers_outside_no_to_a_lot_are_refused(bad):
    with pytest.raises(ValueError):
        rules.RelapseAnswers(0, bad, 0)


LADDER = [S(10, 1), S(11, 2), S(12, 3), S(13, 4)]


def test_the_ladder_opens_again_at_the_lowest_step_marked_hard():
    assert rules.reopen_position(LADDER, [3, 2]) == 2
    assert rules.reopen_position(LADDER, [4]) == 4


def test_with_no_step_marked_it_opens_at_the_top_step():
    assert rules.reopen_position(LADDER, []) == 4
    assert rules.reopen_position(LADDER, [9]) == 4  # not a step of this ladder


@given(st.integers(1, 15), st.lists(st.integers(0, 20), max_size=8))
def test_it_never_opens_above_a_step_marked_hard(count, marked):
    steps = [S(100 + p, p) for p in range(1, count + 1)]
    position = rules.reopen_position(steps, marked)
    assert 1 <= position <= count
    on_ladder = [p for p in marked if 1 <= p <= count]
    assert position == (min(on_ladder) if on_ladder else count)
