"""Security headers, caching rules and error pages."""
import pytest
from sqlmodel import select

from graded_exposure.db import get_session
from graded_exposure.models import User


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_a_cache_keeps_fragments_and_boosted_pages_apart(client):
    """An htmx request gets a fragment and a boosted one the whole page, at one URL: both
    headers are in Vary, or a cache could answer a boosted visit with a fragment."""
    fragment = client.get("/login", headers={"HX-Request": "true"})
    boosted = client.get("/login", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert fragment.get_data() != boosted.get_data()
    for response in (fragment, boosted):
        assert {"HX-Request", "HX-Boosted"} <= set(response.vary)


def test_logged_in_pages_are_not_cached(family):
    assert family.client.get("/family").headers["Cache-Control"] == "no-store"


@pytest.mark.own_app
def test_error_page_has_no_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, where TESTING is off
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in body and "secret internals" not in body
    assert "Something went wrong on our side" in body


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and "could not find that page" in response.get_data(as_text=True)


def test_htmx_error_is_a_fragment(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404 and "<html" not in response.get_data(as_text=True)


def test_htmx_request_for_a_missing_part_gets_the_fragment_with_a_way_forward(client):
    response = client.get("/no-such-part", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/family?tab=2"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "<html" not in body
    assert 'id="error"' in body
    assert "We could not find that. It may have been deleted" in body
    assert 'href="/family?tab=2" hx-boost="false">Reload the page' in body
    assert ">Back to home</a>" in body


def test_boosted_request_for_a_missing_page_gets_the_whole_page(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true", "HX-Boosted": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "<html" in body
    error = body[body.index('<section id="error"'):]
    error = error[:error.index("</section>")]
    assert "<h1>We could not find that page.</h1>" in error
    assert "Reload the page" not in error and "Back to home" in error  # the page is missing


def test_reload_leads_only_to_a_page_on_this_site(client):
    for current in ("http://evil.example//evil.example/x", "javascript:alert(1)", "not a url"):
        response = client.get("/no-such-part", headers={"HX-Request": "true",
                                                         "HX-Current-URL": current})
        assert 'href="/" hx-boost="false">Reload the page' in response.get_data(as_text=True)


def test_state_change_without_csrf_token_is_refused(family, db):
    from sqlmodel import select

    from graded_exposure.models import Child

    for headers in ({}, {"HX-Request": "true"}):
        response = family.client.post("/children/new", data={"display_name": "Sneaky"},
                                      headers=headers)
        assert response.status_code == 400
        assert "This page has expired. Reload it and try again." in response.get_data(as_text=True)
    assert "Sneaky" not in [c.display_name for c in db.exec(select(Child))]


def test_expired_form_offers_to_reload_the_page_it_came_from(family):
    plain = family.client.post("/children/new", data={"display_name": "Late"},
                               headers={"Referer": "http://localhost/children/new"})
    boosted = family.client.post("/children/new", data={"display_name": "Late"}, headers={
        "HX-Request": "true", "HX-Boosted": "true", "HX-Current-URL": "http://localhost/family"})
    assert 'href="/children/new" hx-boost="false">Reload the page' in plain.get_data(as_text=True)
    assert 'href="/family" hx-boost="false">Reload the page' in boosted.get_data(as_text=True)
    assert "<html" in boosted.get_data(as_text=True)


def test_htmx_csrf_header_is_accepted(family, db):
    response = family.client.post("/children/new", data={"display_name": "Header"},
                                  headers={"HX-Request": "true", "X-CSRFToken": family.csrf()})
    assert response.status_code == 303


def test_logout_needs_post(family):
    assert family.client.get("/logout").status_code == 405
    assert family.client.get("/family").status_code == 200


@pytest.fixture
def writes_twice(app):
    """A route whose insert the database refuses, as the second of two racing requests' is."""
    @app.post("/twice")
    def twice():
        session = get_session()
        taken = session.exec(select(User.email).order_by(User.id)).first()
        session.add(User(email=taken, display_name="Again", password_hash="x",
                         role="caregiver"))
        session.flush()
        return "stored"


@pytest.mark.own_app
def test_a_write_refused_by_a_constraint_is_a_409_not_a_500(writes_twice, family, db):
    """Found from outside on PostgreSQL: a double tap (two requests writing the same thing at
    once) passes both look-ups, and the database refuses the second insert; that was a 500 on
    several pages. It is a 409 saying what happened, nothing of it kept, and the page still
    renders for the signed-in user (the failed transaction is rolled back first)."""
    for headers in ({}, {"HX-Request": "true"}):
        response = family.post("/twice", headers=headers)
        body = response.get_data(as_text=True)
        assert response.status_code == 409, body
        assert "at the same moment" in body and "Reload" in body
    assert [u.display_name for u in db.exec(select(User))] == [family.user.display_name]
