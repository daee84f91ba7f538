"""Step and sub-step routes through HTTP: add, edit, delete, move, make current, checklist."""
import pytest
from sqlmodel import select

from graded_exposure.models import AuditEvent, Step, SubStep
from graded_exposure.services import ladders
from tests.conftest import HX, Therapist
from tests.factories import link, template_ladder
from tests.hostile_input import SCRIPT


def _steps(db, ladder_id: int) -> list[Step]:
    db.expire_all()
    return ladders.with_steps(db, ladder_id).steps


def _assert_invariants(db, ladder_id: int) -> list[Step]:
    found = _steps(db, ladder_id)
    assert [s.position for s in found] == list(range(1, len(found) + 1))
    assert [s.status for s in found].count("current") == 1
    return found


def _is_fragment(response, root: str) -> str:
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith(root), html[:200]
    return html


# ---- add a step -------------------------------------------------------------------------

def test_add_step_with_the_highest_fear_goes_at_the_top(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    response = family.post(f"/ladders/{ladder.id}/steps", {
        "title": "Buy lunch in the café", "predicted_fear": "9", "detail": "At noon",
        "social_story": "I order.\nI pay."})
    found = _assert_invariants(db, ladder.id)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#step-{found[-1].id}"
    last = found[-1]
    assert (last.title, last.predicted_fear, last.detail, last.social_story, last.status) == (
        "Buy lunch in the café", 9, "At noon", "I order.\nI pay.", "upcoming")


def test_add_step_with_htmx_returns_the_step_list(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    response = family.post(f"/ladders/{ladder.id}/steps",
                           {"title": SCRIPT, "predicted_fear": "8"}, headers=HX)
    assert response.status_code == 200
    html = _is_fragment(response, '<section id="steps"')
    assert SCRIPT not in html and "&lt;script&gt;" in html
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"title": ""}, "Give the step a short title"),
    ({"title": "   "}, "Give the step a short title"),
    ({"title": "x" * 121}, "120"),
    ({"predicted_fear": "-1"}, "Not a valid choice"),
    ({"predicted_fear": "11"}, "Not a valid choice"),
    ({"predicted_fear": "abc"}, "could not coerce"),
    ({"predicted_fear": ""}, "Choose a number from 0 to 10"),
    ({"detail": "x" * 10_000}, "1000"),
    ({"social_story": "x" * 1001}, "1000"),
])
def test_add_step_refuses_bad_input(family, db, data, message):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    before = len(ladder.steps)
    for headers in ({}, HX):
        response = family.post(f"/ladders/{ladder.id}/steps",
                               {"title": "Fine", "predicted_fear": "5", **data}, headers=headers)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    _is_fragment(response, '<section id="steps"')
    assert len(_steps(db, ladder.id)) == before


