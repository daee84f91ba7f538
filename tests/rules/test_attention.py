"""Who needs a therapist's attention first: practice days, the target, flags."""
from datetime import date, timedelta

import pytest

from graded_exposure.rules import attention

TODAY = date(2026, 5, 6)


def test_practice_days_count_distinct_days_inside_the_window():
    days = [TODAY, TODAY, TODAY - timedelta(days=6), TODAY - timedelta(days=7),
            TODAY + timedelta(days=1)]
    assert attention.practice_days_within(days, TODAY, 7) == 2
    assert attention.practice_days_within(days, TODAY, 28) == 3


@pytest.mark.parametrize("days, target, behind", [(4, 5, True), (5, 5, False), (7, 5, False),
                                                  (0, 1, True)])
def test_behind_target_means_fewer_practice_days_than_the_target(days, target, behind):
    assert attention.is_behind_target(days, target) is behind


@pytest.mark.parametrize("flags, days, target, needs", [(0, 5, 5, False), (1, 5, 5, True),
                                                        (0, 4, 5, True)])
def test_needs_attention_when_flagged_or_behind(flags, days, target, needs):
    assert attention.needs_attention(flags, days, target) is needs


def test_order_puts_flags_first_then_furthest_behind_then_names():
    children = {"Ava": (0, 5, 5), "Ben": (0, 1, 5), "Cal": (2, 5, 5), "Dee": (1, 0, 5),
                "eve": (0, 3, 5), "Fay": (0, 7, 5)}
    order = sorted(children, key=lambda n: attention.attention_key(*children[n], n))
    assert order == ["Cal", "Dee", "Ben", "eve", "Ava", "Fay"]
