"""Nobody can make the app send unlimited email: resets, sign-ups and invitations are limited."""
from sqlmodel import select

from graded_exposure.models import FamilyInvite, TherapistLink
from tests.conftest import csrf_from


def _reset(client, email):
    token = csrf_from(client.get("/reset").get_data(as_text=True))
    return client.post("/reset", data={"email": email, "csrf_token": token})


def test_reset_emails_to_one_address_stop_at_the_limit_with_a_calm_message(app, family, smtp):
    for _ in range(3):
        assert _reset(app.test_client(), "alex@example.com").status_code == 303
    refused = _reset(app.test_client(), "alex@example.com")
    assert refused.status_code == 429
    assert "try again in 1 hour" in refused.get_data(as_text=True)
    assert len(smtp.to("alex@example.com")) == 3


def test_resets_asked_for_by_a_stranger_leave_the_owner_a_link_that_works(app, family, smtp):
    # Found from outside: three resets asked for by anyone stop the owner's own request for
    # an hour. The emails the stranger caused reached the owner: the refusal says the newest
    # one works, and it does.
    for _ in range(3):
        _reset(app.test_client(), "alex@example.com")
    refused = _reset(app.test_client(), "alex@example.com").get_data(as_text=True)
    assert "The newest one works" in refused
    newest = [x for x in smtp.links("alex@example.com") if "/reset/" in x][-1]
    owner, path = app.test_client(), newest.removeprefix("http://localhost")
    page = owner.get(path).get_data(as_text=True)
    assert "New password" in page
    done = owner.post(path, data={"password": "a fresh password here",
                                  "csrf_token": csrf_from(page)})
    assert done.status_code == 303


def test_the_limit_is_the_same_for_addresses_without_an_account(app, smtp):
    answers = [_reset(app.test_client(), "nobody@example.com").status_code for _ in range(4)]
    assert answers == [303, 303, 303, 429]  # no hint whether the address has an account
    assert smtp.messages == []


def test_one_ip_cannot_mail_many_addresses(app, smtp):
    app.config["MAIL_LIMIT_PER_IP"] = 5
    client = app.test_client()
    answers = [_reset(client, f"p{n}@example.com").status_code for n in range(6)]
    assert answers == [303] * 5 + [429]


def test_a_caregiver_cannot_send_unlimited_invitations(app, family, db, smtp):
    app.config["MAIL_LIMIT_PER_ACCOUNT"] = 2
    for n in range(2):
        assert family.post("/family/invites", {"email": f"c{n}@example.com"}).status_code == 200
    refused = family.post("/family/invites", {"email": "c9@example.com"})
    assert refused.status_code == 422 and "try again in 1 hour" in refused.get_data(as_text=True)
    refused = family.post("/family/sharing/invite", {"email": "t@example.com", "consent": "y",
                                                     "child_id": family.child.id})
    assert refused.status_code == 422
    assert len(db.exec(select(FamilyInvite)).all()) == 2
    assert db.exec(select(TherapistLink)).first() is None
    assert len(smtp.messages) == 2
