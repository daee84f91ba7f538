"""Step and sub-step services without HTTP, with the ladder invariants checked after each change."""
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import Ladder, Step, SubStep
from graded_exposure.rules.ladder_rules import MAX_STEPS, MAX_SUBSTEPS
from graded_exposure.services import ladders, steps
from tests.factories import make_ladder


def _fresh(db, ladder_id: int) -> Ladder:
    return ladders.with_steps(db, ladder_id)


def assert_invariants(db, ladder_id: int) -> list[Step]:
    """Positions are 1..n and (unless all are mastered) exactly one step is current."""
    ladder = _fresh(db, ladder_id)
    found = ladder.steps
    assert [s.position for s in found] == list(range(1, len(found) + 1))
    statuses = [s.status for s in found]
    if any(s != "mastered" for s in statuses):
        assert statuses.count("current") == 1, statuses
    return found


@pytest.fixture
def ladder(db, family):
    ladder = make_ladder(db, family.child, goal="Shops", area="outings", by=family.user,
                         titles=["Look", "Walk past", "Go in", "Buy"], fears=[2, 4, 6, 8])
    return _fresh(db, ladder.id)


def _titles(db, ladder) -> list[str]:
    return [s.title for s in _fresh(db, ladder.id).steps]


def _set_statuses(db, ladder, statuses):
    for step, status in zip(_fresh(db, ladder.id).steps, statuses, strict=True):
        step.status = status
    db.commit()


def test_first_step_added_becomes_current_and_later_ones_wait(db, family):
    ladder = ladders.create_ladder(db, family.child, family.user, goal="Shops", area="outings")
    first = steps.add_step(db, ladder, title="  Look at photos ", detail="At home\r\nTogether",
                           predicted_fear=1, social_story="I can look.")
    second = steps.add_step(db, ladder, title="Walk past", predicted_fear=2)
    assert (first.status, second.status) == ("current", "upcoming")
    stored = db.get(Step, first.id)
    assert stored.title == "Look at photos" and stored.detail == "At home\nTogether"
    assert stored.social_story == "I can look." and stored.position == 1
    assert_invariants(db, ladder.id)


def test_add_step_after_all_mastered_makes_the_new_one_current(db, ladder):
    _set_statuses(db, ladder, ["mastered"] * 4)
    new = steps.add_step(db, ladder, title="Harder", predicted_fear=9)
    assert new.status == "current" and new.position == 5
    assert_invariants(db, ladder.id)


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": ""}, "title"),
    ({"title": " "}, "title"),
    ({"title": "x" * 121}, "120"),
    ({"detail": "x" * 10_000}, "1000"),
    ({"social_story": "x" * 1001}, "1000"),
    ({"sensory_story": "x" * 501}, "sensory story to 500"),
    ({"predicted_fear": -1}, "0 to 10"),
    ({"predicted_fear": 11}, "0 to 10"),
    ({"predicted_fear": "abc"}, "0 to 10"),
])
def test_add_step_refuses_bad_input(db, ladder, fields, message):
    with pytest.raises(DomainError, match=message):
        steps.add_step(db, ladder, **{"title": "Fine", "predicted_fear": 3, **fields})
    assert _titles(db, ladder) == ["Look", "Walk past", "Go in", "Buy"]


def test_add_step_has_a_limit(db, ladder):
    for n in range(MAX_STEPS - 4):
        steps.add_step(db, ladder, title=f"Step {n}", predicted_fear=5)
    with pytest.raises(DomainError, match="up to"):
        steps.add_step(db, ladder, title="One too many", predicted_fear=5)
    assert len(_fresh(db, ladder.id).steps) == MAX_STEPS


def test_update_step(db, ladder):
    step = ladder.steps[1]
    steps.update_step(db, step, title="Walk past slowly", detail="Two minutes",
                      predicted_fear=3, social_story="I walk.\nI breathe.")
    stored = db.get(Step, step.id)
    assert (stored.title, stored.detail, stored.predicted_fear, stored.social_story) == (
        "Walk past slowly", "Two minutes", 3, "I walk.\nI breathe.")
    assert stored.position == 2 and stored.status == "upcoming"


