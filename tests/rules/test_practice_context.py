"""A practice's context: where, with whom, when; and which place to try next."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.practice_context import (
    AT_PLACE,
    PEOPLE,
    PLACES,
    TIMES,
    WITH_PERSON,
    another_context,
    context_problem,
    context_words,
    place_words,
)


def test_every_part_of_a_context_may_be_left_out():
    assert context_problem("", "", "") is None
    assert context_problem("park", "friend", "evening") is None


@pytest.mark.parametrize(("where", "who", "when", "message"), [
    ("moon", "", "", "Choose where it happened from the list."),
    ("", "stranger", "", "Choose who was there from the list."),
    ("", "", "midnight", "Choose the time of day from the list."),
    ("Home", "", "", "Choose where it happened from the list."),
])
def test_a_context_off_the_lists_is_refused(where, who, when, message):
    assert context_problem(where, who, when) == message


def test_the_suggestion_names_a_new_place_and_someone_new():
    assert another_context({"home"}, {"parent"}) == "Try it at a relative's house or with another caregiver."
    assert another_context({"home", "relative"}, {"parent", "caregiver"}) == \
        "Try it at the park or with a friend."


def test_the_suggestion_still_helps_when_every_place_and_person_was_tried():
    every_place = {"home", "relative", "park", "shop", "school"}
    every_person = {"parent", "caregiver", "friend", "teacher"}
    assert another_context(every_place, {"parent"}) == "Try it with another caregiver."
    assert another_context({"home"}, every_person) == "Try it at a relative's house."
    assert another_context(every_place, every_person) == "Try it somewhere new."


@given(st.sets(st.sampled_from(list(PLACES))), st.sets(st.sampled_from(list(PEOPLE))))
def test_the_suggestion_never_names_a_place_or_person_already_covered(places, people):
    words = another_context(places, people)
    assert words.startswith("Try it ") and words.endswith(".")
    for place in places & set(AT_PLACE):
        assert AT_PLACE[place] not in words
    for person in people & set(WITH_PERSON):
        assert WITH_PERSON[person] not in words


def test_words_name_places_in_list_order_and_the_whole_context():
    assert place_words(["park", "home", "park"]) == "Home, The park"
    assert context_words("park", "friend", "afternoon") == "The park · A friend · Afternoon"
    assert context_words("", "", "") == ""
    assert set(TIMES) == {"morning", "afternoon", "evening"}
