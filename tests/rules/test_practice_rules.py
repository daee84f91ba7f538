"""Pure rules for practices: fear ratings, the practice time window, calming lists."""
from datetime import UTC, datetime, timedelta

import pytest

from graded_exposure.rules import practice_rules as rules
from graded_exposure.rules.ladder_rules import CALMING_STRATEGIES

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("before", "after", "peak"), [(0, 0, 0), (7, 3, 7), (2, 6, 6)])
def test_default_peak_is_the_higher_of_before_and_after(before, after, peak):
    assert rules.default_peak(before, after) == peak


@pytest.mark.parametrize(("before", "peak", "after", "expected"), [
    (5, 7, 3, None),
    (0, 0, 0, None),
    (10, 10, 10, None),
    (-1, 5, 3, "Fear before must be a whole number from 0 to 10."),
    (5, 11, 3, "Fear peak must be a whole number from 0 to 10."),
    (5, 7, "3", "Fear after must be a whole number from 0 to 10."),
    (True, 7, 3, "Fear before must be a whole number from 0 to 10."),
    (6, 5, 3, "cannot be lower than the fear before or after"),
    (2, 5, 8, "cannot be lower than the fear before or after"),
])
def test_fear_problem(before, peak, after, expected):
    problem = rules.fear_problem(before, peak, after)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


@pytest.mark.parametrize(("offset", "ok"), [
    (timedelta(0), True),
    (timedelta(minutes=59), True),
    (timedelta(hours=1, minutes=1), False),
    (-timedelta(days=364), True),
    (-timedelta(days=366), False),
])
def test_practice_time_window(offset, ok):
    assert (rules.practice_time_problem(NOW + offset, NOW) is None) is ok


def test_calming_problem_limits_count_and_length():
    assert rules.calming_problem(["Slow breathing"]) is None
    assert "at most 12" in rules.calming_problem([f"s{i}" for i in range(13)])
    assert "at most 80 characters" in rules.calming_problem(["x" * 81])


def test_no_calming_chip_is_a_shorter_name_of_another():
    """'Deep pressure' beside 'Deep pressure hug' reads as the same strategy offered twice."""
    names = [name.lower() for name in {*rules.COMMON_CALMING, *CALMING_STRATEGIES}]
    assert not [(a, b) for a in names for b in names if a != b and b.startswith(a)]


@pytest.mark.parametrize(("former", "now"), [("Deep pressure", "Deep pressure hug"),
                                             ("Counting", "Count 5 things you can see"),
                                             ("Hum a tune", "Hum a tune")])
def test_a_former_calming_name_reads_as_its_new_one(former, now):
    assert rules.calming_name(former) == now