def test_a_sensory_story_is_stored_tidied_and_kept_when_not_given(db, ladder):
    step = ladder.steps[1]
    steps.update_step(db, step, title="Walk past", detail="", predicted_fear=3, social_story="",
                      sensory_story="  I will hear cars.\r\nThe wind feels cold.  ")
    assert db.get(Step, step.id).sensory_story == "I will hear cars.\nThe wind feels cold."
    steps.update_step(db, step, title="Walk past", detail="", predicted_fear=3, social_story="")
    assert db.get(Step, step.id).sensory_story == "I will hear cars.\nThe wind feels cold."


@pytest.mark.parametrize("fields", [{"title": ""}, {"predicted_fear": 11},
                                    {"detail": "x" * 1001}])
def test_update_step_refuses_bad_input(db, ladder, fields):
    step = ladder.steps[0]
    with pytest.raises(DomainError):
        steps.update_step(db, step, **{"title": "T", "detail": "", "predicted_fear": 1,
                                       "social_story": "", **fields})
    db.refresh(step)
    assert (step.title, step.predicted_fear, step.detail) == ("Look", 2, "")


@pytest.mark.parametrize(("index", "direction", "expected"), [
    (1, "up", ["Walk past", "Look", "Go in", "Buy"]),
    (1, "down", ["Look", "Go in", "Walk past", "Buy"]),
    (0, "up", ["Look", "Walk past", "Go in", "Buy"]),      # no-op at the bottom
    (3, "down", ["Look", "Walk past", "Go in", "Buy"]),    # no-op at the top
])
def test_move_step_swaps_with_neighbour(db, ladder, index, direction, expected):
    steps.move_step(db, ladder.steps[index], direction)
    assert _titles(db, ladder) == expected
    assert_invariants(db, ladder.id)


def test_move_keeps_the_current_step_current(db, ladder):
    current = ladder.steps[0]
    steps.move_step(db, current, "down")
    found = assert_invariants(db, ladder.id)
    assert found[1].id == current.id and found[1].status == "current"


def test_move_refuses_unknown_direction(db, ladder):
    with pytest.raises(DomainError, match="up or down"):
        steps.move_step(db, ladder.steps[0], "sideways")
    assert _titles(db, ladder) == ["Look", "Walk past", "Go in", "Buy"]


def test_make_current_leaves_one_current_and_keeps_mastered(db, ladder):
    _set_statuses(db, ladder, ["mastered", "current", "upcoming", "upcoming"])
    steps.make_current(db, _fresh(db, ladder.id).steps[3])
    found = assert_invariants(db, ladder.id)
    assert [s.status for s in found] == ["mastered", "upcoming", "upcoming", "current"]
    steps.make_current(db, found[0])  # going back to a mastered step is allowed
    assert [s.status for s in assert_invariants(db, ladder.id)] == [
        "current", "upcoming", "upcoming", "upcoming"]


def test_delete_current_step_passes_current_to_next_open_step(db, ladder):
    _set_statuses(db, ladder, ["mastered", "current", "mastered", "upcoming"])
    steps.delete_step(db, _fresh(db, ladder.id).steps[1])
    found = assert_invariants(db, ladder.id)
    assert [(s.title, s.status) for s in found] == [
        ("Look", "mastered"), ("Go in", "mastered"), ("Buy", "current")]


def test_delete_last_open_step_falls_back_to_first_open_one(db, ladder):
    _set_statuses(db, ladder, ["upcoming", "mastered", "mastered", "current"])
    steps.delete_step(db, _fresh(db, ladder.id).steps[3])
    assert [s.status for s in assert_invariants(db, ladder.id)] == [
        "current", "mastered", "mastered"]


def test_delete_step_removes_its_substeps_and_renumbers(db, ladder):
    step = ladder.steps[2]
    steps.add_substep(db, step, "Open the door")
    steps.delete_step(db, step)
    assert _titles(db, ladder) == ["Look", "Walk past", "Buy"]
    assert db.exec(select(SubStep)).first() is None
    assert_invariants(db, ladder.id)