def test_add_step_ignores_mass_assignment(family, other_family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    theirs = template_ladder(other_family.db, other_family.child, "shops-outings", by=other_family.user)
    mine_before, theirs_before = len(ladder.steps), len(theirs.steps)
    family.post(f"/ladders/{ladder.id}/steps", {
        "title": "Extra", "predicted_fear": "5", "ladder_id": str(theirs.id),
        "status": "mastered", "position": "1", "id": "999", "child_id": str(other_family.child.id)})
    found = _assert_invariants(db, ladder.id)
    extra = next(s for s in found if s.title == "Extra")
    assert extra.status == "upcoming" and extra.id != 999 and len(found) == mine_before + 1
    assert extra.position == 1 + sum(s.predicted_fear <= 5 for s in found if s is not extra)
    assert len(_steps(db, theirs.id)) == theirs_before


# ---- edit a step ------------------------------------------------------------------------

def test_edit_step_page_shows_the_thermometer(family):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[2]
    page = family.client.get(f"/steps/{step.id}/edit").get_data(as_text=True)
    assert f'value="{step.title}"' in page
    assert page.count('type="radio"') == 11
    assert f'name="predicted_fear" value="{step.predicted_fear}" checked' in page
    assert 'class="lvl-10"' in page and 'id="substeps-' in page


def test_edit_step(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    step = ladder.steps[1]
    response = family.post(f"/steps/{step.id}/edit", {
        "title": "Sit outside the shop", "predicted_fear": "3", "detail": "Ten minutes\r\nlater",
        "social_story": "I watch.", "status": "mastered", "ladder_id": "999", "position": "9"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#step-{step.id}"
    db.expire_all()
    stored = db.get(Step, step.id)
    assert (stored.title, stored.predicted_fear, stored.detail, stored.social_story) == (
        "Sit outside the shop", 3, "Ten minutes\nlater", "I watch.")
    assert (stored.status, stored.ladder_id, stored.position) == ("upcoming", ladder.id, 2)


@pytest.mark.parametrize(("data", "message"), [
    ({"title": ""}, "Give the step a short title"),
    ({"title": "x" * 121}, "120"),
    ({"predicted_fear": "-1"}, "Not a valid choice"),
    ({"predicted_fear": "11"}, "Not a valid choice"),
    ({"predicted_fear": "abc"}, "could not coerce"),
    ({"detail": "x" * 10_000}, "1000"),
    ({"social_story": "x" * 1001}, "1000"),
    ({"sensory_story": "x" * 501}, "500"),
])
def test_edit_step_refuses_bad_input(family, db, data, message):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    response = family.post(f"/steps/{step.id}/edit",
                           {"title": "Fine", "predicted_fear": "5", **data})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    stored = db.get(Step, step.id)
    assert (stored.title, stored.predicted_fear, stored.detail, stored.sensory_story) == (
        step.title, step.predicted_fear, step.detail, "")


def test_edit_step_keeps_a_sensory_story(family, db):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[1]
    story = "I will see the big doors.\r\nI will hear the beeps at the till."
    response = family.post(f"/steps/{step.id}/edit", {"title": "Go in", "predicted_fear": "4",
                                                      "sensory_story": story})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Step, step.id).sensory_story == story.replace("\r\n", "\n")
    page = family.client.get(f"/steps/{step.id}/edit").get_data(as_text=True)
    assert 'name="sensory_story"' in page and "I will hear the beeps at the till." in page
    assert "see, hear, feel and smell" in page  # the prompt beside the box


def test_step_title_with_script_is_escaped_on_the_step_page(family, db):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    family.post(f"/steps/{step.id}/edit", {"title": SCRIPT, "predicted_fear": "1",
                                           "social_story": SCRIPT})
    page = family.client.get(f"/steps/{step.id}/edit").get_data(as_text=True)
    assert SCRIPT not in page and "&lt;script&gt;" in page


# ---- delete, move, make current ---------------------------------------------------------

def test_delete_current_step_moves_current_on_and_renumbers(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    current_id, next_id, count = ladder.steps[0].id, ladder.steps[1].id, len(ladder.steps)
    response = family.post(f"/steps/{current_id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#steps"
    found = _assert_invariants(db, ladder.id)
    assert len(found) == count - 1
    assert found[0].id == next_id and found[0].status == "current"
    assert db.get(Step, current_id) is None


@pytest.mark.parametrize(("index", "direction", "swapped_with"), [
    (1, "up", 0), (1, "down", 2), (0, "up", None), (-1, "down", None)])
def test_move_without_javascript_redirects_back(family, db, index, direction, swapped_with):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    step = ladder.steps[index]
    expected = [s.id for s in ladder.steps]
    response = family.post(f"/steps/{step.id}/move", {"direction": direction})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#step-{step.id}"
    ids = [s.id for s in _assert_invariants(db, ladder.id)]
    if swapped_with is not None:
        expected[index], expected[swapped_with] = expected[swapped_with], expected[index]
    assert ids == expected


def test_move_with_htmx_returns_the_step_list_in_its_new_order(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    first, second = ladder.steps[0], ladder.steps[1]
    response = family.post(f"/steps/{second.id}/move", {"direction": "up"}, headers=HX)
    assert response.status_code == 200
    html = _is_fragment(response, '<section id="steps"')
    assert html.index(f'id="step-{second.id}"') < html.index(f'id="step-{first.id}"')
    assert 'hx-target="this"' in html and f'hx-post="/steps/{first.id}/move-to"' in html
    # Up and down join the step's one moving form and post to the move address.
    assert f'form="move-{first.id}" formaction="/steps/{first.id}/move"' in html
    assert html.count('name="csrf_token"') == html.count("<form")


@pytest.mark.parametrize("direction", ["sideways", "", "UP"])
def test_move_refuses_unknown_direction(family, db, direction):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    before = [s.id for s in ladder.steps]
    response = family.post(f"/steps/{ladder.steps[1].id}/move", {"direction": direction},
                           headers=HX)
    assert response.status_code == 422
    assert "Move a step up or down" in _is_fragment(response, '<section id="steps"')
    assert [s.id for s in _steps(db, ladder.id)] == before


def test_make_current_next_step_needs_no_confirmation_and_can_be_undone(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    first, second = ladder.steps[0], ladder.steps[1]
    response = family.post(f"/steps/{second.id}/make-current")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}"  # the flash, with Undo
    found = _assert_invariants(db, ladder.id)
    assert found[1].status == "current" and found[0].status == "upcoming"
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert f"“{second.title}” is now the current step." in page
    assert f'action="/ladders/{ladder.id}/undo-current"' in page

    undone = family.post(f"/ladders/{ladder.id}/undo-current")
    assert undone.status_code == 303
    assert [s.status for s in _assert_invariants(db, ladder.id)[:2]] == ["current", "upcoming"]
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert f"Back to practising “{first.title}”." in page and "undo-current" not in page
    again = family.post(f"/ladders/{ladder.id}/undo-current")  # the offer is used up
    assert again.status_code == 303
    assert "can no longer be undone" in family.client.get(again.headers["Location"]).get_data(
        as_text=True)
    assert _assert_invariants(db, ladder.id)[0].status == "current"


def test_make_current_that_skips_steps_asks_first(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    target, skipped = ladder.steps[3], ladder.steps[1:3]
    for headers in ({}, HX):
        response = family.post(f"/steps/{target.id}/make-current", headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "This changes the plan" in html
        assert all(s.title in html for s in skipped) and 'name="confirm" value="yes"' in html
        assert f"/practices/new?step={target.id}" in html  # a one-off practice instead
        assert _assert_invariants(db, ladder.id)[0].status == "current"

    response = family.post(f"/steps/{target.id}/make-current", {"confirm": "yes"})
    assert response.status_code == 303
    assert _assert_invariants(db, ladder.id)[3].status == "current"


def test_going_back_down_needs_no_confirmation(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    family.post(f"/steps/{ladder.steps[3].id}/make-current", {"confirm": "yes"})
    again = family.post(f"/steps/{ladder.steps[0].id}/make-current", headers=HX)
    html = _is_fragment(again, '<section id="steps"')
    assert f'id="step-{ladder.steps[0].id}" class="step step-current"' in html
    assert _assert_invariants(db, ladder.id)[0].status == "current"


@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


def test_a_therapists_plan_change_and_its_undo_are_audited(tara, family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    tara.post(f"/steps/{ladder.steps[3].id}/make-current", {"confirm": "yes"})
    assert tara.post(f"/ladders/{ladder.id}/undo-current").status_code == 303
    subjects = [e.subject for e in db.exec(select(AuditEvent).where(
        AuditEvent.action == "ladder_changed")).all()]
    assert any("current step chosen, 2 steps skipped" in s for s in subjects), subjects
    assert any("current step put back" in s for s in subjects), subjects
    assert _assert_invariants(db, ladder.id)[0].status == "current"


def test_undo_without_a_change_is_refused_calmly(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    response = family.post(f"/ladders/{ladder.id}/undo-current")
    assert response.status_code == 303
    page = family.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "can no longer be undone" in page
    assert _assert_invariants(db, ladder.id)[0].status == "current"


def test_every_step_offers_a_practice_log_and_the_current_one_first(family):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    html = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    for step in ladder.steps:
        assert f'href="/children/{family.child.id}/practices/new?step={step.id}">Log a practice' in html
    current = html[html.index(f'id="step-{ladder.steps[0].id}"'):
                   html.index(f'id="step-{ladder.steps[1].id}"')]
    assert 'class="button small primary" hx-boost="false"' in current
    assert "Make this the current step" not in current
    assert "Practise this now" not in html and "Make this the current step" in html


def test_a_therapist_sees_no_practice_log_on_the_ladder(tara, family):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    html = tara.page(f"/ladders/{ladder.id}")
    assert "Make this the current step" in html and "Log a practice" not in html


# ---- move a step to a place -------------------------------------------------------------

def test_move_to_a_place_in_one_request(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    last = ladder.steps[-1]
    response = family.post(f"/steps/{last.id}/move-to", {"position": "2"})
    assert response.status_code == 303
    assert _assert_invariants(db, ladder.id)[1].id == last.id
    response = family.post(f"/steps/{last.id}/move-to", {"position": "1"}, headers=HX)
    html = _is_fragment(response, '<section id="steps"')
    assert html.index(f'id="step-{last.id}"') < html.index(f'id="step-{ladder.steps[0].id}"')
    assert f'hx-post="/steps/{last.id}/move-to"' in html
    assert _assert_invariants(db, ladder.id)[0].id == last.id


@pytest.mark.parametrize(("position", "message"), [
    ("", "Choose a place on the ladder"), ("0", "from 1 to 30"), ("abc", "from 1 to 30"),
    ("31", "from 1 to 30"), ("12", "from 1 to"), ("99999999999999999999", "from 1 to 30")])
def test_move_to_refuses_a_place_off_the_ladder(family, db, position, message):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    before = [s.id for s in ladder.steps]
    for headers in ({}, HX):
        response = family.post(f"/steps/{ladder.steps[1].id}/move-to", {"position": position},
                               headers=headers)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert [s.id for s in _steps(db, ladder.id)] == before


# ---- sub-steps --------------------------------------------------------------------------

def test_add_substep_with_and_without_htmx(family, db):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    count = len(step.substeps)
    response = family.post(f"/steps/{step.id}/substeps", {"text": "Hold hands", "done": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/steps/{step.id}/edit#small-steps"
    response = family.post(f"/steps/{step.id}/substeps", {"text": SCRIPT}, headers=HX)
    html = _is_fragment(response, f'<div id="substeps-{step.id}"')
    assert SCRIPT not in html and "&lt;script&gt;" in html and 'name="text"' in html
    db.expire_all()
    items = db.get(Step, step.id).substeps
    assert [s.position for s in items] == list(range(1, count + 3))
    assert items[count].text == "Hold hands" and items[count].done is False


@pytest.mark.parametrize(("text", "message"), [("", "Write the small step"),
                                               ("x" * 121, "120")])
def test_add_substep_refuses_bad_input(family, db, text, message):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    for headers in ({}, HX):
        response = family.post(f"/steps/{step.id}/substeps", {"text": text}, headers=headers)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    _is_fragment(response, f'<div id="substeps-{step.id}"')
    db.expire_all()
    assert len(db.get(Step, step.id).substeps) == len(step.substeps)


def _toggle(step) -> str:
    return f"/steps/{step.id}/substeps/toggle"


def test_tick_and_untick_a_substep_from_the_ladder_page(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    step = ladder.steps[0]
    item = step.substeps[0]
    response = family.post(_toggle(step), {"tick": str(item.id)})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#step-{step.id}"
    db.expire_all()
    assert db.get(SubStep, item.id).done is True
    # The same request again (a double tap) keeps it ticked.
    family.post(_toggle(step), {"tick": str(item.id)})
    db.expire_all()
    assert db.get(SubStep, item.id).done is True
    assert family.post(_toggle(step), {"untick": str(item.id)}).status_code == 303
    db.expire_all()
    assert [x.done for x in db.get(Step, step.id).substeps] == [False] * len(step.substeps)


def test_ladder_page_ticks_a_checklist_with_one_form_naming_each_item(family):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    step = ladder.steps[0]
    family.post(_toggle(step), {"tick": str(step.substeps[1].id)})
    html = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    checklist = html[html.index(f'<div id="substeps-{step.id}"'):]
    checklist = checklist[:checklist.index("</div>")]
    assert checklist.count("<form") == 1 and checklist.count('name="csrf_token"') == 1
    assert f'action="{_toggle(step)}"' in checklist
    assert f'name="tick" value="{step.substeps[0].id}"' in checklist
    assert f'name="untick" value="{step.substeps[1].id}"' in checklist
    assert html.count('name="csrf_token"') < len(ladder.steps) * 3


def test_toggle_substep_with_htmx_returns_the_checklist(family, db):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    item = step.substeps[1]
    response = family.post(_toggle(step), {"page": "step", "tick": str(item.id)}, headers=HX)
    html = _is_fragment(response, f'<div id="substeps-{step.id}"')
    assert 'aria-pressed="true"' in html and "Remove" in html
    assert f'formaction="/substeps/{item.id}/delete"' in html
    tick_only = family.post(_toggle(step), {"untick": str(item.id)}, headers=HX)
    html = _is_fragment(tick_only, f'<div id="substeps-{step.id}"')
    assert "Remove" not in html and 'aria-pressed="true"' not in html
    db.expire_all()
    assert db.get(SubStep, item.id).done is False


def test_toggle_from_step_page_redirects_there(family):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    response = family.post(_toggle(step), {"page": "step", "tick": str(step.substeps[0].id)})
    assert response.headers["Location"] == f"/steps/{step.id}/edit#small-steps"


@pytest.mark.parametrize("choice", [
    {}, {"tick": ""}, {"tick": "abc"}, {"tick": "-1"}, {"tick": "1.5"}, {"tick": "²"},
    {"tick": "9" * 19}, {"done": "yes"}, {"tick": "FIRST", "untick": "FIRST"},
    {"tick": ["FIRST", "SECOND"]}])
@pytest.mark.parametrize("page", ["ladder", "step"])
def test_toggle_refuses_a_choice_that_names_no_single_substep(family, db, choice, page):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    step = ladder.steps[0]
    ids = {"FIRST": str(step.substeps[0].id), "SECOND": str(step.substeps[1].id)}
    data = {name: [ids.get(v, v) for v in value] if isinstance(value, list)
            else ids.get(value, value) for name, value in choice.items()}
    data = {**data, **({"page": "step"} if page == "step" else {})}
    before = _snapshot(db, ladder.id)
    for headers in ({}, HX):
        response = family.post(_toggle(step), data, headers=headers)
        assert response.status_code == 422
        assert "Choose a small step to tick or untick." in response.get_data(as_text=True)
    _is_fragment(response, f'<div id="substeps-{step.id}"')
    assert _snapshot(db, ladder.id) == before


def test_toggle_is_404_for_a_substep_of_another_step(family, other_family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    theirs = template_ladder(family.db, other_family.child, "shops-outings", by=other_family.user)
    step = ladder.steps[0]
    before = _snapshot(db, ladder.id), _snapshot(db, theirs.id)
    for item in (ladder.steps[1].substeps[0], theirs.steps[0].substeps[0]):
        for name in ("tick", "untick"):
            for headers in ({}, HX):
                response = family.post(_toggle(step), {name: str(item.id)}, headers=headers)
                assert response.status_code == 404
    assert family.post(_toggle(step), {"tick": "99999"}).status_code == 404
    assert (_snapshot(db, ladder.id), _snapshot(db, theirs.id)) == before


def test_delete_substep_renumbers(family, db):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    first_id, count = step.substeps[0].id, len(step.substeps)
    response = family.post(f"/substeps/{first_id}/delete", headers=HX)
    _is_fragment(response, f'<div id="substeps-{step.id}"')
    db.expire_all()
    remaining = db.get(Step, step.id).substeps
    assert [s.position for s in remaining] == list(range(1, count))
    assert db.get(SubStep, first_id) is None
    assert family.post(f"/substeps/{remaining[0].id}/delete").status_code == 303


# ---- archived ladders, CSRF, other families -----------------------------------------------

def _routes(ladder):
    step, item = ladder.steps[1], ladder.steps[1].substeps[0]
    return [
        (f"/ladders/{ladder.id}/steps", {"title": "New", "predicted_fear": "3"}),
        (f"/steps/{step.id}/edit", {"title": "Changed", "predicted_fear": "3"}),
        (f"/steps/{step.id}/delete", {}),
        (f"/steps/{step.id}/move", {"direction": "up"}),
        (f"/steps/{step.id}/make-current", {}),
        (f"/steps/{step.id}/substeps", {"text": "More"}),
        (f"/steps/{step.id}/substeps/toggle", {"tick": str(item.id)}),
        (f"/substeps/{item.id}/delete", {}),
    ]


def _snapshot(db, ladder_id):
    db.expire_all()
    return [(s.id, s.title, s.position, s.status, [(x.id, x.done) for x in s.substeps])
            for s in ladders.with_steps(db, ladder_id).steps]


def test_archived_ladder_refuses_step_changes(family, db):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    ladders.archive_ladder(family.db, ladder)
    before = _snapshot(db, ladder.id)
    for url, data in _routes(ladder):
        for headers in ({}, HX):
            response = family.post(url, data, headers=headers)
            assert response.status_code == 422, url
            assert "archived. Unarchive it" in response.get_data(as_text=True), url
    assert _snapshot(db, ladder.id) == before
    page = family.client.get(f"/steps/{ladder.steps[1].id}/edit").get_data(as_text=True)
    assert 'name="title"' not in page and "Delete step" not in page and "/toggle" not in page


@pytest.mark.parametrize("index", range(8))
def test_posts_without_csrf_are_refused(family, db, index):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    before = _snapshot(db, ladder.id)
    url, data = _routes(ladder)[index]
    for headers in ({}, HX):
        assert family.client.post(url, data=data, headers=headers).status_code == 400
    assert _snapshot(db, ladder.id) == before


@pytest.mark.parametrize("index", range(8))
def test_another_family_gets_404_on_posts(family, other_family, db, index):
    ladder = template_ladder(family.db, family.child, "shops-outings", by=family.user)
    before = _snapshot(db, ladder.id)
    url, data = _routes(ladder)[index]
    for headers in ({}, HX):
        assert other_family.post(url, data, headers=headers).status_code == 404
    assert _snapshot(db, ladder.id) == before


def test_another_family_gets_404_on_the_step_page(family, other_family):
    step = template_ladder(family.db, family.child, "shops-outings", by=family.user).steps[0]
    assert other_family.client.get(f"/steps/{step.id}/edit").status_code == 404
    assert other_family.client.get(f"/steps/{step.id}/edit", headers=HX).status_code == 404


def test_unknown_ids_are_404(family):
    assert family.post("/steps/99999/move", {"direction": "up"}).status_code == 404
    assert family.post("/steps/99999/substeps/toggle", {"tick": "1"}).status_code == 404
    assert family.post("/ladders/99999/steps", {"title": "x"}).status_code == 404
    assert len(list(family.db.exec(select(Step)))) == 0
