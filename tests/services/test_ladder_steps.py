"""A ladder's steps and small steps as plain records (services/ladder_steps.py) say what the
entities say."""
from graded_exposure.services import ladders
from graded_exposure.services.ladder_steps import steps_with_substeps
from tests.factories import make_ladder, template_ladder

STEP_FIELDS = ("id", "ladder_id", "position", "title", "detail", "predicted_fear",
               "social_story", "status")
SUBSTEP_FIELDS = ("id", "position", "text", "done")


def _fields(obj, names) -> tuple:
    return tuple(getattr(obj, name) for name in names)


def test_steps_and_small_steps_equal_the_entities_in_ladder_order(db, family, other_family):
    ladder = template_ladder(db, family.child, key="drop-off")
    template_ladder(db, family.child, key="school-day")
    template_ladder(db, other_family.child, key="drop-off")
    last, first = ladder.steps[-1], ladder.steps[0]
    last.position, first.position = first.position, last.position  # positions decide, not ids
    first.substeps[0].position, first.substeps[-1].position = (first.substeps[-1].position,
                                                               first.substeps[0].position)
    first.substeps[1].done = True
    db.commit()
    db.expire_all()
    entities = ladders.with_steps(db, ladder.id).steps

    records = steps_with_substeps(db.connection(), ladder.id)

    assert [s.id for s in records][:1] == [last.id] and len(records) == len(entities) == 11
    assert [_fields(s, STEP_FIELDS) for s in records] == [
        _fields(s, STEP_FIELDS) for s in entities]
    assert [[_fields(i, SUBSTEP_FIELDS) for i in s.substeps] for s in records] == [
        [_fields(i, SUBSTEP_FIELDS) for i in s.substeps] for s in entities]
    assert any(item.done is True for s in records for item in s.substeps)


def test_steps_without_small_steps_come_with_an_empty_list(db, family):
    ladder = make_ladder(db, family.child, steps=2)
    empty = make_ladder(db, family.child, steps=0)
    records = steps_with_substeps(db.connection(), ladder.id)
    assert [(s.title, s.substeps) for s in records] == [("Step 1", []), ("Step 2", [])]
    assert steps_with_substeps(db.connection(), empty.id) == []
