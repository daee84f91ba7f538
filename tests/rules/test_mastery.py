"""The mastery rule for a step."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.facts import PracticeFact
from graded_exposure.rules.mastery import (
    MasteryRule,
    is_qualifying,
    is_step_mastered,
    mastery_progress,
)

D = date(2026, 11, 2)
RULE = MasteryRule()


def practice(day_offset=0, before=5, peak=3, after=2, outcome="did_it"):
    return PracticeFact(D + timedelta(days=day_offset), 1, before, peak, after, outcome)


def test_no_practices_is_not_mastered():
    assert not is_step_mastered([], RULE)


def test_three_low_peak_practices_on_two_days_master_the_step():
    assert is_step_mastered([practice(0), practice(0), practice(1)], RULE)


def test_three_practices_on_one_day_are_not_enough():
    assert not is_step_mastered([practice(0)] * 3, RULE)


def test_two_practices_are_not_enough():
    assert not is_step_mastered([practice(0), practice(1)], RULE)


def test_fear_halving_from_peak_qualifies():
    assert is_qualifying(practice(peak=8, after=4), RULE)
    assert not is_qualifying(practice(peak=8, after=5), RULE)


def test_halving_can_be_switched_off_by_the_therapist():
    assert not is_qualifying(practice(peak=8, after=4), MasteryRule(count_halving=False))


def test_not_tried_never_qualifies():
    assert not is_qualifying(practice(peak=0, after=0, outcome="did_not_try"), RULE)


def test_zero_peak_qualifies_through_the_peak_rule():
    assert is_qualifying(practice(before=0, peak=0, after=0), RULE)


def test_custom_rule_numbers():
    rule = MasteryRule(min_practices=2, min_days=1, max_peak=5)
    assert is_step_mastered([practice(0, peak=5), practice(0, peak=4)], rule)
    assert "At least 2 practices on at least 1 different days" in rule.describe()


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 10), st.integers(0, 10),
                          st.sampled_from(["did_it", "partly", "left_early", "did_not_try"])),
                max_size=15))
def test_progress_never_counts_more_days_than_practices(rows):
    practices = [practice(d, peak=p, after=a, outcome=o) for d, p, a, o in rows]
    progress = mastery_progress(practices, RULE)
    assert progress.days <= progress.qualifying <= len(practices)
    # Adding a qualifying practice can never undo mastery.
    if progress.met:
        assert is_step_mastered([*practices, practice(30)], RULE)
