"""The avoidance trap in the family's own words, with one next step from their own data."""
from datetime import date, timedelta

from graded_exposure.rules.facts import AvoidanceFact, CheckInFact
from graded_exposure.rules.trap_story import LadderOption, trap_story

TODAY = date(2026, 11, 26)


def _day(days_ago, distress=2, *details):
    return CheckInFact(TODAY - timedelta(days=days_ago), distress,
                       tuple(a.kind for a in details),
                       tuple(w for a in details for w in a.accommodations), tuple(details))


def _school(note="", *ways):
    return AvoidanceFact("school", note, tuple(ways or ("kept_home",)))


SCHOOL_LADDER = LadderOption("school", 3, "Go to school for a whole day", 9, "Walk to the gate")


def test_names_what_was_avoided_how_often_and_what_the_parent_did():
    week = [_day(n, 2, _school()) for n in range(4)] + [_day(4, 1)]
    story = trap_story(week, [], "Mia", TODAY)
    assert story.sentence == ("School was avoided on 4 of the 5 calm days this week; "
                              "Mia was kept home each time.")
    assert "accommodat" not in story.sentence


def test_quotes_the_familys_latest_note_and_counts_a_mixed_way_of_stepping_in():
    week = [_day(2, 2, _school("maths test", "kept_home")),
            _day(1, 3, _school("swimming", "excused")),
            _day(0, 2, _school("", "excused"))]
    story = trap_story(week, [], "Mia", TODAY)
    assert story.sentence == ("School (“swimming”) was avoided on 3 of the 3 calm days this "
                              "week; Mia was excused from it on 2 of them.")


def test_one_calm_day_is_said_as_one():
    story = trap_story([_day(0, 1, AvoidanceFact("outing", "", ("reassurance",)))], [], "Sam",
                       TODAY)
    assert story.sentence == ("An outing or a shop was avoided on the one calm day this week; "
                              "the same worry was answered again and again.")


def test_the_next_step_is_the_current_step_towards_what_was_avoided():
    other = LadderOption("sleep", 4, "Sleep in my own bed", 12, "Lamp off for a minute")
    story = trap_story([_day(0, 2, _school())], [other, SCHOOL_LADDER], "Mia", TODAY)
    step = story.next_step
    assert (step.kind, step.ladder_id, step.step_id) == ("practise_step", 3, 9)
    assert step.text == ("One more practice of the step Mia is working on towards this: "
                         "“Walk to the gate” (from “Go to school for a whole day”).")


def test_without_a_ladder_there_is_one_accommodation_to_reduce_and_a_sentence_to_say():
    story = trap_story([_day(0, 2, _school())], [], "Mia", TODAY)
    step = story.next_step
    assert step.kind == "reduce" and "Mia goes" in step.text
    assert "scary" in step.say and "you can" in step.say


def test_without_a_ladder_or_a_way_of_stepping_in_build_a_first_step():
    story = trap_story([_day(0, 2, AvoidanceFact("social"))], [], "Mia", TODAY)
    assert story.sentence == "Seeing people was avoided on the one calm day this week."
    assert story.next_step.kind == "first_step" and "seeing people" in story.next_step.text


def test_no_story_without_a_calm_day_bought_by_avoidance():
    assert trap_story([], [], "Mia", TODAY) is None
    assert trap_story([_day(0, 7, _school())], [SCHOOL_LADDER], "Mia", TODAY) is None
    assert trap_story([_day(0, 1)], [SCHOOL_LADDER], "Mia", TODAY) is None
    assert trap_story([_day(7, 1, _school())], [], "Mia", TODAY) is None


def test_the_situation_named_is_the_most_frequent_then_the_most_recent():
    week = [_day(3, 2, _school()), _day(2, 2, _school()),
            _day(1, 2, AvoidanceFact("outing", "", ("excused",))),
            _day(0, 2, AvoidanceFact("social", "", ("spoke_for",)))]
    assert trap_story(week, [], "Mia", TODAY).sentence == (
        "School was avoided on 2 of the 4 calm days this week; Mia was kept home each time. "
        "Other things were avoided on 2 other calm days.")
    tie = [_day(1, 2, _school()), _day(0, 2, AvoidanceFact("social", "", ("spoke_for",)))]
    assert trap_story(tie, [], "Mia", TODAY).sentence == (
        "Seeing people was avoided on 1 of the 2 calm days this week; someone spoke for Mia. "
        "School was avoided on 1 other calm day.")


def test_a_full_tie_names_what_was_recorded_first_every_time():
    both = AvoidanceFact("school", "", ("spoke_for", "reassurance", "kept_home"))
    story = trap_story([_day(0, 2, both)], [], "Mia", TODAY)
    assert story.sentence.endswith("; someone spoke for Mia.")
