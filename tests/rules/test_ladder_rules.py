"""Pure ladder rules: validation, calming plan, order and the one current step."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import ladder_rules as rules

U, C, M = rules.UPCOMING, rules.CURRENT, rules.MASTERED


@pytest.mark.parametrize(("goal", "ok"), [
    ("Go to school", True), ("x" * 120, True), ("", False), ("   ", False), ("x" * 121, False),
])
def test_goal_problem(goal, ok):
    assert (rules.goal_problem(goal) is None) is ok


@pytest.mark.parametrize("area", list(rules.AREAS))
def test_every_area_is_accepted(area):
    assert rules.area_problem(area) is None


@pytest.mark.parametrize("area", ["", "School", "party", "school "])
def test_unknown_area_is_refused(area):
    assert rules.area_problem(area) == "Choose an area from the list."


def test_area_label_falls_back_for_unknown_keys():
    assert rules.area_label("school") == "School"
    assert rules.area_label("nonsense") == rules.AREAS["other"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": ""}, "title"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 121}, "120"),
    ({"detail": "x" * 1001}, "details"),
    ({"social_story": "x" * 1001}, "social story"),
    ({"predicted_fear": -1}, "0 to 10"),
    ({"predicted_fear": 11}, "0 to 10"),
    ({"predicted_fear": "5"}, "0 to 10"),
    ({"predicted_fear": True}, "0 to 10"),
    ({"predicted_fear": 5.5}, "0 to 10"),
])
def test_step_problem_refuses_bad_fields(fields, message):
    good = {"title": "Walk to the gate", "detail": "", "predicted_fear": 3, "social_story": ""}
    problem = rules.step_problem(**{**good, **fields})
    assert problem is not None and message in problem


@pytest.mark.parametrize("fear", [0, 10])
def test_step_problem_accepts_fear_at_both_ends(fear):
    assert rules.step_problem("Title", "x" * 1000, fear, "y" * 1000) is None


@pytest.mark.parametrize(("text", "ok"), [("Hold hands", True), ("", False), ("x" * 121, False)])
def test_substep_problem(text, ok):
    assert (rules.substep_problem(text) is None) is ok


def test_calming_plan_keeps_preset_order_then_custom():
    plan = rules.calming_plan_after([], ["Push the wall", "Deep pressure hug"], "Hum a tune")
    assert plan == ["Deep pressure hug", "Push the wall", "Hum a tune"]


def test_calming_plan_unticking_a_custom_strategy_removes_it():
    current = ["Push the wall", "Hum a tune", "Blow bubbles"]
    plan = rules.calming_plan_after(current, ["Push the wall", "Blow bubbles"], "")
    assert plan == ["Push the wall", "Blow bubbles"]


def test_calming_plan_does_not_duplicate_a_custom_strategy():
    plan = rules.calming_plan_after(["Hum a tune"], ["Hum a tune"], "  Hum   a tune ")
    assert plan == ["Hum a tune"]


@pytest.mark.parametrize(("chosen", "custom", "message"), [
    (["Eat a whole cake"], "", "from the list"),
    ([], "x" * 61, "60"),
])
def test_calming_plan_refuses_bad_input(chosen, custom, message):
    with pytest.raises(ValueError, match=message):
        rules.calming_plan_after([], chosen, custom)


def test_calming_plan_has_a_size_limit():
    current = [f"Custom {n}" for n in range(rules.CALMING_PLAN_MAX)]
    with pytest.raises(ValueError, match="or fewer"):
        rules.calming_plan_after(current, current, "One more")


@pytest.mark.parametrize(("index", "count", "direction", "expected"), [
    (0, 3, "up", None), (0, 3, "down", 1), (1, 3, "up", 0), (2, 3, "down", None),
    (0, 1, "down", None),
])
def test_neighbour_index(index, count, direction, expected):
    assert rules.neighbour_index(index, count, direction) == expected


def test_neighbour_index_refuses_other_directions():
    with pytest.raises(ValueError, match="up or down"):
        rules.neighbour_index(0, 3, "sideways")


@pytest.mark.parametrize(("statuses", "expected"), [
    ([], []),
    ([U, U, U], [C, U, U]),
    ([M, U, U], [M, C, U]),
    ([M, U, C], [M, U, C]),
    ([C, C, U], [C, U, U]),
    ([M, M], [M, M]),
])
def test_with_one_current(statuses, expected):
    assert rules.with_one_current(statuses) == expected


def test_after_make_current_moves_the_mark_and_keeps_mastered():
    assert rules.after_make_current([M, C, U, U], 3) == [M, U, U, C]
    assert rules.after_make_current([M, C, U], 0) == [C, U, U]


def test_after_make_current_refuses_a_missing_index():
    with pytest.raises(IndexError):
        rules.after_make_current([C], 1)


@pytest.mark.parametrize(("statuses", "index", "expected"), [
    ([M, C, U, U], 1, [M, C, U]),   # the next one takes over
    ([M, C, M, U], 1, [M, M, C]),   # skipping a mastered one
    ([U, M, C], 2, [C, M]),         # nothing after it: back to the first open one
    ([M, C, U], 2, [M, C]),         # a non-current step: nothing changes
    ([C], 0, []),
])
def test_after_removal(statuses, index, expected):
    assert rules.after_removal(statuses, index) == expected


def test_big_jumps_and_suggested_next_fear():
    assert rules.big_jumps([1, 2, 6, 7, 7, 3, 8]) == [2, 6]
    assert rules.suggested_next_fear([2, 4]) == 5
    assert rules.suggested_next_fear([10]) == 10
    assert rules.suggested_next_fear([]) == 2


@pytest.mark.parametrize(("fears", "fear", "expected"), [
    ([], 3, 0),
    ([2, 4, 6, 8], 3, 1),
    ([2, 4, 6, 8], 4, 2),        # after the equal one
    ([2, 4, 4, 8], 4, 3),        # after every equal one
    ([2, 4, 6, 8], 0, 0),
    ([2, 4, 6, 8], 10, 4),
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9], 3, 3),
    ([5, 2, 8], 4, 0),           # a hand-ordered ladder: before the first harder step
])
def test_insert_index_puts_a_step_before_the_first_harder_one(fears, fear, expected):
    assert rules.insert_index(fears, fear) == expected


@given(st.lists(st.integers(0, 10), max_size=30).map(sorted), st.integers(0, 10))
def test_inserting_by_fear_keeps_a_sorted_ladder_sorted(fears, fear):
    index = rules.insert_index(fears, fear)
    assert sorted([*fears, fear]) == [*fears[:index], fear, *fears[index:]]


@pytest.mark.parametrize(("index", "position", "expected"), [
    (3, 1, ["d", "a", "b", "c"]),
    (0, 4, ["b", "c", "d", "a"]),
    (1, 3, ["a", "c", "b", "d"]),
    (2, 3, ["a", "b", "c", "d"]),
])
def test_moved_to_puts_the_item_at_the_position(index, position, expected):
    assert rules.moved_to(["a", "b", "c", "d"], index, position) == expected


@pytest.mark.parametrize("position", [0, 5, -1])
def test_moved_to_refuses_a_place_off_the_ladder(position):
    with pytest.raises(ValueError, match="from 1 to 4"):
        rules.moved_to(["a", "b", "c", "d"], 0, position)


@given(st.integers(1, 30).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1),
                                                       st.integers(1, n))))
def test_moved_to_keeps_every_item_once(case):
    n, index, position = case
    moved = rules.moved_to(list(range(n)), index, position)
    assert sorted(moved) == list(range(n)) and moved[position - 1] == index


@pytest.mark.parametrize(("statuses", "index", "expected"), [
    ([M, C, U, U], 2, []),        # the next step: nothing skipped
    ([M, C, U, U], 3, [2]),
    ([C, U, U, U], 3, [1, 2]),
    ([M, U, C, U], 3, [1]),       # a waiting step below the current one is skipped too
    ([M, M, C, U], 0, []),        # going back down
    ([M, C, U], 1, []),
])
def test_skipped_by_names_the_waiting_steps_below(statuses, index, expected):
    assert rules.skipped_by(statuses, index) == expected


def test_reopening_a_finished_ladder_makes_the_steps_above_wait_again():
    assert rules.after_make_current([M, M, M, M], 1, later_wait=True) == [M, C, U, U]
    assert rules.after_make_current([M, M, M], 2, later_wait=True) == [M, M, C]
    assert rules.after_make_current([M, M, M], 1) == [M, C, M]  # without it, nothing else moves
