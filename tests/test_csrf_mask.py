"""CSRF tokens reach pages masked afresh for every response, and every check unmasks them."""
import importlib
import pkgutil
import re

from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlmodel import select
from werkzeug.datastructures import MultiDict

import graded_exposure.forms
from graded_exposure.csrf_mask import MaskedCSRFProtect, mask, masked_csrf_token, unmask
from graded_exposure.forms.base import AppForm
from graded_exposure.forms.child_mode import GrownUpsForm
from graded_exposure.models import Child
from tests.conftest import csrf_from

EXPIRED = "This page has expired. Reload it and try again."


def _tokens(html: str) -> set[str]:
    """Every CSRF token in a page: form fields, htmx's header, the push box's data-csrf."""
    return set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html)
               + re.findall(r'"X-CSRFToken": "([^"]+)"', html)
               + re.findall(r'data-csrf="([^"]+)"', html))


def _session_token(masked: str) -> str:
    """The session's token a masked value carries: the signed token's payload, without the
    signature's timestamp (two renders a second apart are signed at different times)."""
    return unmask(masked).split(".")[0]


def _children(db) -> list[str]:
    db.expire_all()
    return [child.display_name for child in db.exec(select(Child))]


def test_two_renders_of_a_page_carry_different_tokens_for_one_session(family):
    first = family.client.get("/children/new").get_data(as_text=True)
    second = family.client.get("/children/new").get_data(as_text=True)
    (token_1,), (token_2,) = _tokens(first), _tokens(second)  # one mask per response
    assert token_1 != token_2 and _session_token(token_1) == _session_token(token_2)


def test_form_fields_rendered_by_flask_wtf_are_masked_too(client):
    pages = [client.get("/login").get_data(as_text=True) for _ in range(2)]
    fields = [re.search(r'<input name="csrf_token" type="hidden" value="([^"]+)"',
                        page).group(1) for page in pages]
    assert fields[0] != fields[1] and _session_token(fields[0]) == _session_token(fields[1])


def test_the_plain_token_never_reaches_a_page(family):
    signed_tokens = URLSafeTimedSerializer(family.app.secret_key, salt="wtf-csrf-token")
    for url in ("/children/new", "/account", "/reminders", f"/children/{family.child.id}"):
        html = family.client.get(url).get_data(as_text=True)
        with family.client.session_transaction() as session:
            secret = session["csrf_token"]  # what the signed token carries
        (token,) = _tokens(html)  # one mask per response, however many forms
        signed = unmask(token)
        assert signed_tokens.loads(signed) == secret
        assert signed not in html and secret not in html, url


def test_each_masked_token_is_accepted_in_the_form_field_and_the_htmx_header(family, db):
    first = csrf_from(family.client.get("/children/new").get_data(as_text=True))
    second = csrf_from(family.client.get("/children/new").get_data(as_text=True))
    by_field = family.client.post("/children/new",
                                  data={"display_name": "Field", "csrf_token": first})
    by_header = family.client.post("/children/new", data={"display_name": "Header"},
                                   headers={"HX-Request": "true", "X-CSRFToken": second})
    assert (by_field.status_code, by_header.status_code) == (303, 303)
    again = family.client.post("/children/new",  # valid for the session, not once
                               data={"display_name": "Again", "csrf_token": first})
    assert again.status_code == 303
    assert {"Field", "Header", "Again"} <= set(_children(db))


def _altered(token: str) -> str:
    """The same masked form around a token with its first character changed. (Flipping a
    character of the masked text itself could land on the signature's unused base64 bits and
    leave the token valid: the test then failed about once in twenty runs.)"""
    plain = unmask(token)
    return mask(("A" if plain[0] != "A" else "B") + plain[1:])


def test_an_altered_or_unmasked_token_is_refused_and_nothing_is_stored(family, db):
    token = csrf_from(family.client.get("/children/new").get_data(as_text=True))
    for bad in (_altered(token), unmask(token), token[:-4], "not-base64!", token + token):
        for how in ({"data": {"display_name": "Sneaky", "csrf_token": bad}},
                    {"data": {"display_name": "Sneaky"},
                     "headers": {"HX-Request": "true", "X-CSRFToken": bad}}):
            response = family.client.post("/children/new", **how)
            assert response.status_code == 400, bad
            assert EXPIRED in response.get_data(as_text=True)
    assert "Sneaky" not in _children(db)


