"""Children through HTTP: add, show, edit, delete, with bad input refused."""
import pytest
from sqlmodel import select

from graded_exposure.models import AuditEvent, Child
from tests.conftest import csrf_from


def _children(db):
    db.expire_all()
    return db.exec(select(Child).order_by(Child.id)).all()


def test_add_child_then_go_on_to_build_a_ladder(family, db):
    response = family.post("/children/new", {"display_name": "Leo", "age_band": "5-7",
                                             "birth_year": "2020", "avatar": "🦊"})
    assert response.status_code == 303
    leo = _children(db)[-1]
    assert (leo.display_name, leo.age_band, leo.birth_year, leo.avatar) == ("Leo", "5-7", 2020, "🦊")
    assert leo.family_id == family.user.family_id
    assert response.headers["Location"].endswith(f"/children/{leo.id}/ladders/new")


@pytest.mark.parametrize(("data", "message"), [
    ({"display_name": ""}, "Please fill this in"),
    ({"display_name": "x" * 41}, "Write 1 to 40 characters"),
    ({"display_name": "Leo", "birth_year": "1800"}, "birth year from the last 21 years"),
    ({"display_name": "Leo", "birth_year": "soon"}, "Not a valid integer"),
    ({"display_name": "Leo", "avatar": "💣"}, "Not a valid choice"),
    ({"display_name": "Leo", "age_band": "99"}, "Not a valid choice"),
    # Found from outside: names that show nothing were stored (an empty heading, a sentence
    # about "the step  is working on").
    ({"display_name": "\u200b"}, "Please fill this in"),
    ({"display_name": "\u3164\u200e\u200f"}, "Please fill this in"),
])
def test_add_child_refuses_bad_input(family, db, data, message):
    response = family.post("/children/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(_children(db)) == 1


def test_a_therapist_cannot_add_a_child(therapist_client, db):
    """A therapist has no family: the form is not theirs (404), and posting it stores nothing
    (it raised, a 500, when the page was open to anyone logged in)."""
    token = csrf_from(therapist_client.get("/account").get_data(as_text=True))
    assert therapist_client.get("/children/new").status_code == 404
    response = therapist_client.post("/children/new", data={"csrf_token": token,
                                                            "display_name": "Kid"})
    assert response.status_code == 404
    assert _children(db) == []


def test_mass_assignment_cannot_put_a_child_in_another_family(family, other_family, db):
    family.post("/children/new", {"display_name": "Leo", "family_id": other_family.user.family_id})
    assert _children(db)[-1].family_id == family.user.family_id


def test_script_in_a_name_is_inert(family):
    family.post(f"/children/{family.child.id}/edit", {"display_name": "<script>alert(1)</script>"})
    body = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_rename_child(family, db):
    response = family.post(f"/children/{family.child.id}/edit", {"display_name": "Sammy"})
    assert response.status_code == 303
    assert _children(db)[0].display_name == "Sammy"


def test_delete_needs_confirmation(family, db):
    response = family.post(f"/children/{family.child.id}/delete")
    assert response.status_code == 303 and len(_children(db)) == 1


def test_delete_child_for_real_and_audit_it(family, db):
    response = family.post(f"/children/{family.child.id}/delete", {"confirm": "yes"})
    assert response.status_code == 303
    assert _children(db) == []
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "child_deleted")).one()
    assert event.actor_id == family.user.id


def test_child_home_partial_is_a_fragment_only_for_htmx_non_boosted(family):
    url = f"/children/{family.child.id}"
    boosted = family.client.get(url, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.get_data(as_text=True)


def test_front_door_serves_the_last_child_seen_without_a_redirect(family):
    family.post("/children/new", {"display_name": "Leo"})
    family.client.get(f"/children/{family.child.id}")
    front = family.client.get("/")
    assert front.status_code == 200
    body = front.get_data(as_text=True)
    assert f"</span> {family.child.display_name}</h1>" in body
    assert f'href="/children/{family.child.id}" aria-current="page"' in body
    assert 'id="recent-practices"' in body


def test_home_screen_leads_to_reminders_summary_and_sharing(family):
    body = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    for href in ("/reminders", f"/children/{family.child.id}/week",
                 f"/family/sharing?child={family.child.id}"):
        assert f'href="{href}"' in body
