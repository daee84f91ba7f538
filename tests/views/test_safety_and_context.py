"""Safety behaviours and contexts through HTTP: the practice form's chips, the ladder's list,
the mastery rule's places, and fading a safety behaviour from the progress page."""
import pytest
from sqlmodel import select

from graded_exposure.models import Ladder, Practice, Step
from graded_exposure.services import steps
from tests.conftest import HX, Therapist, link_by_code
from tests.factories import current_step, make_ladder, practise_on_days
from tests.hostile_input import SCRIPT
from tests.lookups import practice_count
from tests.practice_form import form_defaults, open_form

HAND = "Holding a hand"
RULE = {"mastery_min_practices": "3", "mastery_min_days": "2", "mastery_max_peak": "3",
        "mastery_count_halving": "y"}


@pytest.fixture
def ladder(db, family):
    return make_ladder(db, family.child, goal="School", steps=3, fears=[2, 4, 6], by=family.user,
                       safety_behaviours=[HAND, "Mum's scarf"])


def _post_practice(family, ladder, **fields):
    data = dict(form_defaults(open_form(family, current_step(ladder))).values)
    data.update(fear_before="6", fear_after="3", **fields)
    return family.client.post(f"/children/{family.child.id}/practices", data=data)


def _mastered(db, ladder, used=(HAND,)) -> Step:
    first = ladder.steps[0]
    practise_on_days(db, first, days=(0, 0, 1), safety_used=list(used))
    steps.confirm_mastered(db, first)
    return first


# ---- the practice form ------------------------------------------------------------------------

def test_the_form_offers_the_ladders_safety_behaviours_and_the_contexts_folded(family, ladder):
    html = open_form(family, current_step(ladder))
    details = html[html.index("<details class=\"card\""):html.index("</details>", html.index("<details class=\"card\""))]
    for value in (HAND, "Mum&#39;s scarf"):
        assert f'name="safety_used" value="{value}"' in details
    for name, value in (("context_where", "park"), ("context_with", "friend"),
                        ("context_time", "evening")):
        assert f'name="{name}"' in details and f'value="{value}"' in details
    assert 'name="safety_behaviours"' not in html  # the old free text only where it was written


def test_a_practice_records_what_was_leaned_on_and_where(family, ladder, db):
    response = _post_practice(family, ladder, safety_used=[HAND, "Mum's scarf"],
                              context_where="park", context_with="friend",
                              context_time="afternoon")
    assert response.status_code == 303
    p = db.exec(select(Practice)).one()
    assert p.safety_used == [HAND, "Mum's scarf"]
    assert (p.context_where, p.context_with, p.context_time) == ("park", "friend", "afternoon")


def test_without_the_optional_details_nothing_is_recorded_about_them(family, ladder, db):
    assert _post_practice(family, ladder).status_code == 303
    p = db.exec(select(Practice)).one()
    assert (p.safety_used, p.context_where, p.context_with, p.context_time) == ([], "", "", "")


