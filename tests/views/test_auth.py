"""Accounts through HTTP: register, log in and out, throttling, resets, sessions."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from graded_exposure.models import AuditEvent, Family, PendingRegistration, User
from tests.conftest import PASSWORD, csrf_from
from tests.hostile_input import REDIRECT_BYPASSES, SAME_SITE_NEXT


def _register(client, **overrides):
    page = client.get("/register").get_data(as_text=True)
    data = {"display_name": "Alex", "email": "alex@example.com", "password": PASSWORD,
            "role": "caregiver", "timezone": "Europe/Paris", "csrf_token": csrf_from(page)}
    data.update(overrides)
    return client.post("/register", data=data)


def _finish(client, smtp, email="alex@example.com"):
    """Open the emailed sign-up link and press its one button, as the new user would."""
    (link,) = [x for x in smtp.links(email) if "/register/" in x]
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                   "password": PASSWORD})


def test_register_then_link_creates_caregiver_with_family_in_browser_timezone(client, db, smtp):
    response = _register(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/register/check-email")
    assert db.exec(select(User)).first() is None  # nothing usable before the link is opened
    assert _finish(client, smtp).status_code == 303
    user = db.exec(select(User)).one()
    assert user.role == "caregiver" and user.email_confirmed_at is not None
    assert user.password_hash.startswith("pbkdf2:sha256:1$")  # the test hash; production: scrypt
    assert db.get(Family, user.family_id).timezone == "Europe/Paris"
    # Logged in by the link, straight on to adding a child.
    assert client.get("/").headers["Location"].endswith("/children/new")


def test_register_ignores_mass_assignment_fields(client, db, smtp):
    _register(client, family_id="999", id="5", password_hash="x")
    _finish(client, smtp)
    user = db.exec(select(User)).one()
    assert user.id != 5 and user.family_id != 999 and user.password_hash != "x"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("password", "short", "at least 8"),
    ("password", "password123", "too common"),
    ("email", "not-an-email", "Write an email address, like name@example.com"),
    ("display_name", "", "Please fill this in"),
    ("display_name", "x" * 81, "Keep this to 80 characters or fewer"),
    ("role", "admin", "Not a valid choice"),
])
def test_register_refuses_bad_input(client, db, smtp, field, value, message):
    response = _register(client, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.exec(select(User)).first() is None
    assert db.exec(select(PendingRegistration)).first() is None
    assert smtp.messages == []


def test_long_passphrase_is_accepted(client, db, smtp):
    assert _register(client, password="a" * 64 + " long passphrase").status_code == 303


def test_duplicate_email_is_refused_without_a_second_account(client, family, db, smtp):
    response = _register(client, email="ALEX@example.com")
    assert response.status_code == 303
    assert len(db.exec(select(User)).all()) == 1
    assert db.exec(select(PendingRegistration)).first() is None


def test_login_failure_does_not_reveal_whether_account_exists(client, family):
    page = client.get("/login").get_data(as_text=True)
    wrong = client.post("/login", data={"email": "alex@example.com", "password": "wrong-password",
                                        "csrf_token": csrf_from(page)})
    missing = client.post("/login", data={"email": "nobody@example.com", "password": "wrong-pass",
                                          "csrf_token": csrf_from(page)})
    assert wrong.status_code == missing.status_code == 422
    assert "do not match an account" in wrong.get_data(as_text=True)
    assert "do not match an account" in missing.get_data(as_text=True)


def _log_in_with_next(client, next_value: str):
    page = client.get("/login", query_string={"next": next_value}).get_data(as_text=True)
    return client.post("/login", query_string={"next": next_value},
                       data={"email": "alex@example.com", "password": PASSWORD,
                             "csrf_token": csrf_from(page)})


@pytest.mark.parametrize("next_value", REDIRECT_BYPASSES)
def test_login_never_redirects_off_site(client, family, next_value):
    response = _log_in_with_next(client, next_value)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_redirect_with_a_tab_reported_by_black_box_testing(client, family):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=%2F%09%2Fevil.example%2F", data={
        "email": "alex@example.com", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("next_value", SAME_SITE_NEXT)
def test_login_keeps_a_same_site_next(client, family, next_value):
    response = _log_in_with_next(client, next_value)
    assert response.status_code == 303
    assert response.headers["Location"] == next_value


def test_login_returns_to_the_page_that_asked_for_it(client, family):
    login_url = client.get("/children/1/week?start=2026-01-05").headers["Location"]
    page = client.get(login_url).get_data(as_text=True)
    response = client.post(login_url, data={"email": "alex@example.com", "password": PASSWORD,
                                            "csrf_token": csrf_from(page)})
    assert response.headers["Location"] == "/children/1/week?start=2026-01-05"


def test_login_is_throttled_per_account(client, family, db):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for _ in range(5):
        client.post("/login", data={"email": "alex@example.com", "password": "bad-guess!",
                                    "csrf_token": token})
    blocked = client.post("/login", data={"email": "alex@example.com", "password": PASSWORD,
                                          "csrf_token": token})
    assert blocked.status_code == 422
    assert "Too many failed attempts" in blocked.get_data(as_text=True)
    actions = [e.action for e in db.exec(select(AuditEvent))]
    assert actions.count("login_failed") == 5 and "login_throttled" in actions


def test_logging_out_stops_this_phones_notifications_only(family, db):
    """Found from outside: a shared phone kept getting the account's push notifications after
    logging out. The logout form sends this phone's push address (offline.js, which also
    unsubscribes the browser); only that one goes, the account's other devices stay."""
    from graded_exposure.models import PushSubscription

    for phone in ("this", "other"):
        db.add(PushSubscription(user_id=family.user.id, endpoint=f"https://fcm.googleapis.com/{phone}",
                                p256dh="k", auth="a"))
    db.commit()
    assert family.post("/logout", {"push_endpoint": "https://fcm.googleapis.com/this"}
                       ).status_code == 303
    db.expire_all()
    assert db.exec(select(PushSubscription.endpoint)).all() == ["https://fcm.googleapis.com/other"]