def test_delete_step_whose_substeps_are_not_loaded_yet(db, family):
    ladder = ladders.create_ladder_from_template(db, family.child, family.user, "drop-off")
    db.expire_all()
    step = db.get(Step, ladder.steps[0].id)
    steps.delete_step(db, step)
    found = assert_invariants(db, ladder.id)
    assert len(found) == 10 and found[0].status == "current"
    assert db.exec(select(SubStep).where(SubStep.step_id == step.id)).first() is None


def test_delete_every_step_leaves_an_empty_ladder(db, ladder):
    for step in list(ladder.steps):
        steps.delete_step(db, step)
    assert _fresh(db, ladder.id).steps == []


def test_substeps_add_toggle_delete(db, ladder):
    step = ladder.steps[0]
    first = steps.add_substep(db, step, "  Hold hands ")
    second = steps.add_substep(db, step, "Walk in")
    third = steps.add_substep(db, step, "Walk out")
    assert [s.position for s in (first, second, third)] == [1, 2, 3]
    assert first.text == "Hold hands"
    steps.toggle_substep(db, second)
    assert db.get(SubStep, second.id).done is True
    steps.toggle_substep(db, second)
    assert db.get(SubStep, second.id).done is False
    steps.toggle_substep(db, second, True)
    steps.toggle_substep(db, second, True)  # a repeated request stays ticked
    assert db.get(SubStep, second.id).done is True
    steps.delete_substep(db, first)
    db.refresh(step)
    assert [(s.text, s.position) for s in step.substeps] == [("Walk in", 1), ("Walk out", 2)]


@pytest.mark.parametrize("text", ["", "   ", "x" * 121])
def test_add_substep_refuses_bad_text(db, ladder, text):
    with pytest.raises(DomainError):
        steps.add_substep(db, ladder.steps[0], text)
    assert db.exec(select(SubStep)).first() is None


def test_add_substep_has_a_limit(db, ladder):
    step = ladder.steps[0]
    for n in range(MAX_SUBSTEPS):
        steps.add_substep(db, step, f"Small step {n}")
    with pytest.raises(DomainError, match="up to"):
        steps.add_substep(db, step, "One too many")


def test_archived_ladder_refuses_every_step_change(db, ladder):
    step = ladder.steps[1]
    substep = steps.add_substep(db, step, "Hold hands")
    ladders.archive_ladder(db, ladder)
    changes = [
        lambda: steps.add_step(db, ladder, title="New", predicted_fear=3),
        lambda: steps.update_step(db, step, title="New", detail="", predicted_fear=3,
                                  social_story=""),
        lambda: steps.delete_step(db, step),
        lambda: steps.move_step(db, step, "up"),
        lambda: steps.make_current(db, step),
        lambda: steps.add_substep(db, step, "More"),
        lambda: steps.toggle_substep(db, substep),
        lambda: steps.delete_substep(db, substep),
    ]
    for change in changes:
        with pytest.raises(DomainError, match=r"archived\. Unarchive it"):
            change()
    assert _titles(db, ladder) == ["Look", "Walk past", "Go in", "Buy"]
    assert db.get(SubStep, substep.id).done is False


def test_current_since_follows_the_current_step(db, family):
    ladder = ladders.create_ladder_from_template(db, family.child, family.user, "school-day")
    found = _fresh(db, ladder.id).steps
    assert found[0].current_since is not None
    assert all(s.current_since is None for s in found[1:])
    steps.make_current(db, found[2])
    found = _fresh(db, ladder.id).steps
    assert found[0].current_since is None and found[2].current_since is not None
    started = found[2].current_since
    steps.move_step(db, found[2], "up")  # moving does not restart the clock
    assert next(s for s in _fresh(db, ladder.id).steps if s.status == "current").current_since \
        == started


# ---- a new step goes where its fear says; moving to a place in one go -----------------------

