"""The family page: time zone, and a co-caregiver invited by a single-use, expiring link."""
import re
from datetime import timedelta

from sqlmodel import select

from graded_exposure.models import Family, FamilyInvite, User, utcnow
from graded_exposure.services import families
from tests.conftest import PASSWORD, csrf_from
from tests.conftest import Family as SignedInFamily


def _invite_link(family, email=""):
    body = family.post("/family/invites", {"email": email}).get_data(as_text=True)
    return re.search(r'data-copy-source>http://localhost(/join/[^<]+)<', body).group(1)


def _join(client, link, email="sam@example.com"):
    page = client.get(link).get_data(as_text=True)
    return client.post(link, data={"display_name": "Sam", "email": email, "password": PASSWORD,
                                   "csrf_token": csrf_from(page)})


def test_family_page_lists_caregivers_and_children(family):
    body = family.client.get("/family").get_data(as_text=True)
    assert "alex" in body and "Sam" in body


def test_set_timezone(family, db):
    assert family.post("/family/timezone", {"timezone": "Australia/Sydney"}).status_code == 303
    db.expire_all()
    assert db.get(Family, family.user.family_id).timezone == "Australia/Sydney"


def test_a_new_time_zone_moves_the_reminders_that_followed_the_old_one(family, db):
    """Found from outside: a family signed up without JavaScript (the sign-up's zone stays
    UTC), set Europe/London as the page says ("Reminders and 'today' follow this time zone")
    and the reminders still came at 07:30 UTC. Reminders in the family's old zone move to the
    new one at the same local time; one set to another zone on purpose stays."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from graded_exposure.models import Reminder
    from graded_exposure.services import reminders

    families.set_timezone(db, family.user.family, "UTC")
    made = reminders.create_defaults(db, family.user, family.child,
                                     now=datetime(2026, 6, 1, 12, tzinfo=UTC))
    kept = reminders.create_reminder(db, family.user, family.child, reminders.checked_schedule(
        kind="practice", weekdays=list("67"), local_time="09:00", timezone="Asia/Tokyo",
        channels=["inbox"]))
    assert family.post("/family/timezone", {"timezone": "Europe/London"}).status_code == 303
    db.expire_all()
    for reminder in (db.get(Reminder, r.id) for r in made):
        assert reminder.timezone == "Europe/London"
        local = reminder.next_due_at.astimezone(ZoneInfo("Europe/London"))
        assert f"{local:%H:%M}" == reminder.local_time and local > datetime.now(UTC)
    assert db.get(Reminder, kept.id).timezone == "Asia/Tokyo"


def test_invalid_timezone_is_refused(family, db):
    response = family.post("/family/timezone", {"timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Family, family.user.family_id).timezone == "Europe/London"


def test_invited_caregiver_joins_and_sees_the_same_children(app, family, db):
    link = _invite_link(family)
    newcomer = app.test_client()
    assert _join(newcomer, link).status_code == 303
    sam = db.exec(select(User).where(User.email == "sam@example.com")).one()
    assert sam.family_id == family.user.family_id and sam.role == "caregiver"
    assert newcomer.get(f"/children/{family.child.id}").status_code == 200


def test_invite_link_works_once(app, family, db):
    link = _invite_link(family)
    _join(app.test_client(), link)
    second = app.test_client()
    response = second.get(link)
    assert response.status_code == 404 and "already used or expired" in response.get_data(as_text=True)
    assert len(db.exec(select(User)).all()) == 2


def test_reloading_the_invite_link_page_says_why_the_link_is_not_shown_again(family, db):
    # Found from outside on a phone: the boosted form left /family/invites in the address
    # bar, and pulling to refresh answered "That action is not allowed here." (405).
    _invite_link(family)
    reloaded = family.client.get("/family/invites")
    assert reloaded.status_code == 303 and reloaded.headers["Location"].endswith("/family")
    page = family.client.get("/family").get_data(as_text=True)
    assert "shown only once" in page and "Create invite link" in page
    assert len(db.exec(select(FamilyInvite)).all()) == 1  # a reload makes no new link


def test_expired_invite_is_refused(app, family, db):
    link = _invite_link(family)
    invite = db.exec(select(FamilyInvite)).one()
    invite.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    assert app.test_client().get(link).status_code == 404


def test_invite_token_is_long_and_stored_only_as_a_hash(family, db):
    token = _invite_link(family).rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, url-safe base64
    assert token not in db.exec(select(FamilyInvite.token_hash)).one()


def test_logged_in_caregiver_without_children_can_accept(app, family, db, other_family):
    link = _invite_link(family)
    from graded_exposure.services import families
    families.delete_child(db, other_family.user, other_family.child)
    page = other_family.client.get(link).get_data(as_text=True)
    assert "Join family" in page
    other_family.client.post(link, data={"csrf_token": csrf_from(page)})
    db.expire_all()
    assert db.get(User, other_family.user.id).family_id == family.user.family_id


def test_caregiver_with_children_cannot_merge_into_another_family(family, other_family, db):
    link = _invite_link(family)
    page = other_family.client.get(link).get_data(as_text=True)
    other_family.client.post(link, data={"csrf_token": csrf_from(page)})
    db.expire_all()
    assert db.get(User, other_family.user.id).family_id != family.user.family_id


def test_therapist_has_no_family_page(therapist_client):
    assert therapist_client.get("/family").status_code == 404


def test_a_family_invitation_is_saved_only_if_its_email_went_out(family, db, smtp):
    smtp.refuse = True
    response = family.post("/family/invites", {"email": "sam@example.com"})
    assert response.status_code == 422
    assert "nothing was saved" in response.get_data(as_text=True)
    assert db.exec(select(FamilyInvite)).first() is None


def test_a_display_name_with_a_line_break_does_not_break_the_invitation(family, db, smtp):
    family.user.display_name = "Alex\r\nBcc: victim@example.com"
    db.commit()
    response = family.post("/family/invites", {"email": "sam@example.com"})
    assert response.status_code == 200
    ((recipients, message),) = smtp.messages
    assert recipients == ["sam@example.com"] and message["Bcc"] is None
    assert "\n" not in message["Subject"]


def test_without_mail_joining_with_the_invited_address_confirms_it(app, family, db):
    """No mail server: the account is made at once; only the invited address counts as proven."""
    assert not app.config["MAIL_SERVER"]
    link = _invite_link(family, "sam@example.com")
    assert _join(app.test_client(), link, "sam@example.com").status_code == 303
    sam = db.exec(select(User).where(User.email == "sam@example.com")).one()
    assert sam.email_confirmed_at is not None
    other = _invite_link(family, "")
    assert _join(app.test_client(), other, "kim@example.com").status_code == 303
    kim = db.exec(select(User).where(User.email == "kim@example.com")).one()
    assert kim.email_confirmed_at is None


def _finish_link(app, smtp, email):
    (link,) = [x for x in smtp.links(email) if "/register/" in x]
    client = app.test_client()
    path = link.removeprefix("http://localhost")
    page = client.get(path).get_data(as_text=True)
    return client, client.post(path, data={"csrf_token": csrf_from(page), "password": PASSWORD})


def test_with_mail_the_join_page_cannot_tell_who_has_an_account(app, family, other_family, db,
                                                                 smtp):
    """Found from outside: the join page said "log in first" for a known address and made the
    account for a new one, so any caregiver's own invitation link told who uses Brave Steps.
    With a mail server it answers like signing up: check your email, whatever the address."""
    link = _invite_link(family)
    smtp.messages.clear()
    known = _join(app.test_client(), link, other_family.user.email)
    new = _join(app.test_client(), link, "sam@example.com")
    assert known.status_code == new.status_code == 303
    assert known.headers["Location"] == new.headers["Location"] == "/register/check-email"
    # Nothing made yet, the invitation still open; the owner of the known address is told.
    assert db.exec(select(User).where(User.email == "sam@example.com")).first() is None
    assert "Someone just tried" in smtp.last_text(other_family.user.email)
    db.expire_all()
    assert db.exec(select(FamilyInvite)).one().used_at is None
    # The new address's link makes the account inside the inviting family and uses the invite.
    client, finished = _finish_link(app, smtp, "sam@example.com")
    assert finished.status_code == 303
    sam = db.exec(select(User).where(User.email == "sam@example.com")).one()
    assert (sam.family_id, sam.role) == (family.user.family_id, "caregiver")
    assert sam.email_confirmed_at is not None
    assert client.get(f"/children/{family.child.id}").status_code == 200
    db.expire_all()
    assert db.exec(select(FamilyInvite)).one().used_by_id == sam.id


def test_with_mail_a_join_link_opened_after_the_invitation_was_used_makes_nothing(
        app, family, db, smtp):
    link = _invite_link(family)
    _join(app.test_client(), link, "sam@example.com")
    _join(app.test_client(), link, "kim@example.com")
    assert _finish_link(app, smtp, "kim@example.com")[1].status_code == 303
    _client, late = _finish_link(app, smtp, "sam@example.com")
    assert late.status_code == 404
    assert "already used or expired" in late.get_data(as_text=True)
    assert db.exec(select(User).where(User.email == "sam@example.com")).first() is None


def test_the_invitation_email_states_the_lifetime_that_is_enforced(app, family, smtp):
    app.config["INVITE_TOKEN_LIFETIME"] = timedelta(days=3)
    family.post("/family/invites", {"email": "sam@example.com"})
    assert "within 3 days" in smtp.last_text("sam@example.com")


def test_pages_state_the_invitation_lifetime_that_is_enforced(app, family):
    app.config["INVITE_TOKEN_LIFETIME"] = timedelta(days=3)
    assert "works once, for 3 days" in family.client.get("/family").get_data(as_text=True)


def test_without_a_mail_server_the_invite_page_says_no_email_went_out(family, db):
    body = family.post("/family/invites", {"email": "sam@example.com"}).get_data(as_text=True)
    assert "No email was sent" in body and "yourself" in body and "We emailed" not in body
    assert db.exec(select(FamilyInvite)).one().email == "sam@example.com"
    # The link in a box to select by hand; Copy and Share shown by copy_link.js where they work.
    assert 'readonly spellcheck="false" data-copy-source>http://localhost/join/' in body
    assert 'data-share="invite-link" hidden' in body and 'data-copy="invite-link" hidden' in body
    assert re.search(r"/static/js/copy_link\.\w+\.js", body)


def test_with_a_mail_server_the_invite_page_says_the_email_went_out(family, smtp):
    body = family.post("/family/invites", {"email": "sam@example.com"}).get_data(as_text=True)
    assert "We emailed this link to sam@example.com" in body and "No email was sent" not in body
    assert smtp.links("sam@example.com")


def test_a_link_without_an_address_only_asks_to_send_it(family):
    body = family.post("/family/invites", {"email": ""}).get_data(as_text=True)
    assert "We emailed" not in body and "No email was sent" not in body
    assert "Send this link to the person you invite" in body


def test_the_join_page_says_who_invites_to_which_family(app, family, db):
    families.add_child(db, family.user, display_name="Leo")
    link = _invite_link(family)
    page = app.test_client().get(link).get_data(as_text=True)
    assert re.search(r"<strong>alex</strong> invited you to help with <strong>Sam and Leo</strong>",
                     page)
    other = SignedInFamily(app, db, "kim@example.com", child_name="Mia")
    joined_page = other.client.get(link).get_data(as_text=True)
    assert "invited you to help with <strong>Sam and Leo</strong>" in joined_page


def test_the_join_page_names_nobody_once_the_inviter_is_gone(app, family, db):
    link = _invite_link(family)
    db.exec(select(FamilyInvite)).one().invited_by_id = None
    db.commit()
    page = app.test_client().get(link).get_data(as_text=True)
    assert "<strong>Someone in the family</strong> invited you to help with <strong>Sam</strong>" \
        in page


def test_an_invitation_to_an_address_mail_servers_may_refuse_is_asked_for_again(family, db):
    response = family.post("/family/invites", {"email": "josé@example.com"})
    assert response.status_code == 422
    assert "an address in plain letters" in response.get_data(as_text=True)
    assert db.exec(select(FamilyInvite)).all() == []


def test_a_refusal_to_htmx_keeps_the_address_the_form_was_filled_in_at(family, db):
    """Found from outside on a phone (the practice form): a refused form moved the address bar
    to the address it posts to. Every refusal (422) answers htmx with HX-Push-Url: false, not
    only forms rendered by render_form: the family page renders its own."""
    boosted = {"HX-Request": "true", "HX-Boosted": "true"}
    refused = family.client.post("/family/timezone", data={
        "timezone": "Mars/Olympus_Mons", "csrf_token": family.csrf()}, headers=boosted)
    assert refused.status_code == 422 and refused.headers["HX-Push-Url"] == "false"
    accepted = family.client.get("/family", headers=boosted)
    assert accepted.status_code == 200 and "HX-Push-Url" not in accepted.headers