@pytest.mark.parametrize(("fields", "message"), [
    ({"context_where": "moon"}, "Choose where it happened from the list."),
    ({"context_with": "stranger"}, "Choose who was there from the list."),
    ({"context_time": "midnight"}, "Choose the time of day from the list."),
    ({"safety_used": ["x" * 61]}, "A safety behaviour can be at most 60 characters."),
    ({"safety_used": [f"thing {n}" for n in range(13)]}, "Choose at most 12 safety behaviours."),
])
def test_bad_safety_or_context_is_refused_and_nothing_stored(family, ladder, db, fields, message):
    response = _post_practice(family, ladder, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert practice_count(db) == 0


def test_editing_an_old_practice_shows_its_free_text_and_keeps_it(family, ladder, db):
    _post_practice(family, ladder)
    p = db.exec(select(Practice)).one()
    p.safety_behaviours = "Held my hand at the gate"
    db.commit()
    html = family.client.get(f"/practices/{p.id}/edit").get_data(as_text=True)
    assert "Held my hand at the gate" in html and 'name="safety_behaviours"' in html
    data = dict(form_defaults(html).values)  # (its parser leaves textareas empty)
    data.update(safety_used=[HAND], context_where="home",
                safety_behaviours="Held my hand at the gate")
    assert family.client.post(f"/practices/{p.id}/edit", data=data).status_code == 303
    db.expire_all()
    p = db.get(Practice, p.id)
    assert (p.safety_behaviours, p.safety_used, p.context_where) == (
        "Held my hand at the gate", [HAND], "home")


# ---- the ladder's list ------------------------------------------------------------------------

def test_the_edit_page_lists_suggestions_and_the_familys_own(family, ladder):
    html = family.client.get(f"/ladders/{ladder.id}/edit").get_data(as_text=True)
    assert 'id="safety"' in html and 'value="A phone in the pocket"' in html
    assert '<input checked id="behaviours-6" name="behaviours" type="checkbox" value="Mum&#39;s scarf">' in html


def test_the_family_changes_the_list(family, ladder, db):
    response = family.post(f"/ladders/{ladder.id}/safety",
                           {"behaviours": ["Sitting by the door"], "custom": "Grandma's song"})
    assert response.status_code == 303 and response.location.endswith("/edit#safety")
    db.expire_all()
    assert db.get(Ladder, ladder.id).safety_behaviours == ["Sitting by the door", "Grandma's song"]


def test_htmx_gets_the_list_back_alone(family, ladder):
    response = family.post(f"/ladders/{ladder.id}/safety", {"behaviours": [HAND]}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="safety"') and "Safety behaviours saved." in html


@pytest.mark.parametrize(("data", "message"), [
    ({"behaviours": ["Made up"]}, "Choose safety behaviours from the list."),
    ({"custom": "x" * 61}, "Keep this to 60 characters or fewer"),
])
def test_a_bad_list_is_refused_and_nothing_changes(family, ladder, db, data, message):
    response = family.post(f"/ladders/{ladder.id}/safety", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Ladder, ladder.id).safety_behaviours == [HAND, "Mum's scarf"]


def test_script_in_an_own_behaviour_is_inert(family, ladder):
    family.post(f"/ladders/{ladder.id}/safety", {"custom": SCRIPT})
    html = family.client.get(f"/ladders/{ladder.id}/edit").get_data(as_text=True)
    assert SCRIPT not in html


def test_a_linked_therapist_may_change_the_list(app, db, family, ladder):
    tara = Therapist(app, db)
    link_by_code(family, tara)
    assert tara.post(f"/ladders/{ladder.id}/safety", {"behaviours": [HAND]}).status_code == 303


def test_another_family_gets_404_and_nothing_changes(family, other_family, ladder, db):
    assert other_family.post(f"/ladders/{ladder.id}/safety", {"behaviours": []}).status_code == 404
    db.expire_all()
    assert db.get(Ladder, ladder.id).safety_behaviours == [HAND, "Mum's scarf"]


def test_the_list_needs_a_csrf_token(family, ladder):
    response = family.client.post(f"/ladders/{ladder.id}/safety", data={"behaviours": [HAND]})
    assert response.status_code == 400


# ---- the mastery rule's places ----------------------------------------------------------------

def test_the_rule_asks_for_two_places(family, ladder, db):
    response = family.post(f"/ladders/{ladder.id}/mastery", {**RULE, "mastery_min_contexts": "2"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Ladder, ladder.id).mastery_min_contexts == 2


@pytest.mark.parametrize("value", ["0", "4", "two", ""])
def test_a_bad_number_of_places_is_refused(family, ladder, db, value):
    response = family.post(f"/ladders/{ladder.id}/mastery", {**RULE, "mastery_min_contexts": value})
    assert response.status_code == 422
    assert "Different places needed must be a whole number from 1 to 3." in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Ladder, ladder.id).mastery_min_contexts == 1


def test_the_progress_page_suggests_a_new_place_and_names_the_places(family, ladder, db):
    family.post(f"/ladders/{ladder.id}/mastery", {**RULE, "mastery_min_contexts": "2"})
    practise_on_days(db, ladder.steps[0], days=(0, 0, 1), context_where="home",
                     context_with="parent")
    html = family.client.get(f"/ladders/{ladder.id}/progress").get_data(as_text=True)
    assert "in 1 of 2 places" in html and "Ready for the next step" not in html
    assert "Try it at a relative&#39;s house or with another caregiver." in html
    assert "Places: Home · With: A parent" in html


# ---- fading from the progress page ------------------------------------------------------------

def test_the_progress_page_offers_the_step_without_the_hand_in_one_tap(family, ladder, db):
    first = _mastered(db, ladder)
    html = family.client.get(f"/ladders/{ladder.id}/progress").get_data(as_text=True)
    assert f'id="fading-{first.id}"' in html
    assert "Add “Step 1 — without holding a hand”" in html
    response = family.post(f"/steps/{first.id}/fade", {"behaviour": HAND})
    assert response.status_code == 303 and "/ladders/" in response.location
    db.expire_all()
    titles = [s.title for s in db.get(Ladder, ladder.id).steps]
    assert titles == ["Step 1", "Step 1 — without holding a hand", "Step 2", "Step 3"]
    html = family.client.get(f"/ladders/{ladder.id}/progress").get_data(as_text=True)
    assert f'id="fading-{first.id}"' not in html
    family.post(f"/steps/{first.id}/fade", {"behaviour": HAND})  # a double tap adds nothing
    db.expire_all()
    assert len(db.get(Ladder, ladder.id).steps) == 4


def test_not_now_hides_the_suggestion(family, ladder, db):
    first = _mastered(db, ladder)
    response = family.post(f"/steps/{first.id}/fade/not-now", {"behaviour": HAND})
    assert response.status_code == 303 and response.location.endswith(f"#progress-step-{first.id}")
    html = family.client.get(f"/ladders/{ladder.id}/progress").get_data(as_text=True)
    assert f'id="fading-{first.id}"' not in html
    db.expire_all()
    assert len(db.get(Ladder, ladder.id).steps) == 3


@pytest.mark.parametrize("url", ["/steps/{id}/fade", "/steps/{id}/fade/not-now"])
@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose one of the suggestions."),
    ({"behaviour": "x" * 61}, "Choose one of the suggestions on this page."),
])
def test_a_missing_behaviour_is_refused(family, ladder, db, url, data, message):
    first = _mastered(db, ladder)
    response = family.post(url.format(id=first.id), data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    assert len(db.get(Ladder, ladder.id).steps) == 3
    assert db.get(Step, first.id).fading_dismissed == []


def test_a_step_not_mastered_is_refused_kindly(family, ladder, db):
    response = family.post(f"/steps/{ladder.steps[0].id}/fade", {"behaviour": HAND})
    assert response.status_code == 422 and "not mastered yet" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/steps/{id}/fade", "/steps/{id}/fade/not-now"])
def test_another_family_cannot_fade_a_step(family, other_family, ladder, db, url):
    first = _mastered(db, ladder)
    assert other_family.post(url.format(id=first.id), {"behaviour": HAND}).status_code == 404
    db.expire_all()
    assert len(db.get(Ladder, ladder.id).steps) == 3


def test_fading_needs_a_csrf_token(family, ladder, db):
    first = _mastered(db, ladder)
    assert family.client.post(f"/steps/{first.id}/fade", data={"behaviour": HAND}).status_code == 400
