"""Linking a therapist with consent over HTTP: codes, email invitations, ending, and who may."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure import scheduler
from graded_exposure.models import InboxMessage, TherapistLink, User, utcnow
from graded_exposure.services import reminders, therapist_links, therapist_notes
from tests.conftest import PASSWORD, Therapist, csrf_from, link_by_code, without_tokens
from tests.factories import make_ladder


@pytest.fixture
def tara(app, db):
    return Therapist(app, db)


def _links(db):
    db.expire_all()
    return db.exec(select(TherapistLink).order_by(TherapistLink.id)).all()


def test_code_then_review_then_consent(family, tara, db):
    code = tara.new_code()
    review = family.post("/family/sharing/code", {"code": code, "child_id": family.child.id})
    body = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "Tara" in body and "tara@example.com" in body and "I agree: share Sam" in body
    for line in therapist_links.scope_lines("Sam"):
        assert line.replace("'", "&#39;") in body
    assert _links(db)[0].status == "pending"  # looking is not agreeing
    before = utcnow()
    assert family.post("/family/sharing/accept", {"code": code, "child_id": family.child.id},
                       ).status_code == 303
    [link] = _links(db)
    assert (link.status, link.child_id, link.consented_by_id) == ("active", family.child.id,
                                                                  family.user.id)
    assert before <= link.consented_at <= utcnow()
    assert link.shared_scope == therapist_links.scope_text("Sam")
    sharing = family.client.get("/family/sharing").get_data(as_text=True)
    assert "Tara" in sharing and "Agreed by alex" in sharing and "End access" in sharing


def test_the_code_check_is_an_htmx_partial(family, tara):
    code = tara.new_code()
    headers = {"HX-Request": "true", "HX-Target": "link-code"}
    ok = family.post("/family/sharing/code", {"code": code, "child_id": family.child.id},
                     headers=headers)
    body = ok.get_data(as_text=True)
    assert ok.status_code == 200 and "<html" not in body and 'id="link-code"' in body
    bad = family.post("/family/sharing/code", {"code": "WRONG-123", "child_id": family.child.id},
                      headers=headers)
    assert bad.status_code == 422 and "<html" not in bad.get_data(as_text=True)
    assert "does not work" in bad.get_data(as_text=True)


def test_ending_stops_a_linked_therapist_on_the_very_next_request(family, tara, db):
    ladder = make_ladder(db, family.child, steps=0)
    link = link_by_code(family, tara)
    linked_urls = [f"/ladders/{ladder.id}", f"/ladders/{ladder.id}/progress",  # ladder_for
                   f"/children/{family.child.id}/ladders",  # linked_child_for
                   f"/children/{family.child.id}/export.json"]  # linked_child_for
    for url in linked_urls:
        assert tara.client.get(url).status_code == 200, url
    assert family.post(f"/links/{link.id}/end", {"confirm": "yes"}).status_code == 303
    for url in linked_urls:
        assert tara.client.get(url).status_code == 404, url
    assert _links(db)[0].ended_by_id == family.user.id


def test_after_the_family_ends_the_link_nothing_the_therapist_scheduled_arrives(
        app, db, family, tara, smtp):
    link = link_by_code(family, tara)
    tomorrow = therapist_notes.reminder_days(family.child)[1]
    [scheduled] = therapist_notes.schedule_family_reminder(
        db, tara.user, family.child, message="Try the lift with Sam tonight", on=tomorrow,
        at="18:30")
    # The family's own reminder at the same minute shows the pipeline does deliver.
    reminders.create_reminder(db, family.user, family.child, reminders.checked_schedule(
        kind="practice", weekdays=str(tomorrow.isoweekday()), local_time="18:30",
        timezone="Europe/London", channels=["email"]))
    due = scheduled.next_due_at

    assert family.post(f"/links/{link.id}/end", {"confirm": "yes"}).status_code == 303
    counts, sent = scheduler.tick(app, now=due + timedelta(minutes=2))

    assert (counts.sent, sent.sent) == (1, 1)
    db.expire_all()
    assert [m.title for m in db.exec(select(InboxMessage))] == [
        "Time for Sam's brave practice"]
    [(recipients, email)] = smtp.messages
    assert recipients == ["alex@example.com"]
    text = email.get_body(preferencelist=("plain",)).get_content()
    assert "From your therapist" not in text and "lift" not in text


def test_the_therapist_can_end_it_too(family, tara, db):
    ladder = make_ladder(db, family.child, steps=0)
    link = link_by_code(family, tara)
    assert tara.client.get(f"/ladders/{ladder.id}").status_code == 200
    assert "End link" in tara.client.get("/links").get_data(as_text=True)
    assert tara.post(f"/links/{link.id}/end", {"confirm": "yes"}).status_code == 303
    assert tara.client.get(f"/ladders/{ladder.id}").status_code == 404
    assert tara.client.get(f"/children/{family.child.id}/ladders").status_code == 404
    # Their own ended link is gone for them too; the family still sees the record.
    assert tara.client.get(f"/links/{link.id}/end").status_code == 404
    assert "Past sharing" in family.client.get("/family/sharing").get_data(as_text=True)


def test_ending_needs_the_confirmation(family, tara, db):
    link = link_by_code(family, tara)
    page = family.client.get(f"/links/{link.id}/end").get_data(as_text=True)
    assert "End Tara’s access to Sam?" in page
    assert family.post(f"/links/{link.id}/end").status_code == 422
    assert _links(db)[0].status == "active"


def test_one_child_two_therapists(app, db, family, tara):
    theo = Therapist(app, db, "theo@example.com", "Theo")
    ladder = make_ladder(db, family.child, steps=0)
    first, _ = link_by_code(family, tara), link_by_code(family, theo)
    family.post(f"/links/{first.id}/end", {"confirm": "yes"})
    assert tara.client.get(f"/ladders/{ladder.id}").status_code == 404
    assert theo.client.get(f"/ladders/{ladder.id}").status_code == 200


def test_a_used_code_does_not_work_again(family, other_family, tara, db):
    code = tara.new_code()
    family.post("/family/sharing/accept", {"code": code, "child_id": family.child.id})
    again = other_family.post("/family/sharing/accept",
                              {"code": code, "child_id": other_family.child.id})
    assert again.status_code == 422 and "does not work" in again.get_data(as_text=True)
    assert [link.child_id for link in _links(db)] == [family.child.id]


def test_an_expired_code_does_not_work(family, tara, db):
    code = tara.new_code()
    link = _links(db)[0]
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    response = family.post("/family/sharing/code", {"code": code, "child_id": family.child.id})
    assert response.status_code == 422 and _links(db)[0].status == "pending"


@pytest.mark.parametrize("data, message", [
    ({"code": ""}, "Enter the code"),
    ({"code": "x" * 21}, "A code has 8"),
    ({"code": "NOPE"}, "does not work"),
    ({"child_id": "abc"}, "Not a valid choice"),
    ({"child_id": "999999"}, "Not a valid choice"),
])
def test_bad_code_input_is_refused_and_nothing_changes(family, tara, db, data, message):
    code = tara.new_code()
    for url in ("/family/sharing/code", "/family/sharing/accept"):
        response = family.post(url, {"code": code, "child_id": family.child.id, **data})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _links(db)[0].status == "pending"


def test_another_familys_child_is_not_a_choice(family, other_family, tara, db):
    response = family.post("/family/sharing/accept",
                           {"code": tara.new_code(), "child_id": other_family.child.id})
    assert response.status_code == 422 and _links(db)[0].status == "pending"


def test_extra_fields_are_ignored(family, tara, db, other_family):
    family.post("/family/sharing/accept", {
        "code": tara.new_code(), "child_id": family.child.id, "therapist_id": family.user.id,
        "status": "ended", "family_id": other_family.user.family_id,
        "consented_by_id": other_family.user.id})
    [link] = _links(db)
    assert (link.therapist_id, link.status, link.consented_by_id) == (
        tara.user.id, "active", family.user.id)


def test_a_therapist_cannot_consent_as_a_caregiver(family, tara, db):
    code = tara.new_code()
    for url in ("/family/sharing", "/family/sharing/code", "/family/sharing/accept",
                "/family/sharing/invite"):
        response = (tara.client.get(url) if url == "/family/sharing" else
                    tara.post(url, {"code": code, "child_id": family.child.id,
                                    "email": "x@example.com", "consent": "y"}))
        assert response.status_code == 404, url
    assert _links(db)[0].status == "pending"


def test_caregivers_never_reach_the_therapist_pages(family):
    assert family.client.get("/links").status_code == 404
    assert family.post("/links/codes").status_code == 404


def _invite(family, email="tara@example.com"):
    response = family.post("/family/sharing/invite", {"email": email,
                                                      "child_id": family.child.id, "consent": "y"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.search(r'data-copy-source>http://localhost(/links/invite/[^<]+)<',
                     response.get_data(as_text=True)).group(1)


def test_an_email_invitation_is_accepted_once_by_a_therapist(app, db, family, tara):
    url = _invite(family)
    [link] = _links(db)
    assert link.consented_by_id == family.user.id and link.status == "pending"
    page = tara.client.get(url).get_data(as_text=True)
    assert "Sam" in page and "Accept and add Sam" in page and link.shared_scope.split(":")[0] in page
    assert tara.post(url).status_code == 303
    assert _links(db)[0].status == "active" and _links(db)[0].therapist_id == tara.user.id
    theo = Therapist(app, db, "theo@example.com", "Theo")
    assert theo.client.get(url).status_code == 404
    assert theo.post(url).status_code == 404
    assert _links(db)[0].therapist_id == tara.user.id


def test_an_expired_invitation_is_refused(family, tara, db):
    url = _invite(family)
    link = _links(db)[0]
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert tara.client.get(url).status_code == 404
    assert tara.post(url).status_code == 404
    assert _links(db)[0].status == "pending"


def test_a_new_therapist_registers_through_the_invitation(app, family, db):
    url = _invite(family, "nia@example.com")
    client = app.test_client()
    page = client.get(url).get_data(as_text=True)
    assert 'value="nia@example.com"' in page
    response = client.post(url, data={"display_name": "Nia", "email": "nia@example.com",
                                      "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert response.status_code == 303
    nia = db.exec(select(User).where(User.email == "nia@example.com")).one()
    assert nia.role == "therapist" and _links(db)[0].therapist_id == nia.id
    assert client.get(f"/children/{family.child.id}/ladders").status_code == 200


def test_a_caregiver_cannot_take_a_therapist_invitation(family, other_family, db):
    url = _invite(family)
    assert "for a therapist account" in other_family.client.get(url).get_data(as_text=True)
    assert other_family.post(url).status_code == 422
    assert _links(db)[0].status == "pending"


@pytest.mark.parametrize("data, message", [
    ({"email": "not-an-email"}, "valid email"),
    ({"email": ""}, "Enter the therapist"),
    ({"consent": ""}, "Tick the box"),
    ({"child_id": "0"}, "Not a valid choice"),
])
def test_a_bad_invitation_is_refused_and_nothing_stored(family, db, data, message):
    response = family.post("/family/sharing/invite", {
        "email": "tara@example.com", "child_id": family.child.id, "consent": "y", **data})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _links(db) == []


def test_the_family_can_cancel_an_invitation(family, tara, db):
    url = _invite(family)
    link = _links(db)[0]
    assert family.post(f"/links/{link.id}/end", {"confirm": "yes"}).status_code == 303
    assert tara.client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/family/sharing/code", "/family/sharing/accept",
                                 "/family/sharing/invite", "/links/codes", "/links/1/end",
                                 "/links/invite/some-token"])
def test_every_post_needs_csrf(family, tara, db, url):
    tara.new_code()
    client = tara.client if url == "/links/codes" else family.client
    response = client.post(url, data={"code": "ABCD-2345", "child_id": family.child.id,
                                      "confirm": "yes"})
    assert response.status_code == 400
    assert _links(db)[0].status == "pending" and len(_links(db)) == 1


def _my_id_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ("links", "data_rights") and rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if "token" not in rule.arguments:
                    yield rule, method


@pytest.mark.parametrize("intruder", ["other_family", "unlinked", "ended"])
def test_outsiders_get_404_on_every_route_with_an_id(app, db, request, family, tara, intruder):
    link = link_by_code(family, tara)
    if intruder == "other_family":
        client = request.getfixturevalue("other_family").client
    elif intruder == "unlinked":
        client = Therapist(app, db, "theo@example.com", "Theo").client
    else:
        family.post(f"/links/{link.id}/end", {"confirm": "yes"})
        client = tara.client
    token = csrf_from(client.get("/account").get_data(as_text=True))
    ids = {"link_id": link.id, "child_id": family.child.id}
    checked = 0
    for rule, method in _my_id_routes(app):
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(ids[name]))
        for headers in ({}, {"HX-Request": "true"}):
            response = (client.get(url, headers=headers) if method == "GET" else
                        client.post(url, headers=headers, data={"csrf_token": token,
                                                                "confirm": "yes"}))
            assert response.status_code == 404, f"{method} {url}"
            checked += 1
    assert checked >= 8
    assert _links(db)[0].status == ("ended" if intruder == "ended" else "active")


def test_other_families_see_nothing_of_this_familys_sharing(family, other_family, tara):
    link_by_code(family, tara)
    page = without_tokens(other_family.client.get("/family/sharing").get_data(as_text=True))
    assert "Tara" not in page and "Sam" not in page


def test_an_invitation_is_only_for_the_invited_address(app, db, family, tara):
    url = _invite(family, "nia@example.com")
    refused = tara.post(url)  # Tara is a confirmed therapist, but not the one invited
    assert refused.status_code == 422
    assert "sent to nia@example.com" in refused.get_data(as_text=True)
    assert _links(db)[0].status == "pending"
    # A new account made through the link with another address is refused too.
    client = app.test_client()
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"display_name": "Mal", "email": "mal@example.com",
                                      "password": PASSWORD, "csrf_token": csrf_from(page)})
    assert response.status_code == 422 and "sent to nia@example.com" in response.get_data(
        as_text=True)
    assert db.exec(select(User).where(User.email == "mal@example.com")).first() is None
    assert _links(db)[0].status == "pending"


def test_the_invited_address_must_be_confirmed(db, family, tara):
    url = _invite(family)
    tara.user.email_confirmed_at = None
    db.commit()
    assert tara.post(url).status_code == 422
    assert _links(db)[0].status == "pending"


def test_without_a_mail_server_the_invitation_page_says_no_email_went_out(family, db):
    body = family.post("/family/sharing/invite", {
        "email": "tara@example.com", "child_id": family.child.id, "consent": "y"}).get_data(
        as_text=True)
    assert "No email was sent" in body and "yourself" in body and "We emailed" not in body
    assert _links(db)[0].status == "pending"
    assert 'readonly spellcheck="false" data-copy-source>http://localhost/links/invite/' in body
    assert 'data-copy="invite-link" hidden' in body


def test_with_a_mail_server_the_invitation_page_says_the_email_went_out(family, smtp):
    body = family.post("/family/sharing/invite", {
        "email": "tara@example.com", "child_id": family.child.id, "consent": "y"}).get_data(
        as_text=True)
    assert "We emailed an invitation to tara@example.com" in body
    assert "No email was sent" not in body and smtp.links("tara@example.com")


def test_an_invitation_is_saved_only_if_its_email_went_out(family, db, smtp):
    smtp.refuse = True
    response = family.post("/family/sharing/invite", {"email": "nia@example.com", "consent": "y",
                                                      "child_id": family.child.id})
    assert response.status_code == 422
    assert "nothing was saved" in response.get_data(as_text=True)
    assert db.exec(select(TherapistLink)).first() is None


def test_a_name_with_a_line_break_cannot_add_email_headers(family, db, smtp):
    family.user.display_name = "Alex\r\nBcc: victim@example.com"
    family.child.display_name = "Sam\nX-Evil: 1"
    db.commit()
    response = family.post("/family/sharing/invite", {"email": "nia@example.com", "consent": "y",
                                                      "child_id": family.child.id})
    assert response.status_code == 200
    ((recipients, message),) = smtp.messages
    assert recipients == ["nia@example.com"]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert "\n" not in message["Subject"] and "victim" not in message["Subject"]


def test_invitation_subjects_carry_none_of_the_senders_words(family, db, smtp):
    """A caregiver names themselves and their child: subjects stay the app's own words (a
    name in the subject line was a phishing line from our address); the body says who."""
    family.user.display_name = "Your bank: verify at evil.example"
    db.commit()
    family.post("/family/sharing/invite", {"email": "nia@example.com", "consent": "y",
                                           "child_id": family.child.id})
    family.post("/family/invites", {"email": "sam@example.com"})
    subjects = [message["Subject"] for _recipients, message in smtp.messages]
    assert len(subjects) == 2
    assert not any("evil" in subject or "Sam" in subject for subject in subjects), subjects
    assert "Your bank: verify at evil.example" in smtp.last_text("nia@example.com")
