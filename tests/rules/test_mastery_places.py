"""The mastery rule's places: a therapist can ask for a step to be mastered in 2 or 3 places."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.facts import PracticeFact
from graded_exposure.rules.mastery import (
    MasteryRule,
    is_step_mastered,
    mastery_progress,
    rule_problem,
)
from graded_exposure.rules.practice_context import PLACES

D = date(2026, 11, 2)
GOOD_VALUES = {"min_practices": 3, "min_days": 2, "max_peak": 3}


def calm(day=0, place="", peak=2, after=1):
    return PracticeFact(D + timedelta(days=day), 1, 3, peak, after, "did_it", place=place)


def test_the_usual_rule_does_not_look_at_places():
    assert is_step_mastered([calm(0), calm(0), calm(1)], MasteryRule())


def test_two_places_are_needed_when_the_rule_asks_for_two():
    rule = MasteryRule(min_contexts=2)
    at_home = [calm(0, "home"), calm(0, "home"), calm(1, "home")]
    progress = mastery_progress(at_home, rule)
    assert not progress.met and progress.needs_another_place
    assert progress.places == {"home"}
    assert is_step_mastered([*at_home, calm(2, "park")], rule)


def test_a_practice_with_no_place_told_adds_no_place():
    rule = MasteryRule(min_contexts=2)
    assert not is_step_mastered([calm(0, "home"), calm(1), calm(2), calm(3)], rule)


def test_a_place_of_a_practice_that_does_not_count_adds_nothing():
    rule = MasteryRule(min_contexts=2)
    practices = [calm(0, "home"), calm(0, "home"), calm(1, "home"), calm(2, "park", peak=9, after=8)]
    assert mastery_progress(practices, rule).places == {"home"}


def test_more_places_needed_is_not_the_only_thing_missing_early_on():
    progress = mastery_progress([calm(0, "home")], MasteryRule(min_contexts=2))
    assert not progress.needs_another_place


def test_the_rule_in_words_names_the_places():
    assert "in at least 2 different places" in MasteryRule(min_contexts=2).describe()
    assert "places" not in MasteryRule().describe()


@pytest.mark.parametrize(("value", "message"), [
    (0, "Different places needed must be a whole number from 1 to 3."),
    (4, "Different places needed must be a whole number from 1 to 3."),
    ("2", "Different places needed must be a whole number from 1 to 3."),
    (True, "Different places needed must be a whole number from 1 to 3."),
])
def test_a_number_of_places_out_of_range_is_refused(value, message):
    assert rule_problem({**GOOD_VALUES, "min_contexts": value}) == message


def test_more_places_than_practices_is_refused():
    values = {"min_practices": 2, "min_days": 1, "max_peak": 3, "min_contexts": 3}
    assert rule_problem(values) == "The number of places can't be more than the number of practices."
    assert rule_problem({**values, "min_contexts": 2}) is None


_practices = st.lists(st.tuples(st.integers(0, 6), st.sampled_from(["", *PLACES]),
                                st.integers(0, 10)), max_size=12)


@given(_practices, st.integers(1, 3))
def test_mastered_in_n_places_means_n_places_among_the_counting_practices(rows, needed):
    facts = [calm(day, place, peak) for day, place, peak in rows]
    rule = MasteryRule(min_contexts=needed)
    counting = [f for f in facts if f.fear_peak <= rule.max_peak or f.fear_after * 2 <= f.fear_peak]
    places = {f.place for f in counting if f.place}
    without_places = is_step_mastered(facts, MasteryRule())
    expected = without_places and (needed == 1 or len(places) >= needed)
    assert is_step_mastered(facts, rule) == expected


@given(_practices, st.integers(1, 3))
def test_asking_for_more_places_never_makes_mastery_easier(rows, needed):
    facts = [calm(day, place, peak) for day, place, peak in rows]
    if is_step_mastered(facts, MasteryRule(min_contexts=needed)):
        assert is_step_mastered(facts, MasteryRule(min_contexts=max(1, needed - 1)))
