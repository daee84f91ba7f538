"""Flags and what they suggest."""
from datetime import date, timedelta

from graded_exposure.rules.facts import CheckInFact, PracticeFact
from graded_exposure.rules.flags import (
    avoidance_rising_flag,
    fear_not_falling_flag,
    no_practice_flag,
    stuck_easy_flag,
)

TODAY = date(2026, 11, 26)


def ago(n):
    return TODAY - timedelta(days=n)


def test_no_practice_flag_after_three_days():
    assert no_practice_flag({ago(2)}, None, TODAY) is None
    flag = no_practice_flag({ago(5), ago(3)}, None, TODAY)
    assert flag.kind == "no_practice" and "3 days" in flag.message and flag.suggestion


def test_no_practice_flag_counts_from_ladder_creation_when_never_practised():
    assert no_practice_flag(set(), None, TODAY) is None
    assert no_practice_flag(set(), ago(1), TODAY) is None
    assert no_practice_flag(set(), ago(4), TODAY).kind == "no_practice"


def test_no_practice_days_is_configurable():
    assert no_practice_flag({ago(5)}, None, TODAY, days=7) is None


def test_stuck_easy_needs_an_easy_step_current_for_two_weeks():
    assert stuck_easy_flag("Walk past", 3, ago(13), TODAY) is None
    assert stuck_easy_flag("Walk past", 4, ago(30), TODAY) is None
    assert stuck_easy_flag("Walk past", 2, None, TODAY) is None
    assert stuck_easy_flag("Walk past", 3, ago(14), TODAY).kind == "stuck_easy"


def _practices(peaks):
    return [PracticeFact(ago(len(peaks) - i), 1, 5, p, 2, "did_it") for i, p in enumerate(peaks)]


def test_fear_not_falling_needs_five_tried_practices():
    assert fear_not_falling_flag("Gate", _practices([6, 6, 6, 6])) is None
    assert fear_not_falling_flag("Gate", _practices([6, 6, 6, 6, 6])).kind == "fear_not_falling"


def test_falling_fear_is_not_flagged_and_only_the_last_five_count():
    assert fear_not_falling_flag("Gate", _practices([8, 7, 7, 6, 5])) is None
    assert fear_not_falling_flag("Gate", _practices([2, 2, 8, 7, 7, 6, 5])) is None
    assert fear_not_falling_flag("Gate", _practices([9, 8, 4, 5, 5, 6, 6])).kind == "fear_not_falling"


def test_avoidance_rising_compares_two_weeks():
    week_before = [CheckInFact(ago(8), 5, ("school",))]
    assert avoidance_rising_flag(week_before, TODAY, ago(13)) is None
    rising = [*week_before, CheckInFact(ago(1), 5, ("school",)), CheckInFact(ago(0), 5, ("outing",))]
    flag = avoidance_rising_flag(rising, TODAY, ago(13))
    assert flag.kind == "avoidance_rising" and "2 times in the last 7 days, 1 in the week before" in flag.message
    one = [CheckInFact(ago(0), 5, ("school",))]
    assert avoidance_rising_flag(one, TODAY, ago(30)) is None


def test_avoidance_is_not_rising_in_a_first_week_without_a_week_before():
    first_week = [CheckInFact(ago(n), 5, ("school",)) for n in range(5)]
    assert avoidance_rising_flag(first_week, TODAY, ago(4)) is None
    assert avoidance_rising_flag(first_week, TODAY, None) is None


def test_avoidance_rising_needs_check_ins_over_the_whole_week_before():
    recent = [CheckInFact(ago(n), 5, ("school",)) for n in range(3)]
    assert avoidance_rising_flag(recent, TODAY, ago(12)) is None
    flag = avoidance_rising_flag(recent, TODAY, ago(13))
    assert "3 times in the last 7 days, 0 in the week before" in flag.message