def test_a_new_step_goes_before_the_first_harder_step(db, ladder):
    steps.add_step(db, ladder, title="Stand at the door", predicted_fear=3)
    steps.add_step(db, _fresh(db, ladder.id), title="Another look", predicted_fear=2)
    steps.add_step(db, _fresh(db, ladder.id), title="Buy two things", predicted_fear=10)
    found = assert_invariants(db, ladder.id)
    assert [(s.title, s.predicted_fear) for s in found] == [
        ("Look", 2), ("Another look", 2), ("Stand at the door", 3), ("Walk past", 4),
        ("Go in", 6), ("Buy", 8), ("Buy two things", 10)]
    assert [s.status for s in found].count("current") == 1 and found[0].status == "current"


def test_a_new_easy_step_in_a_long_ladder_lands_among_the_easy_ones(db, family):
    ladder = make_ladder(db, family.child, steps=12, fears=[1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9])
    new = steps.add_step(db, _fresh(db, ladder.id), title="Wave at the gate", predicted_fear=3)
    found = assert_invariants(db, ladder.id)
    assert new.position == 5 and found[4].id == new.id and new.status == "upcoming"


@pytest.mark.parametrize(("index", "position", "expected"), [
    (3, 1, ["Buy", "Look", "Walk past", "Go in"]),
    (0, 4, ["Walk past", "Go in", "Buy", "Look"]),
    (1, 2, ["Look", "Walk past", "Go in", "Buy"]),
])
def test_move_step_to_a_position_in_one_go(db, ladder, index, position, expected):
    current = ladder.steps[0]
    steps.move_step_to(db, ladder.steps[index], position)
    found = assert_invariants(db, ladder.id)
    assert [s.title for s in found] == expected
    assert db.get(Step, current.id).status == "current"


@pytest.mark.parametrize("position", [0, 5, -3])
def test_move_step_to_refuses_a_place_off_the_ladder(db, ladder, position):
    with pytest.raises(DomainError, match="from 1 to 4"):
        steps.move_step_to(db, ladder.steps[1], position)
    assert _titles(db, ladder) == ["Look", "Walk past", "Go in", "Buy"]


# ---- choosing the current step is a plan change that can be undone ----------------------

def test_skipped_steps_are_the_waiting_ones_below(db, ladder):
    _set_statuses(db, ladder, ["mastered", "current", "upcoming", "upcoming"])
    found = _fresh(db, ladder.id).steps
    assert steps.skipped_steps(found[2]) == []
    assert [s.title for s in steps.skipped_steps(found[3])] == ["Go in"]
    assert steps.skipped_steps(found[0]) == []


def test_undo_puts_back_the_current_step_and_its_start(db, ladder):
    _set_statuses(db, ladder, ["mastered", "current", "upcoming", "upcoming"])
    before = _fresh(db, ladder.id).steps[1]
    since = before.current_since = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    db.commit()
    change = steps.make_current(db, _fresh(db, ladder.id).steps[3])
    assert (change.previous_id, change.chosen_id) == (before.id, ladder.steps[3].id)
    restored = steps.undo_current(db, _fresh(db, ladder.id), change)
    found = assert_invariants(db, ladder.id)
    assert restored.id == before.id
    assert [s.status for s in found] == ["mastered", "current", "upcoming", "upcoming"]
    assert db.get(Step, before.id).current_since == since


def test_undo_is_refused_once_the_plan_changed_again(db, ladder):
    change = steps.make_current(db, ladder.steps[3])
    steps.make_current(db, _fresh(db, ladder.id).steps[2])
    with pytest.raises(DomainError, match="no longer be undone"):
        steps.undo_current(db, _fresh(db, ladder.id), change)
    assert _fresh(db, ladder.id).steps[2].status == "current"


def test_undo_is_refused_on_another_ladder(db, family, ladder):
    change = steps.make_current(db, ladder.steps[3])
    other = make_ladder(db, family.child, steps=2)
    with pytest.raises(DomainError, match="no longer be undone"):
        steps.undo_current(db, _fresh(db, other.id), change)
