"""CSRF tokens masked afresh for every response, so compressed pages cannot leak them (BREACH).

A compressed page carries the CSRF token next to text the user typed; an attacker who can make
the page echo guesses and watch its compressed length could read the token a character at a
time, if the token were the same bytes in every response. So the session's signed token (from
Flask-WTF's generate_csrf) never reaches a page as it is: each response carries it XORed with a
random pad of its length, pad and result together in base64url, as Django does. Every place that
checks a token unmasks it first and leaves the real check to Flask-WTF's validate_csrf (the
signature, and the match with the session's token), so a masked token stays valid for the whole
session like the plain one did.

Where tokens go out: the `csrf_token()` template global (base.html's hx-headers, the `csrf()`
form macro, reminders' push box) and every form's hidden csrf_token field (forms/base.py).
Where they come back: MaskedCSRFProtect, the before_request check for every POST (form field or
X-CSRFToken header), and the forms' own check (MaskedFormCSRF) when that one did not run.
"""
import base64
import binascii
import logging
import os

from flask import Flask, current_app, g, session
from flask_wtf.csrf import CSRFProtect, generate_csrf, validate_csrf
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup
from wtforms import HiddenField, ValidationError
from wtforms.csrf.core import CSRF, CSRFTokenField

logger = logging.getLogger(__name__)

# What a value that is not a masked token unmasks to: it fails the signature check, so the
# refusal says "The CSRF token is invalid." A plain signed token is refused the same way.
NOT_MASKED = "not a masked token"


def mask(token: str) -> str:
    """Return `token` under a fresh random pad: base64url(pad + (pad XOR token))."""
    plain = token.encode()
    pad = os.urandom(len(plain))
    masked = pad + bytes(p ^ c for p, c in zip(pad, plain, strict=True))
    return base64.urlsafe_b64encode(masked).rstrip(b"=").decode()


def unmask(value: str | None) -> str | None:
    """Return the token a masked value carries; NOT_MASKED for anything else, None stays None."""
    if not value:
        return value
    try:
        data = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
        half, odd = divmod(len(data), 2)
        if odd or not half:
            return NOT_MASKED
        return bytes(p ^ c for p, c in zip(data[:half], data[half:], strict=True)).decode("ascii")
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        return NOT_MASKED


# Flask-WTF's salt for its signed tokens, which validate_csrf checks (tests/test_csrf_mask.py).
_SALT = "wtf-csrf-token"
SIGNED_KEPT = 10_000  # signed session tokens a worker keeps; past that it starts again
_signed: dict[tuple[str, str], str] = {}


def _signed_session_token() -> str:
    """The session's token signed, as generate_csrf() signs it, but once per session token and
    worker rather than on every page (a serializer built, JSON, an HMAC, base64: 70 us of
    every page). With no time limit (WTF_CSRF_TIME_LIMIT None, config.py) the signature's
    timestamp is never checked, so an earlier signing is as good as a new one; with one, every
    page signs afresh as Flask-WTF does."""
    config = current_app.config
    if config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field not in session:
        generate_csrf()  # makes the session's token
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    key = (secret, session[field])
    signed = _signed.get(key)
    if signed is None:
        if len(_signed) >= SIGNED_KEPT:
            _signed.clear()
        signed = _signed[key] = URLSafeTimedSerializer(secret, salt=_SALT).dumps(key[1])
    return signed


def masked_csrf_token() -> str:
    """Return the session's CSRF token under this response's mask.

    One mask per response: repeats in one page cost nothing once compressed, and the next
    response has another. Re-masked if the session's token changed during the request.
    """
    token = _signed_session_token()
    cached = g.get("masked_csrf_token")
    if cached is None or cached[0] != token:
        cached = g.masked_csrf_token = (token, mask(token))
    return cached[1]


def masked_csrf_meta_tag(name: str = "csrf-token") -> Markup:
    """Flask-WTF's csrf_meta_tag(), with the masked token."""
    return Markup('<meta name="{}" content="{}">').format(name, masked_csrf_token())


class MaskedCSRFProtect(CSRFProtect):
    """CSRFProtect whose template global hands out masked tokens and whose check unmasks them."""

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        # Both: the globals serve imported macros (no context), the processor pages.
        masked = {"csrf_token": masked_csrf_token, "csrf_meta_tag": masked_csrf_meta_tag}
        app.jinja_env.globals.update(masked)
        app.context_processor(lambda: masked)

    def _get_csrf_token(self) -> str | None:
        # The one override of a Flask-WTF internal: protect() keeps its exemptions, methods,
        # HTTPS referrer check and CSRFError, and reads the token through this method.
        # tests/test_csrf_mask.py pins it.
        return unmask(super()._get_csrf_token())


class _TokenField(CSRFTokenField):
    """The hidden token input, without an id: a page with two forms would repeat the id.

    Its token is made when the field is rendered, not when the form is built (as WTForms
    does): a form saved and redirected never shows one, and signing and masking it was
    wasted on every such POST.
    """

    @property
    def current_token(self) -> str:
        return self.csrf_impl.generate_csrf_token(self)

    def process(self, *args, **kwargs):
        HiddenField.process(self, *args, **kwargs)  # CSRFTokenField's would make the token

    def __call__(self, **kwargs):
        kwargs.setdefault("id", False)
        return super().__call__(**kwargs)


class MaskedFormCSRF(CSRF):
    """A form's CSRF field: renders this response's masked token, unmasks what comes back."""

    field_class = _TokenField

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field) -> str:
        return masked_csrf_token()

    def validate_csrf_token(self, form, field) -> None:
        if g.get("csrf_valid", False):
            return  # MaskedCSRFProtect already checked this request
        try:
            validate_csrf(unmask(field.data), self.meta.csrf_secret, self.meta.csrf_time_limit,
                          self.meta.csrf_field_name)
        except ValidationError as e:
            logger.info(e.args[0])
            raise
