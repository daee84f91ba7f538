"""Names are words, never a web or email address; invitations say who sent them by address.

A caregiver's name goes into the invitations the app emails to people who never signed up, and
mail apps make anything shaped like an address a link: "Support: verify at evil.example" as a
name was a phishing line sent from our address (found from outside). Names that look like an
address are refused where they are typed (sign-up, joining a family, a child's name), nothing
stored; and an invitation names its sender by the address their account proved as well.
"""
import re

import pytest
from sqlmodel import select

from graded_exposure.models import Child, PendingRegistration, User
from tests.conftest import PASSWORD, csrf_from

ADDRESSES = ["Visit https://evil.example/x", "www.evil.example", "Support: evil.example",
             "help@evil.example", "ftp://files", "Mia.Rose", "EVIL.COM"]
NAMES = ["J.R. Smith", "Dr. Who", "Anne-Marie O'Brien", "Renée", "Ms. Li", "Mia 🦊", "محمد"]
REFUSED = "A name can’t look like a web or email address"


def _sign_up(client, name: str):
    page = client.get("/register").get_data(as_text=True)
    return client.post("/register", data={
        "display_name": name, "email": "jo@example.com", "password": PASSWORD,
        "role": "caregiver", "timezone": "Europe/London", "csrf_token": csrf_from(page)})


@pytest.mark.parametrize("name", ADDRESSES)
def test_sign_up_refuses_a_name_shaped_like_an_address(client, db, smtp, name):
    response = _sign_up(client, name)
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    assert db.exec(select(PendingRegistration)).first() is None and not smtp.messages


@pytest.mark.parametrize("name", NAMES)
def test_names_with_full_stops_and_any_script_are_welcome(client, db, smtp, name):
    assert _sign_up(client, name).status_code == 303
    assert db.exec(select(PendingRegistration)).one().display_name == name


@pytest.mark.parametrize("name", ["www.evil.example", "help@evil.example"])
def test_a_childs_name_shaped_like_an_address_is_refused(family, db, name):
    response = family.post("/children/new", {"display_name": name})
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    assert len(db.exec(select(Child)).all()) == 1


def test_joining_a_family_refuses_a_name_shaped_like_an_address(app, family, db):
    body = family.post("/family/invites", {"email": ""}).get_data(as_text=True)
    link = re.search(r"data-copy-source>http://localhost(/join/[^<]+)<", body).group(1)
    newcomer = app.test_client()
    form = newcomer.get(link).get_data(as_text=True)
    response = newcomer.post(link, data={"display_name": "www.evil.example",
                                         "email": "sam@example.com", "password": PASSWORD,
                                         "csrf_token": csrf_from(form)})
    assert response.status_code == 422
    assert REFUSED in response.get_data(as_text=True)
    assert db.exec(select(User).where(User.email == "sam@example.com")).first() is None


def test_invitations_name_their_sender_by_the_address_the_account_proved(family, db, smtp):
    family.post("/family/sharing/invite", {"email": "nia@example.com", "consent": "y",
                                           "child_id": family.child.id})
    family.post("/family/invites", {"email": "sam@example.com"})
    name = family.user.display_name
    for to in ("nia@example.com", "sam@example.com"):
        text = smtp.last_text(to)
        assert f"{name} (alex@example.com) invited you" in text, text
        html = smtp.to(to)[-1].get_body(preferencelist=("html",)).get_content()
        assert f"{name} (alex@example.com) invited you" in html


def test_a_name_stored_before_the_rule_can_be_kept_while_editing_the_rest(family, db):
    # A child named "Mia.Rose" before names were checked: the parent can still change the
    # picture without renaming; a new address-like name is refused as anywhere else.
    family.child.display_name = "Mia.Rose"
    db.commit()
    kept = family.post(f"/children/{family.child.id}/edit",
                       {"display_name": "Mia.Rose", "avatar": "🦊"})
    assert kept.status_code == 303
    db.refresh(family.child)
    assert (family.child.display_name, family.child.avatar) == ("Mia.Rose", "🦊")
    refused = family.post(f"/children/{family.child.id}/edit", {"display_name": "Mia.Lee"})
    assert refused.status_code == 422 and REFUSED in refused.get_data(as_text=True)
