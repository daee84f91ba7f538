"""Sign-up by emailed link: one answer for new and known addresses, and links that work once."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select
from werkzeug.datastructures import MultiDict

from graded_exposure.models import PendingRegistration, User, utcnow
from tests.conftest import PASSWORD, csrf_from, logged_in_client


def _sign_up(client, email="jo@example.com", password=PASSWORD, name="Jo", role="caregiver"):
    page = client.get("/register").get_data(as_text=True)
    return client.post("/register", data={
        "display_name": name, "email": email, "password": password, "role": role,
        "timezone": "Europe/London", "csrf_token": csrf_from(page)})


def _sign_up_path(smtp, email="jo@example.com") -> str:
    (link,) = [x for x in smtp.links(email) if "/register/" in x]
    assert link.startswith("http://localhost/register/")
    return urlsplit(link).path


def _finish(client, path, password=PASSWORD):
    page = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(page), "password": password})


def test_a_known_address_gets_the_same_answer_as_a_new_one(app, client, family, db, smtp):
    new = _sign_up(app.test_client(), "new@example.com")
    known = _sign_up(app.test_client(), "alex@example.com")
    assert (new.status_code, new.headers["Location"]) == (known.status_code,
                                                          known.headers["Location"])
    new_page = app.test_client().get(new.headers["Location"]).get_data(as_text=True)
    assert "Check your email" in new_page
    # The owner is told, with a reset link that works; no second account, nothing waiting.
    text = smtp.last_text("alex@example.com")
    assert "Someone just tried to create a new Brave Steps account" in text
    reset = next(x for x in smtp.links("alex@example.com") if "/reset/" in x)
    assert client.get(urlsplit(reset).path).status_code == 200
    assert len(db.exec(select(User)).all()) == 1
    assert db.exec(select(PendingRegistration).where(
        PendingRegistration.email == "alex@example.com")).first() is None


def test_the_sign_up_email_carries_none_of_the_strangers_words(client, smtp):
    """Anyone can send the sign-up email to any address: what they typed as their name (a
    phishing line, a link) must not reach that inbox before the address is proven."""
    bait = "Mia, your account is locked: call us on 0800 000 000"  # (a link is refused)
    _sign_up(client, email="victim@example.org", name=bait)
    ((_recipients, message),) = smtp.messages
    whole = message.as_string() + smtp.last_text("victim@example.org")
    assert "0800" not in whole and "locked" not in whole
    assert "/register/" in smtp.last_text("victim@example.org")


def test_opening_the_link_shows_one_button_and_only_the_post_creates_the_account(
        app, client, db, smtp):
    _sign_up(client)
    path = _sign_up_path(smtp)
    page = app.test_client().get(path)  # a mail scanner following the link
    assert page.status_code == 200 and "Finish signing up" in page.get_data(as_text=True)
    assert db.exec(select(User)).first() is None
    assert _finish(client, path).status_code == 303
    user = db.exec(select(User)).one()
    assert user.email == "jo@example.com" and user.email_confirmed_at is not None
    assert client.get("/family").status_code == 200  # logged in by the link
    # The link works once.
    again = app.test_client().get(path)
    assert again.status_code == 404 and "does not work" in again.get_data(as_text=True)


def test_an_expired_link_creates_nothing(client, db, smtp):
    _sign_up(client)
    row = db.exec(select(PendingRegistration)).one()
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    path = _sign_up_path(smtp)
    assert client.get(path).status_code == 404
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post(path, data={"csrf_token": token}).status_code == 404
    assert db.exec(select(User)).first() is None


def test_a_stranger_signing_up_first_cannot_plant_a_password(app, db, smtp):
    _sign_up(app.test_client(), password="the stranger knows this")
    owner = app.test_client()
    _sign_up(owner, password="only the owner knows")
    links = [x for x in smtp.links("jo@example.com") if "/register/" in x]
    assert len(smtp.to("jo@example.com")) == 2 and len(links) == 1
    assert _finish(owner, _sign_up_path(smtp), "only the owner knows").status_code == 303
    logged_in_client(app, "jo@example.com", "only the owner knows")  # asserts the login works
    stranger_client = app.test_client()
    page = stranger_client.get("/login").get_data(as_text=True)
    stranger = stranger_client.post("/login", data={
        "email": "jo@example.com", "password": "the stranger knows this",
        "csrf_token": csrf_from(page)})
    assert stranger.status_code == 422
    # The stranger's waiting sign-up ended with the owner's.
    assert db.exec(select(PendingRegistration)).first() is None


def test_a_strangers_sign_up_link_opened_by_the_owner_does_not_give_the_stranger_the_account(
        app, db, smtp):
    # Found from outside: anyone can start a sign-up for any address with a password of their
    # own; the address's owner, sent "Finish signing up", pressed the button and got an
    # account the stranger could log in to. The link finishes only with the password chosen
    # with it, which the owner does not have.
    _sign_up(app.test_client(), password="the stranger knows this", name="Jo")
    owner = app.test_client()
    refused = _finish(owner, _sign_up_path(smtp), password="only the owner knows")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "not the password chosen" in body
    assert db.exec(select(User)).first() is None
    assert owner.get("/family").status_code in (302, 401)  # not logged in
    # The owner's own sign-up still works, and ends the stranger's waiting one.
    _sign_up(owner, password="only the owner knows")
    paths = [urlsplit(x).path for x in smtp.links("jo@example.com") if "/register/" in x]
    assert _finish(owner, paths[-1], password="only the owner knows").status_code == 303
    assert _finish(app.test_client(), paths[0], password="the stranger knows this"
                   ).status_code == 404
    logged_in_client(app, "jo@example.com", "only the owner knows")


def test_the_finish_page_shows_nothing_the_starter_typed(app, smtp):
    # Found from outside: the page greeted the reader by the name whoever started the sign-up
    # typed, so a stranger could write "Your temporary password is: ..." there and have the
    # owner type the stranger's password, the takeover the password check stops.
    bait = "Sam. Your temporary password is Welcome-2026"  # (addresses are refused as names)
    _sign_up(app.test_client(), name=bait, password="Welcome-2026")
    page = app.test_client().get(_sign_up_path(smtp)).get_data(as_text=True)
    assert "temporary password" not in page and "Welcome-2026" not in page
    assert "Finish signing up" in page and "jo@example.com" in page


def test_signing_up_when_mail_cannot_be_sent_stores_nothing(client, db, smtp):
    smtp.refuse = True
    response = _sign_up(client)
    assert response.status_code == 422
    assert "could not send the email" in response.get_data(as_text=True)
    assert db.exec(select(PendingRegistration)).first() is None


def test_the_check_email_page_says_what_to_do_next(client, smtp):
    page = client.get(_sign_up(client).headers["Location"]).get_data(as_text=True)
    assert "jo@example.com" in page and "Finish signing up" in page and "24 hours" in page


@pytest.mark.parametrize("email", ["josé@example.com", "用户@例子.广告", "jo@bücher.example"])
def test_an_address_mail_servers_may_refuse_is_asked_for_in_plain_letters(client, db, smtp, email):
    """Found from outside: on a mail server without SMTPUTF8 such an address got "we could not
    send the email just now, try again in a few minutes", which could never work. It is asked
    for again, in words, before anything is stored or sent."""
    response = _sign_up(client, email=email)
    assert response.status_code == 422
    assert "an address in plain letters" in response.get_data(as_text=True)
    assert db.exec(select(PendingRegistration)).first() is None and smtp.messages == []


def test_without_javascript_the_time_zone_is_chosen_on_the_form(app, db):
    # Found from outside (time audit): the zone came only from the browser through app.js, so
    # a family signing up without JavaScript was put in UTC without a word, and its reminders
    # came at UTC's times. The form offers a select inside <noscript>, ahead of the hidden
    # field, so its value is the one taken.
    client = app.test_client()
    page = client.get("/register").get_data(as_text=True)
    choice = page.index('<select id="timezone-choice" name="timezone"')
    assert page.rindex("<noscript>", 0, choice) < choice < page.index('name="timezone" type="hidden"')
    assert '<option value="Europe/Paris">Europe/Paris</option>' in page
    assert '<option value="UTC" selected>UTC</option>' in page
    posted = MultiDict([("display_name", "Jo"), ("email", "jo@example.com"),
                        ("password", PASSWORD), ("role", "caregiver"),
                        ("timezone", "America/Sao_Paulo"), ("timezone", "UTC"),
                        ("csrf_token", csrf_from(page))])
    assert client.post("/register", data=posted).status_code in (302, 303)
    pending = db.exec(select(PendingRegistration)).one()
    assert pending.timezone == "America/Sao_Paulo"
