"""The active ladders as plain records (services/ladder_lines.py) say what the entities say."""
from graded_exposure.models import Step
from graded_exposure.services.ladder_lines import (
    active_ladders,
    active_ladders_and_archived,
    ladder_steps,
)
from tests.factories import PRACTICE_DAY, make_ladder


def test_active_ladders_oldest_first_with_their_steps_in_ladder_order(db, family):
    first = make_ladder(db, family.child, goal="School", steps=3, mastered=1,
                        calming=["Hand squeeze"], mastery_max_peak=4)
    make_ladder(db, family.child, goal="Archived", status="archived")
    second = make_ladder(db, family.child, goal="Shops", steps=2)
    step = db.get(Step, first.steps[2].id)
    step.position, first.steps[0].position = 1, 3  # reordered: positions, not ids, decide
    db.commit()

    lines = active_ladders(db.connection(), family.child.id)

    assert [ladder.goal for ladder in lines] == ["School", "Shops"]
    school, shops = lines
    assert [s.title for s in school.steps] == ["Step 3", "Step 2", "Step 1"]
    assert [s.status for s in school.steps] == ["upcoming", "current", "mastered"]
    assert school.calming_plan == ["Hand squeeze"] and school.mastery_max_peak == 4
    assert all(s.ladder is school and s.ladder_id == first.id for s in school.steps)
    assert [s.id for s in shops.steps] == [s.id for s in second.steps]
    assert shops.steps[0].current_since is not None and shops.steps[0].predicted_fear == 1


def test_a_ladder_without_steps_comes_with_none(db, family, other_family):
    make_ladder(db, family.child, goal="Parties", steps=0)
    make_ladder(db, other_family.child, goal="Theirs")
    [ladder] = active_ladders(db.connection(), family.child.id)
    assert ladder.goal == "Parties" and ladder.steps == []
    assert active_ladders(db.connection(), 999_999) == []


def test_active_ladders_and_the_archived_count_come_in_one_statement(db, family, other_family):
    make_ladder(db, family.child, goal="School", steps=3, mastered=1)
    make_ladder(db, family.child, goal="Old", steps=4, status="archived")
    make_ladder(db, family.child, goal="Older", steps=0, status="archived")
    make_ladder(db, family.child, goal="Empty", steps=0)
    make_ladder(db, other_family.child, goal="Theirs", status="archived")

    lines, archived, figures = active_ladders_and_archived(db.connection(), family.child.id)

    def shape(ladders):
        return [(ladder.goal, [(s.id, s.title, s.status, s.position, s.ladder is ladder)
                               for s in ladder.steps]) for ladder in ladders]

    assert shape(lines) == shape(active_ladders(db.connection(), family.child.id))
    assert [ladder.goal for ladder in lines] == ["School", "Empty"] and archived == 2
    assert figures == {step.id: () for step in lines[0].steps}  # no figures asked for
    assert active_ladders_and_archived(db.connection(), other_family.child.id) == ([], 1, {})


def test_one_ladders_steps_in_ladder_order_whatever_its_status(db, family, other_family):
    ladder = make_ladder(db, family.child, goal="Old", steps=3, mastered=1, status="archived")
    make_ladder(db, other_family.child, goal="Theirs", steps=2)
    last = db.get(Step, ladder.steps[2].id)
    last.position, ladder.steps[0].position = 1, 3
    ladder.steps[0].mastered_at = PRACTICE_DAY
    db.commit()

    steps = ladder_steps(db.connection(), ladder)

    assert [s.title for s in steps] == ["Step 3", "Step 2", "Step 1"]
    assert [s.status for s in steps] == ["upcoming", "current", "mastered"]
    assert [s.mastered_at for s in steps] == [None, None, PRACTICE_DAY]
    assert all(s.ladder is ladder and s.ladder_id == ladder.id for s in steps)
