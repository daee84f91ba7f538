"""Ladder pages through HTTP: list, build (template or scratch), show, edit, archive, calming."""
import re

import pytest
from sqlmodel import select

from graded_exposure.models import Ladder
from graded_exposure.rules.ladder_templates import TEMPLATES
from graded_exposure.services import ladders, steps
from tests.conftest import HX
from tests.factories import link, make_therapist, template_ladder
from tests.hostile_input import SCRIPT
from tests.lookups import counted_statements


def _all_ladders(db) -> list[Ladder]:
    db.expire_all()
    return list(db.exec(select(Ladder)))


def _new_url(family) -> str:
    return f"/children/{family.child.id}/ladders/new"


def test_new_ladder_page_offers_templates_and_scratch(family):
    page = family.client.get(_new_url(family)).get_data(as_text=True)
    assert page.count('name="template"') == len(TEMPLATES) >= 4
    for template in TEMPLATES:
        assert template.name in page
    assert "Create ladder" in page and 'name="goal"' in page and 'value="separation"' in page


def test_template_builds_a_whole_ladder_in_one_post(family, db):
    response = family.post(_new_url(family), {"start": "template", "template": "drop-off"})
    assert response.status_code == 303
    ladder = ladders.with_steps(db, _all_ladders(db)[0].id)
    assert response.headers["Location"] == f"/ladders/{ladder.id}"
    assert ladder.template_key == "drop-off" and ladder.child_id == family.child.id
    assert len(ladder.steps) == 11 and ladder.steps[0].status == "current"
    assert ladder.calming_plan and any(s.social_story for s in ladder.steps)
    assert all(s.substeps for s in ladder.steps)


def test_scratch_builds_an_empty_ladder(family, db):
    response = family.post(_new_url(family), {"start": "scratch", "goal": " Sleep in my bed ",
                                              "area": "sleep"})
    assert response.status_code == 303
    (ladder,) = _all_ladders(db)
    assert (ladder.goal, ladder.area, ladder.steps) == ("Sleep in my bed", "sleep", [])


