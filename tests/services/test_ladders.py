"""Ladder services without HTTP: create, templates, edit, archive, calming plan."""
import re

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import Ladder, Step, SubStep
from graded_exposure.rules.ladder_rules import ARCHIVED_MESSAGE, CALMING_STRATEGIES
from graded_exposure.rules.ladder_templates import TEMPLATES
from graded_exposure.services import ladders
from tests.factories import make_ladder


@pytest.fixture
def ladder(db, family):
    return make_ladder(db, family.child, goal="Go to the shops", area="outings", steps=0,
                       by=family.user)


def test_create_ladder_strips_goal_and_records_creator(db, family):
    ladder = ladders.create_ladder(db, family.child, family.user, goal="  Sleep in my bed  ",
                                   area="sleep")
    stored = db.get(Ladder, ladder.id)
    assert stored.goal == "Sleep in my bed" and stored.area == "sleep"
    assert stored.status == "active" and stored.child_id == family.child.id
    assert stored.created_by_id == family.user.id and stored.steps == []


@pytest.mark.parametrize(("goal", "area", "message"), [
    ("", "school", "goal"),
    ("   ", "school", "goal"),
    ("x" * 121, "school", "120"),
    ("Go to school", "space", "area"),
    ("Go to school", "", "area"),
])
def test_create_ladder_refuses_bad_input(db, family, goal, area, message):
    with pytest.raises(DomainError, match=message):
        ladders.create_ladder(db, family.child, family.user, goal=goal, area=area)
    assert db.exec(select(Ladder)).first() is None


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.key for t in TEMPLATES])
def test_create_from_template_copies_everything(db, family, template):
    ladder = ladders.create_ladder_from_template(db, family.child, family.user, template.key)
    stored = ladders.with_steps(db, ladder.id)
    assert (stored.goal, stored.area, stored.template_key) == (template.goal, template.area,
                                                               template.key)
    assert stored.calming_plan == list(template.calming)
    assert [s.title for s in stored.steps] == [s.title for s in template.steps]
    assert [s.position for s in stored.steps] == list(range(1, len(template.steps) + 1))
    assert [s.predicted_fear for s in stored.steps] == [s.fear for s in template.steps]
    assert [s.status for s in stored.steps] == ["current"] + ["upcoming"] * (len(stored.steps) - 1)
    for step, source in zip(stored.steps, template.steps, strict=True):
        assert [x.text for x in step.substeps] == list(source.substeps)
        assert [x.position for x in step.substeps] == list(range(1, len(source.substeps) + 1))
        assert step.social_story == "\n".join(source.story)
        assert step.detail == source.detail


def test_create_from_unknown_template_stores_nothing(db, family):
    with pytest.raises(DomainError, match="Choose one"):
        ladders.create_ladder_from_template(db, family.child, family.user, "no-such-thing")
    assert db.exec(select(Ladder)).first() is None
    assert db.exec(select(Step)).first() is None and db.exec(select(SubStep)).first() is None


def test_update_ladder(db, ladder):
    ladders.update_ladder(db, ladder, goal=" Buy a snack alone ", area="other")
    assert (db.get(Ladder, ladder.id).goal, ladder.area) == ("Buy a snack alone", "other")


@pytest.mark.parametrize(("goal", "area"), [("", "school"), ("x" * 121, "school"),
                                            ("Fine goal", "nowhere")])
def test_update_ladder_refuses_bad_input_and_keeps_old_values(db, ladder, goal, area):
    with pytest.raises(DomainError):
        ladders.update_ladder(db, ladder, goal=goal, area=area)
    db.refresh(ladder)
    assert (ladder.goal, ladder.area) == ("Go to the shops", "outings")


def test_archive_and_unarchive(db, ladder):
    ladders.archive_ladder(db, ladder)
    assert ladder.status == "archived" and ladder.archived_at is not None
    ladders.archive_ladder(db, ladder)  # twice is harmless
    assert ladder.status == "archived"
    ladders.unarchive_ladder(db, ladder)
    db.refresh(ladder)
    assert ladder.status == "active" and ladder.archived_at is None


def test_archived_ladder_refuses_changes(db, ladder):
    ladders.archive_ladder(db, ladder)
    with pytest.raises(DomainError, match=re.escape(ARCHIVED_MESSAGE)):
        ladders.update_ladder(db, ladder, goal="New goal", area="school")
    with pytest.raises(DomainError, match="archived"):
        ladders.set_calming_plan(db, ladder, ["Push the wall"])
    db.refresh(ladder)
    assert ladder.goal == "Go to the shops" and ladder.calming_plan == []


def test_set_calming_plan_with_custom_and_removal(db, ladder):
    ladders.set_calming_plan(db, ladder, ["Push the wall", "Weighted lap pad"], "Blow bubbles")
    assert db.get(Ladder, ladder.id).calming_plan == ["Weighted lap pad", "Push the wall",
                                                      "Blow bubbles"]
    ladders.set_calming_plan(db, ladder, ["Weighted lap pad"], "")
    db.refresh(ladder)
    assert ladder.calming_plan == ["Weighted lap pad"]


@pytest.mark.parametrize(("chosen", "custom"), [(["Shout loudly"], ""), ([], "x" * 61)])
def test_set_calming_plan_refuses_bad_input(db, ladder, chosen, custom):
    ladders.set_calming_plan(db, ladder, [CALMING_STRATEGIES[0]])
    with pytest.raises(DomainError):
        ladders.set_calming_plan(db, ladder, chosen, custom)
    db.refresh(ladder)
    assert ladder.calming_plan == [CALMING_STRATEGIES[0]]


def test_ladders_for_child_splits_active_and_archived_newest_first(db, family, other_family):
    first = ladders.create_ladder(db, family.child, family.user, goal="One", area="school")
    second = ladders.create_ladder_from_template(db, family.child, family.user, "drop-off")
    old = ladders.create_ladder(db, family.child, family.user, goal="Old", area="sleep")
    ladders.archive_ladder(db, old)
    ladders.create_ladder(db, other_family.child, other_family.user, goal="Not ours",
                          area="school")
    active, archived = ladders.ladders_for_child(db, family.child)
    assert [ladder.id for ladder in active] == [second.id, first.id]
    assert [ladder.id for ladder in archived] == [old.id]
    assert len(active[0].steps) == 11