def test_logout_ends_the_session_even_for_a_replayed_cookie(app, family):
    cookie = family.client.get_cookie("brave_steps_session").value
    assert family.client.get("/family").status_code == 200
    family.post("/logout")
    replay = app.test_client()
    replay.set_cookie("brave_steps_session", cookie)
    assert replay.get("/family").status_code == 302


def test_login_issues_a_new_session_cookie(client, family):
    before = client.get("/login")
    old = client.get_cookie("brave_steps_session")
    token = csrf_from(before.get_data(as_text=True))
    client.post("/login", data={"email": "alex@example.com", "password": PASSWORD,
                                "csrf_token": token})
    assert client.get_cookie("brave_steps_session").value != (old.value if old else None)


def test_pages_that_change_nothing_in_the_session_do_not_resend_its_cookie(family):
    """The server's session row keeps the idle and absolute limits, so the cookie is not
    re-signed and re-sent on every page: only when what it holds changes."""
    home = f"/children/{family.child.id}"
    assert "Set-Cookie" in family.client.get(home).headers  # the child shown is remembered
    for url in (home, "/family", "/account", f"{home}/insights"):
        response = family.client.get(url)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers, url


def test_session_cookie_flags(client, family, smtp):
    response = _register(client, email="new@example.com")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header