@pytest.mark.parametrize(("data", "message"), [
    ({"start": "scratch", "goal": "", "area": "school"}, "Write the goal"),
    ({"start": "scratch", "goal": "x" * 121, "area": "school"}, "120"),
    ({"start": "scratch", "goal": "Go to school", "area": "space"}, "Not a valid choice"),
    ({"start": "scratch", "goal": "Go to school"}, "Choose an area"),
    ({"start": "template", "template": "no-such-ladder"}, "Not a valid choice"),
    ({"start": "template"}, "Choose one of the ladders"),
    ({"goal": "Go to school", "area": "school"}, "Choose a ladder below"),
])
def test_create_refuses_bad_input(family, db, data, message):
    response = family.post(_new_url(family), data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _all_ladders(db) == []


def test_create_ignores_mass_assignment(family, other_family, db):
    response = family.post(_new_url(family), {
        "start": "scratch", "goal": "Go to school", "area": "school", "status": "archived",
        "child_id": str(other_family.child.id), "id": "77", "ladder_id": "77",
        "template_key": "drop-off", "calming_plan": "Push the wall"})
    assert response.status_code == 303
    (ladder,) = _all_ladders(db)
    assert ladder.child_id == family.child.id and ladder.status == "active"
    assert ladder.id != 77 and ladder.template_key == "" and ladder.calming_plan == []


def test_create_without_csrf_is_refused(family, db):
    response = family.client.post(_new_url(family), data={"start": "template",
                                                          "template": "school-day"})
    assert response.status_code == 400
    assert _all_ladders(db) == []


def test_goal_with_script_is_escaped_everywhere(family, db):
    family.post(_new_url(family), {"start": "scratch", "goal": SCRIPT, "area": "other"})
    (ladder,) = _all_ladders(db)
    for url in (f"/ladders/{ladder.id}", f"/children/{family.child.id}/ladders",
                f"/ladders/{ladder.id}/edit"):
        page = family.client.get(url).get_data(as_text=True)
        assert SCRIPT not in page and "&lt;script&gt;" in page


def test_show_page_has_goal_calming_steps_progress_and_add_form(family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert ladder.goal in page and "School" in page
    assert 'id="calming"' in page and "Deep pressure hug" in page
    assert 'id="steps"' in page and page.count('class="badge current"') == 1
    assert f'id="step-{ladder.steps[0].id}" class="step step-current" aria-current="step"' in page
    assert 'class="progress"' in page and "0 of 11 steps mastered" in page
    assert 'id="add-step"' in page and 'name="predicted_fear"' in page
    assert f'action="/steps/{ladder.steps[1].id}/move"' in page


def test_show_page_reads_the_ladder_once_and_its_steps_in_one_statement(app, family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    with counted_statements(app.extensions["db_engine"]) as statements:
        page = family.client.get(f"/ladders/{ladder.id}")
    assert page.status_code == 200 and page.get_data(as_text=True).count('class="step ') == 11
    ladder_reads = [s for s in statements if re.match(r"SELECT ladder\.", s)]
    step_reads = [s for s in statements if re.search(r"\bFROM (step|substep)\b", s)]
    assert len(ladder_reads) == 1 and len(step_reads) == 1, ladder_reads + step_reads


def test_the_viewers_own_ladder_names_them_without_reading_names(app, family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    with counted_statements(app.extensions["db_engine"]) as statements:
        page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert f"Made by {family.user.display_name} on" in page
    assert not [s for s in statements if re.match(r"SELECT user\.id, user\.display_name", s)]


def test_someone_elses_ladder_names_its_author_and_changer(family):
    tara = make_therapist(family.db)
    link(family.db, tara, family.child)
    ladder = template_ladder(family.db, family.child, by=tara)
    steps.make_current(family.db, ladder.steps[1], by=family.user)
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert "Made by Tara on" in page and f"Changed by {family.user.display_name} on" in page


def test_links_inside_htmx_components_do_not_inherit_their_target(family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    steps_html = page[page.index('<section id="steps"'):page.index('id="add-step"')]
    links = re.findall(r"<a [^>]*>", steps_html)
    assert links and all('hx-boost="false"' in link for link in links)


def test_pages_have_unique_element_ids(family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    urls = [f"/ladders/{ladder.id}", _new_url(family), f"/steps/{ladder.steps[0].id}/edit",
            f"/children/{family.child.id}/ladders", f"/ladders/{ladder.id}/edit"]
    for url in urls:
        ids = re.findall(r'\sid="([^"]+)"', family.client.get(url).get_data(as_text=True))
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))


def test_show_page_marks_a_big_jump(family):
    ladder = ladders.create_ladder(family.db, family.child, family.user, goal="G", area="other")
    steps.add_step(family.db, ladder, title="Easy", predicted_fear=1)
    steps.add_step(family.db, ladder, title="Cliff", predicted_fear=8)
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert "A big jump from the step before" in page


def test_archived_ladder_is_read_only(family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    ladders.archive_ladder(family.db, ladder)
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert "Unarchive this ladder" in page and ladder.steps[0].title in page
    for form_bit in ('id="add-step"', "/move", "/make-current", "/toggle", "Edit goal",
                     "Change the calming plan", "Archive this ladder"):
        assert form_bit not in page
    edit = family.client.get(f"/ladders/{ladder.id}/edit").get_data(as_text=True)
    assert 'name="goal"' not in edit and "archived" in edit


def test_index_lists_active_and_archived_ladders_as_cards(family):
    active = template_ladder(family.db, family.child, by=family.user)
    archived = template_ladder(family.db, family.child, "parties-social", by=family.user)
    ladders.archive_ladder(family.db, archived)
    page = family.client.get(f"/children/{family.child.id}/ladders").get_data(as_text=True)
    assert f'id="ladder-{active.id}"' in page and f'id="ladder-{archived.id}"' in page
    assert page.index(f'id="ladder-{active.id}"') < page.index("Archived")
    assert f"/children/{family.child.id}/ladders/new" in page
    assert "Now practising: <strong>Wear school clothes at home</strong>" in page


def test_ladder_card_partial_renders_alone(app, family):
    ladder = ladders.with_steps(family.db, template_ladder(family.db, family.child, by=family.user).id)
    with app.test_request_context():
        from flask import render_template
        html = render_template("ladders/_ladder_card.html", ladder=ladder)
    assert html.strip().startswith(f'<article id="ladder-{ladder.id}"') and "<html" not in html
    assert "0 of 11 steps mastered" in html and f'href="/ladders/{ladder.id}"' in html


def test_edit_ladder(family, db):
    ladder = template_ladder(family.db, family.child, by=family.user)
    assert 'value="Go to school for a whole day"' in family.client.get(
        f"/ladders/{ladder.id}/edit").get_data(as_text=True)
    response = family.post(f"/ladders/{ladder.id}/edit", {"goal": "Whole school week",
                                                          "area": "other", "status": "archived",
                                                          "child_id": "999"})
    assert response.status_code == 303
    db.expire_all()
    stored = db.get(Ladder, ladder.id)
    assert (stored.goal, stored.area, stored.status, stored.child_id) == (
        "Whole school week", "other", "active", family.child.id)


@pytest.mark.parametrize(("data", "message"), [
    ({"goal": "", "area": "school"}, "Write the goal"),
    ({"goal": "x" * 121, "area": "school"}, "120"),
    ({"goal": "Fine", "area": "moon"}, "Not a valid choice"),
])
def test_edit_ladder_refuses_bad_input(family, db, data, message):
    ladder = template_ladder(family.db, family.child, by=family.user)
    response = family.post(f"/ladders/{ladder.id}/edit", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Ladder, ladder.id).goal == "Go to school for a whole day"


def test_edit_archived_ladder_is_refused(family, db):
    ladder = template_ladder(family.db, family.child, by=family.user)
    ladders.archive_ladder(family.db, ladder)
    response = family.post(f"/ladders/{ladder.id}/edit", {"goal": "New", "area": "school"})
    assert response.status_code == 422
    db.expire_all()
    assert db.get(Ladder, ladder.id).goal == "Go to school for a whole day"


def test_archive_and_unarchive(family, db):
    ladder = template_ladder(family.db, family.child, by=family.user)
    response = family.post(f"/ladders/{ladder.id}/archive", {"status": "active"})
    assert response.status_code == 303 and response.headers["Location"] == f"/ladders/{ladder.id}"
    db.expire_all()
    assert db.get(Ladder, ladder.id).status == "archived"
    assert family.post(f"/ladders/{ladder.id}/unarchive").status_code == 303
    db.expire_all()
    assert db.get(Ladder, ladder.id).status == "active"


def test_calming_plan_saves_and_removes_custom_strategies(family, db):
    ladder = template_ladder(family.db, family.child, by=family.user)
    response = family.post(f"/ladders/{ladder.id}/calming", {
        "strategies": ["Push the wall", "Weighted lap pad"], "custom": "Blow bubbles",
        "calming_plan": "injected"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#calming"
    db.expire_all()
    assert db.get(Ladder, ladder.id).calming_plan == ["Weighted lap pad", "Push the wall",
                                                      "Blow bubbles"]
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert 'value="Blow bubbles"' in page and "Untick one of your own" in page
    family.post(f"/ladders/{ladder.id}/calming", {"strategies": ["Push the wall"]})
    db.expire_all()
    assert db.get(Ladder, ladder.id).calming_plan == ["Push the wall"]


def test_calming_plan_with_htmx_returns_the_component(family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    response = family.post(f"/ladders/{ladder.id}/calming",
                           {"strategies": ["Cold water on hands"], "custom": SCRIPT}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="calming"')
    assert SCRIPT not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(("data", "message"), [
    ({"strategies": ["Run away"]}, "Choose strategies from the list"),
    ({"strategies": ["Push the wall"], "custom": "x" * 61}, "60"),
])
def test_calming_plan_refuses_bad_input(family, db, data, message):
    ladder = template_ladder(family.db, family.child, by=family.user)
    for headers in ({}, HX):
        response = family.post(f"/ladders/{ladder.id}/calming", data, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and message in html
    assert "<html" not in html
    db.expire_all()
    assert db.get(Ladder, ladder.id).calming_plan == list(TEMPLATES[0].calming)


def test_calming_plan_of_archived_ladder_is_refused(family, db):
    ladder = template_ladder(family.db, family.child, by=family.user)
    ladders.archive_ladder(family.db, ladder)
    response = family.post(f"/ladders/{ladder.id}/calming", {"strategies": ["Push the wall"]})
    assert response.status_code == 422
    assert "archived. Unarchive it" in response.get_data(as_text=True)


@pytest.mark.parametrize(("method", "path"), [
    ("post", "/ladders/{ladder}/edit"), ("post", "/ladders/{ladder}/archive"),
    ("post", "/ladders/{ladder}/unarchive"), ("post", "/ladders/{ladder}/calming"),
])
def test_posts_without_csrf_are_refused(family, db, method, path):
    ladder = template_ladder(family.db, family.child, by=family.user)
    response = family.client.post(path.format(ladder=ladder.id),
                                  data={"goal": "Changed", "area": "other",
                                        "strategies": ["Push the wall"]})
    assert response.status_code == 400
    db.expire_all()
    stored = db.get(Ladder, ladder.id)
    assert stored.goal == "Go to school for a whole day" and stored.status == "active"
    assert stored.calming_plan == list(TEMPLATES[0].calming)


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/children/{child}/ladders"),
    ("get", "/children/{child}/ladders/new"),
    ("post", "/children/{child}/ladders/new"),
    ("get", "/ladders/{ladder}"),
    ("get", "/ladders/{ladder}/edit"),
    ("post", "/ladders/{ladder}/edit"),
    ("post", "/ladders/{ladder}/archive"),
    ("post", "/ladders/{ladder}/unarchive"),
    ("post", "/ladders/{ladder}/calming"),
])
def test_another_family_gets_404(family, other_family, db, method, path):
    ladder = template_ladder(family.db, family.child, by=family.user)
    url = path.format(child=family.child.id, ladder=ladder.id)
    data = {"start": "template", "template": "school-day", "goal": "Mine", "area": "school",
            "strategies": ["Push the wall"]}
    if method == "get":
        response = other_family.client.get(url)
        fragment = other_family.client.get(url, headers=HX)
        assert fragment.status_code == 404 and "<html" not in fragment.get_data(as_text=True)
    else:
        response = other_family.post(url, data)
    assert response.status_code == 404
    assert len(_all_ladders(db)) == 1
    db.expire_all()
    assert db.get(Ladder, ladder.id).goal == "Go to school for a whole day"


def test_pages_need_login(client, family):
    ladder = template_ladder(family.db, family.child, by=family.user)
    assert client.get(f"/ladders/{ladder.id}").status_code == 302
    assert client.get(f"/children/{family.child.id}/ladders").status_code == 302
