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


def test_hopelessness_comes_before_any_number_of_other_flags():
    # Found from outside: one hopelessness flag on a child practising on target sat on page
    # 10 of a 600-child caseload, under children with more (and lesser) flags.
    hopeless = attention.attention_key(1, 5, 5, "Zoe", first_kind_raised=True)
    flagged = attention.attention_key(3, 0, 5, "Ava")
    assert hopeless < flagged
    assert attention.attention_key(2, 5, 5, "Ava", first_kind_raised=True) < hopeless


def test_a_target_of_one_day_is_said_in_the_singular():
    [reason] = attention.attention_reasons([], days_last_7=0, target=1)
    assert reason.text == "Behind target: practised on 0 of 1 day in the last 7 days."


def test_every_mark_names_its_reasons_behind_target_first():
    from graded_exposure.rules.attention import attention_reasons
    from graded_exposure.rules.flags import Flag

    flag = Flag("no_practice", "No practice logged for 4 days.", "Pick the easiest step.")
    reasons = attention_reasons([flag], days_last_7=1, target=5)
    assert [(r.kind, r.text) for r in reasons] == [
        ("behind_target", "Behind target: practised on 1 of 5 days in the last 7 days."),
        ("no_practice", "No practice logged for 4 days.")]
    assert reasons[1].suggestion == "Pick the easiest step."
    assert attention_reasons([], days_last_7=5, target=5) == []
    assert [r.kind for r in attention_reasons([], 0, 1)] == ["behind_target"]
