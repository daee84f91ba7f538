"""Practices through HTTP after logging: the list, editing, deleting, and who may see them."""
import re
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from graded_exposure.forms.practices import edit_form
from graded_exposure.models import Practice
from tests.factories import add_practices, current_step, make_ladder
from tests.lookups import practice_count
from tests.practice_form import form_defaults, open_form, submit


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))



def test_list_is_newest_first_and_paginated_by_30(db, family, step):
    add_practices(db, family.child, [step], 31, logged_by_id=family.user.id)
    page = family.client.get(f"/children/{family.child.id}/practices").get_data(as_text=True)
    assert page.count('class="practice-row"') == 30
    assert page.index('practice-note">p0<') < page.index('practice-note">p29<')
    assert "Show older practices" in page and "?page=2" in page


def test_show_older_returns_only_a_fragment_for_htmx(db, family, step):
    add_practices(db, family.child, [step], 31)
    url = f"/children/{family.child.id}/practices?page=2"
    fragment = family.client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="practices-page-2"' in fragment
    assert fragment.count('class="practice-row"') == 1
    boosted = family.client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)
    assert "<html" in family.client.get(url).get_data(as_text=True)


def test_edit_a_practice(db, family, step):
    submit(family, open_form(family, step), fear_before=6, fear_after=3)
    practice = db.exec(select(Practice)).one()
    edit_url = f"/practices/{practice.id}/edit"
    html = family.client.get(edit_url).get_data(as_text=True)
    local = practice.practiced_at.astimezone(ZoneInfo("Europe/London"))
    assert local.strftime("%Y-%m-%dT%H:%M") in html and 'value="6" checked' in html
    data = dict(form_defaults(html).values)
    data.update(fear_after="1", note="Went well", child_id="999")
    response = family.client.post(edit_url, data=data)
    assert response.status_code == 303
    db.expire_all()
    edited = db.get(Practice, practice.id)
    assert (edited.fear_after, edited.note, edited.child_id) == (1, "Went well", family.child.id)
    assert edited.practiced_at == practice.practiced_at  # the time left as shown: kept whole


def test_the_edit_form_shows_the_stored_choices_as_the_widgets_would(app, db, family, step):
    """The chips are written out in the template (practices/_fields.html), not rendered by
    WTForms' widgets: the markup, checked state included, must stay what a widget gives."""
    submit(family, open_form(family, step), fear_before=6, fear_after=3, outcome="partly",
           prediction_came_true="no", small_wins="laughed")
    practice = db.exec(select(Practice)).one()
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    with app.test_request_context():
        form = edit_form(practice, "Europe/London")
        for name in ("outcome", "prediction_came_true", "small_wins"):
            for option in form[name]:
                assert str(option()) in html, str(option())
    for chosen in ("outcome-1", "prediction_came_true-2", "small_wins-1"):
        assert f"<input checked id=\"{chosen}\"" in html, chosen


def test_a_practice_stored_with_a_former_calming_name_reads_as_the_same_strategy(db, family, step):
    """'Deep pressure' and 'Deep pressure hug' were offered side by side; one name is left."""
    add_practices(db, family.child, [step], 1)
    practice = db.exec(select(Practice)).one()
    practice.calming_used = ["Deep pressure", "Counting", "Hum a tune"]
    db.commit()
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert html.count('value="Deep pressure hug"') == 1 and 'value="Deep pressure"' not in html
    ticked = re.findall(r'name="calming_used" value="([^"]+)" checked', html)
    assert ticked == ["Deep pressure hug", "Count 5 things you can see", "Hum a tune"]
    data = MultiDict(form_defaults(html).values)
    assert family.client.post(f"/practices/{practice.id}/edit", data=data).status_code == 303
    db.expire_all()
    assert db.get(Practice, practice.id).calming_used == [
        "Deep pressure hug", "Count 5 things you can see", "Hum a tune"]


def test_the_practice_form_offers_each_calming_strategy_once(db, family):
    ladder = make_ladder(db, family.child, calming=["Deep pressure hug",
                                                    "Slow breathing: smell the flower, blow the candle"])
    html = open_form(family, current_step(ladder))
    assert html.count('value="Deep pressure') == 1 and html.count('value="Slow breathing') == 1


def test_edit_refuses_bad_input(db, family, step):
    submit(family, open_form(family, step), fear_before=6, fear_after=3)
    practice = db.exec(select(Practice)).one()
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    data = dict(form_defaults(html).values)
    data.update(fear_before="12")
    response = family.client.post(f"/practices/{practice.id}/edit", data=data)
    assert response.status_code == 422 and "Fear is a number from 0 to 10." in response.get_data(
        as_text=True)
    db.expire_all()
    assert db.get(Practice, practice.id).fear_before == 6


def test_delete_needs_confirmation(db, family, step):
    submit(family, open_form(family, step), fear_before=6, fear_after=3)
    practice = db.exec(select(Practice)).one()
    unconfirmed = family.post(f"/practices/{practice.id}/delete")
    assert unconfirmed.status_code == 303 and practice_count(db) == 1
    confirmed = family.post(f"/practices/{practice.id}/delete", {"confirm": "yes"})
    assert confirmed.status_code == 303
    assert confirmed.headers["Location"].endswith(f"/children/{family.child.id}")
    assert practice_count(db) == 0


def test_another_family_gets_404_on_every_practice_route(db, family, other_family, step):
    submit(family, open_form(family, step), fear_before=6, fear_after=3)
    practice = db.exec(select(Practice)).one()
    child = family.child.id
    token = other_family.csrf()
    routes = [("GET", f"/children/{child}/practices/new"),
              ("GET", f"/children/{child}/practices/new?step={step.id}"),
              ("POST", f"/children/{child}/practices"),
              ("GET", f"/children/{child}/practices"),
              ("GET", f"/children/{child}/practices?page=2"),
              ("GET", f"/practices/{practice.id}/edit"),
              ("POST", f"/practices/{practice.id}/edit"),
              ("POST", f"/practices/{practice.id}/delete"),
              ("GET", f"/children/{child}")]
    form = {"csrf_token": token, "confirm": "yes", "step": str(step.id), "fear_before": "1",
            "fear_after": "1", "outcome": "did_it", "idempotency_key": "a" * 32}
    for method, url in routes:
        for headers in ({}, {"HX-Request": "true"}):
            response = other_family.client.open(url, method=method, headers=headers,
                                                data=form if method == "POST" else None)
            assert response.status_code == 404, (method, url, headers)
    db.expire_all()
    stored = db.exec(select(Practice)).one()
    assert (stored.fear_before, stored.fear_after) == (6, 3)
