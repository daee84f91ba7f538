"""Practice streaks and stars."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.facts import PracticeFact
from graded_exposure.rules.streaks import current_streak, longest_streak, stars_for

TODAY = date(2026, 11, 26)


def ago(n):
    return TODAY - timedelta(days=n)


def test_streak_counts_back_from_today():
    assert current_streak({ago(0), ago(1), ago(2), ago(4)}, TODAY) == 3


def test_streak_still_alive_when_today_is_not_logged_yet():
    assert current_streak({ago(1), ago(2)}, TODAY) == 2


def test_streak_broken_by_a_missed_yesterday():
    assert current_streak({ago(2), ago(3)}, TODAY) == 0
    assert current_streak(set(), TODAY) == 0


def test_longest_streak():
    assert longest_streak({ago(0), ago(5), ago(6), ago(7), ago(9)}) == 3
    assert longest_streak(set()) == 0


@given(st.sets(st.integers(0, 60).map(ago)))
def test_current_never_exceeds_longest(days):
    assert current_streak(days, TODAY) <= longest_streak(days) <= len(days)


def _p(before, outcome="did_it", peak=None, after=0):
    return PracticeFact(TODAY, 1, before, before if peak is None else peak, after, outcome)


def test_braver_tries_earn_more_stars():
    assert [stars_for(_p(b)) for b in (0, 3, 4, 6, 7, 10)] == [1, 1, 2, 2, 3, 3]
    assert stars_for(_p(9, "did_not_try")) == 0
    assert stars_for(_p(9, "left_early")) == 3


def test_a_try_that_rose_to_a_high_peak_earns_the_stars_of_that_peak():
    # Calm before, fear 9 at the peak, back to 3: the child faced a 9.
    assert stars_for(_p(2, peak=9, after=3)) == 3
    assert stars_for(_p(1, peak=5, after=1)) == 2


def test_a_high_fear_before_counts_even_when_the_peak_was_rated_lower():
    assert stars_for(_p(8, peak=3)) == 3


@given(st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_stars_follow_the_highest_fear_faced_and_a_skipped_try_earns_none(before, peak, after):
    faced = max(before, peak)
    tried = _p(before, peak=peak, after=after)
    assert stars_for(tried) == stars_for(_p(faced, peak=faced))
    assert 1 <= stars_for(tried) <= 3
    assert stars_for(_p(before, "did_not_try", peak=peak, after=after)) == 0