def test_a_forms_own_check_unmasks_too(app):
    # CSRFProtect's before_request did not run here, so the form checks the token itself.
    with app.test_request_context("/", method="POST"):
        token = masked_csrf_token()
        good = GrownUpsForm(formdata=MultiDict({"csrf_token": token, "password": "x"}))
        bad = GrownUpsForm(formdata=MultiDict({"csrf_token": _altered(token), "password": "x"}))
        good.validate(), bad.validate()
    assert "csrf_token" not in good.errors
    assert bad.errors["csrf_token"] == ["The CSRF token is invalid."]


def test_every_form_masks_its_token():
    for module in pkgutil.iter_modules(graded_exposure.forms.__path__):
        importlib.import_module(f"graded_exposure.forms.{module.name}")
    forms, todo = [], [FlaskForm]
    while todo:
        todo.extend(sub := todo.pop().__subclasses__())
        forms += [f for f in sub if f.__module__.startswith("graded_exposure.")]
    assert len(forms) > 10
    for form in forms:
        assert issubclass(form, AppForm), form


def test_the_one_flask_wtf_internal_overridden_is_still_there():
    # MaskedCSRFProtect unmasks in _get_csrf_token, which CSRFProtect.protect() reads the token
    # through; if Flask-WTF renames it, every masked token would be refused (the tests above).
    assert "_get_csrf_token" in vars(CSRFProtect)
    assert "_get_csrf_token" in vars(MaskedCSRFProtect)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1))
def test_unmask_gives_back_what_mask_hid(token):
    masked = mask(token)
    assert unmask(masked) == token
    assert re.fullmatch(r"[A-Za-z0-9_-]+", masked)


def test_a_token_is_masked_only_for_a_page_that_shows_it(family, monkeypatch):
    # A form saved and redirected never shows its token: building one for it was wasted work
    # on every POST. A form shown again with its errors still carries a valid one.
    masked = []
    monkeypatch.setattr("graded_exposure.csrf_mask.mask",
                        lambda token: masked.append(token) or mask(token))
    token = csrf_from(family.client.get("/children/new").get_data(as_text=True))
    masked.clear()
    saved = family.client.post("/children/new", data={"display_name": "Saved", "csrf_token": token})
    assert saved.status_code == 303 and masked == []
    refused = family.client.post("/children/new", data={"display_name": "", "csrf_token": token})
    assert refused.status_code == 422 and len(masked) == 1
    assert unmask(csrf_from(refused.get_data(as_text=True))) == masked[0]


def test_a_session_token_is_signed_once_and_every_signing_is_accepted(app, family, db):
    # Signing on every page cost 70 us of it: a worker keeps one signing per session token
    # (the signature's time is never checked: WTF_CSRF_TIME_LIMIT is None).
    first = family.client.get("/children/new").get_data(as_text=True)
    second = family.client.get("/children/new").get_data(as_text=True)
    (token_1,), (token_2,) = _tokens(first), _tokens(second)
    assert token_1 != token_2 and unmask(token_1) == unmask(token_2)  # masks differ, signing not
    other = app.test_client().get("/login").get_data(as_text=True)
    assert _session_token(next(iter(_tokens(other)))) != _session_token(token_1)  # per session
    # The kept signing is what Flask-WTF would accept: a form sent with it is saved.
    response = family.client.post("/children/new", data={
        "display_name": "Leo", "csrf_token": token_2})
    assert response.status_code == 303 and "Leo" in _children(db)


def test_a_new_secret_key_signs_the_session_token_anew(app):
    with app.test_request_context():
        before = unmask(masked_csrf_token())
    app.secret_key, old = "rotated-" + app.secret_key, app.secret_key
    try:
        with app.test_request_context():
            from flask import session
            session["csrf_token"] = URLSafeTimedSerializer(old, salt="wtf-csrf-token").loads(
                before)
            after = unmask(masked_csrf_token())
        assert after != before
        assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(after)
    finally:
        app.secret_key = old
