"""Safety behaviours: the ladder's list, and suggesting the same step without one."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.facts import PracticeFact
from graded_exposure.rules.mastery import MasteryRule, is_step_mastered
from graded_exposure.rules.safety_fading import (
    CUSTOM_SAFETY_MAX,
    SAFETY_LIST_MAX,
    SUGGESTED_SAFETY_BEHAVIOURS,
    fading_suggestions,
    leaned_on,
    safety_list_after,
    used_problem,
    variant_title,
)

D = date(2026, 11, 2)
RULE = MasteryRule()
HAND = "Holding a hand"


def calm(day=0, used=(), peak=2, outcome="did_it"):
    return PracticeFact(D + timedelta(days=day), 1, 3, peak, 1, outcome, safety_used=tuple(used))


# ---- the ladder's list ----------------------------------------------------------------------

def test_the_list_keeps_suggestions_in_order_then_the_familys_own():
    found = safety_list_after([], [SUGGESTED_SAFETY_BEHAVIOURS[2], SUGGESTED_SAFETY_BEHAVIOURS[0]],
                              "  Mum's   scarf ")
    assert found == [SUGGESTED_SAFETY_BEHAVIOURS[0], SUGGESTED_SAFETY_BEHAVIOURS[2], "Mum's scarf"]


def test_unticking_an_own_behaviour_removes_it_and_adding_it_twice_keeps_one():
    assert safety_list_after(["Mum's scarf"], [], "") == []
    assert safety_list_after(["Mum's scarf"], ["Mum's scarf"], "Mum's scarf") == ["Mum's scarf"]


@pytest.mark.parametrize(("current", "chosen", "custom", "message"), [
    ([], ["Something made up"], "", "Choose safety behaviours from the list."),
    ([], [], "x" * (CUSTOM_SAFETY_MAX + 1), "Keep your own words to 60 characters or fewer."),
    ([f"own {n}" for n in range(SAFETY_LIST_MAX)], [f"own {n}" for n in range(SAFETY_LIST_MAX)],
     "one more", "Choose at most 12 safety behaviours."),
])
def test_a_bad_list_is_refused_with_a_clear_message(current, chosen, custom, message):
    with pytest.raises(ValueError, match=message):
        safety_list_after(current, chosen, custom)


def test_a_practice_may_note_a_few_short_behaviours():
    assert used_problem([HAND]) is None
    assert used_problem(["x" * 61]) == "A safety behaviour can be at most 60 characters."
    assert used_problem([str(n) for n in range(13)]) == "Choose at most 12 safety behaviours."


# ---- when to suggest fading -----------------------------------------------------------------

def test_a_step_mastered_while_holding_a_hand_suggests_letting_go():
    practices = [calm(0, [HAND]), calm(0, [HAND]), calm(1, [HAND])]
    assert leaned_on(practices, RULE) == [HAND]
    suggestion, = fading_suggestions(7, "Walk into school", practices, RULE, (), 120)
    assert suggestion.step_id == 7 and suggestion.behaviour == HAND
    assert suggestion.title == "Walk into school — without holding a hand"
    assert suggestion.why.count(".") == 1 and HAND in suggestion.why


def test_a_step_also_mastered_without_the_behaviour_needs_no_fading():
    practices = [calm(0, [HAND]), calm(1), calm(1), calm(2)]
    assert leaned_on(practices, RULE) == []


def test_no_suggestion_before_mastery():
    assert leaned_on([calm(0, [HAND]), calm(1, [HAND])], RULE) == []


def test_places_asked_for_later_do_not_hide_what_a_step_leaned_on():
    practices = [calm(0, [HAND]), calm(0, [HAND]), calm(1, [HAND])]
    assert leaned_on(practices, MasteryRule(min_contexts=3)) == [HAND]


def test_a_behaviour_used_only_on_tries_that_did_not_count_is_not_leaned_on():
    practices = [calm(0), calm(0), calm(1), calm(2, [HAND], peak=9)]
    assert leaned_on(practices, RULE) == []


def test_a_dismissed_or_added_behaviour_is_not_suggested_again():
    practices = [calm(0, [HAND, "A phone in the pocket"]), calm(0, [HAND]), calm(1, [HAND])]
    found = fading_suggestions(1, "Go in", practices, RULE, {HAND}, 120)
    assert [s.behaviour for s in found] == ["A phone in the pocket"]


@given(st.text(min_size=1, max_size=120), st.sampled_from(SUGGESTED_SAFETY_BEHAVIOURS))
def test_a_variant_title_fits_the_title_limit_and_names_the_behaviour(title, behaviour):
    found = variant_title(title, behaviour, 120)
    assert len(found) <= 120 and found.endswith(behaviour[1:])


_behaviours = st.lists(st.sampled_from([HAND, "A phone in the pocket", "Sitting by the door"]),
                       max_size=2, unique=True)
_practices = st.lists(st.tuples(st.integers(0, 5), _behaviours, st.integers(0, 10),
                                st.sampled_from(["did_it", "partly", "did_not_try"])),
                      max_size=10)


@given(_practices)
def test_fading_is_suggested_only_after_mastery_and_only_for_what_it_leaned_on(rows):
    facts = [calm(day, used, peak, outcome) for day, used, peak, outcome in rows]
    found = leaned_on(facts, RULE)
    if not is_step_mastered(facts, RULE):  # RULE asks for one place: places play no part
        assert found == []
    for behaviour in found:
        assert any(behaviour in f.safety_used for f in facts)
        assert not is_step_mastered([f for f in facts if behaviour not in f.safety_used], RULE)


@given(_practices)
def test_without_any_safety_behaviour_there_is_nothing_to_fade(rows):
    facts = [calm(day, (), peak, outcome) for day, _used, peak, outcome in rows]
    assert leaned_on(facts, RULE) == []