def test_unauthenticated_htmx_request_gets_hx_redirect(client):
    response = client.get("/family", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_unauthenticated_page_request_redirects_to_login(client):
    response = client.get("/family")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_reset_link_works_once(app, client, family, smtp):
    token = csrf_from(client.get("/reset").get_data(as_text=True))
    response = client.post("/reset", data={"email": "alex@example.com", "csrf_token": token})
    assert response.status_code == 303
    link = urlsplit(smtp.links("alex@example.com")[0]).path
    page = client.get(link).get_data(as_text=True)
    done = client.post(link, data={"password": "a brand new secret", "csrf_token": csrf_from(page)})
    assert done.status_code == 303
    again = client.post(link, data={"password": "another new secret", "csrf_token": token})
    assert again.status_code == 422 and "invalid, used or expired" in again.get_data(as_text=True)
    # The reset ended the family's existing session.
    assert family.client.get("/family").status_code == 302


def _reset_link(client, smtp, email: str = "alex@example.com") -> str:
    token = csrf_from(client.get("/reset").get_data(as_text=True))
    assert client.post("/reset", data={"email": email, "csrf_token": token}).status_code == 303
    return urlsplit(smtp.links(email)[0]).path


def _set_password_with(client, link: str, password: str):
    page = client.get(link).get_data(as_text=True)
    return client.post(link, data={"password": password, "csrf_token": csrf_from(page)})


def _can_log_in(app, password: str) -> bool:
    visitor = app.test_client()
    page = visitor.get("/login").get_data(as_text=True)
    visitor.post("/login", data={"email": "alex@example.com", "password": password,
                                 "csrf_token": csrf_from(page)})
    return visitor.get("/family").status_code == 200


def test_a_reset_ends_every_other_reset_link_of_the_account(app, client, family, smtp):
    first, second = _reset_link(client, smtp), _reset_link(client, smtp)
    assert first != second
    assert _set_password_with(client, second, "the one I chose").status_code == 303
    refused = _set_password_with(client, first, "someone else's pick")
    assert refused.status_code == 422
    assert "invalid, used or expired" in refused.get_data(as_text=True)
    assert _can_log_in(app, "the one I chose") and not _can_log_in(app, "someone else's pick")


def test_changing_the_password_ends_the_reset_links_sent_before(app, client, family, smtp):
    link = _reset_link(client, smtp)
    assert family.post("/account", {"current": PASSWORD, "new": "a fresh passphrase"}
                       ).status_code == 303
    refused = _set_password_with(client, link, "from an old email")
    assert refused.status_code == 422
    assert "invalid, used or expired" in refused.get_data(as_text=True)
    assert _can_log_in(app, "a fresh passphrase") and not _can_log_in(app, "from an old email")


def test_reset_request_answers_the_same_for_unknown_email(client, family):
    token = csrf_from(client.get("/reset").get_data(as_text=True))
    known = client.post("/reset", data={"email": "alex@example.com", "csrf_token": token},
                        follow_redirects=True)
    unknown = client.post("/reset", data={"email": "who@example.com", "csrf_token": token},
                          follow_redirects=True)
    assert "If that address has an account" in known.get_data(as_text=True)
    assert "If that address has an account" in unknown.get_data(as_text=True)


def test_unknown_reset_token_is_refused(client):
    response = client.get("/reset/not-a-real-token")
    assert response.status_code == 422


def test_password_change_ends_other_sessions_but_keeps_this_one(app, family):
    other_device = app.test_client()
    page = other_device.get("/login").get_data(as_text=True)
    other_device.post("/login", data={"email": "alex@example.com", "password": PASSWORD,
                                      "csrf_token": csrf_from(page)})
    response = family.post("/account", {"current": PASSWORD, "new": "a fresh passphrase"})
    assert response.status_code == 303
    assert family.client.get("/family").status_code == 200
    assert other_device.get("/family").status_code == 302


def test_password_change_needs_the_current_password(family):
    response = family.post("/account", {"current": "wrong-one!", "new": "a fresh passphrase"})
    assert response.status_code == 422
    assert "current password is not right" in response.get_data(as_text=True)


def test_reset_page_states_the_enforced_lifetime(app, client):
    app.config["RESET_TOKEN_LIFETIME"] = timedelta(hours=2)
    page = client.get("/reset").get_data(as_text=True)
    assert "works once, for 2 hours." in page and "{{" not in page


def test_account_page_title_is_plain_words(family, therapist_client):
    for client in (family.client, therapist_client):
        body = client.get("/account").get_data(as_text=True)
        title = re.search(r"<title>(.*?)</title>", body, re.S).group(1)
        assert title == "Your account · Brave Steps"


def test_account_page_leads_a_caregiver_to_reminders_and_the_calendar_feed(family,
                                                                          therapist_client):
    link = 'href="/reminders">Reminders, notifications and calendar feed</a>'
    assert link in family.client.get("/account").get_data(as_text=True)
    assert link not in therapist_client.get("/account").get_data(as_text=True)
