"""Error pages: plain words, never a stack trace, and always a way forward.

A page request (a boosted one included) gets the whole error page; an htmx request aimed at a
part of a page gets the `#error` fragment, which static/js/app.js shows in the page's alert
region (htmx itself swaps no 4xx/5xx but a refused form's 422).
"""
from urllib.parse import urlsplit

from flask import Flask, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import SecurityError

from .db import end_failed_transaction
from .extensions import htmx
from .rules.safe_redirect import safe_next_path
from .views import queued_sync
from .views.responses import wants_fragment

_MESSAGES = {
    400: "That request could not be understood.",
    403: "You are not allowed to do that.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    409: ("That was changed at the same moment somewhere else: a double tap, or another tab "
          "or phone. Reload the page to see where things stand."),
    413: "That was too much to send at once.",
    429: "Too many attempts. Please wait a little and try again.",
    500: "Something went wrong on our side. Nothing you did caused it; please try again.",
}
# Part of a page is gone: deleted in another tab, or by someone else in the family.
_PART_MISSING = ("We could not find that. It may have been deleted; "
                 "reload the page to see what is there now.")
_EXPIRED = "This page has expired. Reload it and try again."
# Where loading the page again is the way forward: a stale page, or a stumble on our side.
_RELOAD_HELPS = {400, 409, 500}


def _page_to_reload() -> str:
    """Return the page to load again: the one asked for, else the one the request came from."""
    if request.method == "GET" and not wants_fragment():
        return safe_next_path(request.full_path.rstrip("?"), url_for("home.index"))
    came_from = urlsplit((htmx.current_url if htmx else request.referrer) or "")
    local = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    return safe_next_path(local, url_for("home.index"))


def _render(code: int, message: str | None = None):
    if queued_sync.is_queued_sync():
        return queued_sync.failed(code, message or _MESSAGES.get(code, ""))
    fragment = wants_fragment()
    # A part of a page asked for, or a form sent about something: what is missing was most
    # likely deleted meanwhile (in another tab, by someone else in the family), not a page.
    part_missing = code == 404 and (fragment or request.method != "GET")
    if message is None:
        message = _PART_MISSING if part_missing else _MESSAGES.get(code, "")
    reload_url = _page_to_reload() if code in _RELOAD_HELPS or part_missing else None
    template = "errors/_error.html" if fragment else "errors/error.html"
    return render_template(template, code=code, message=message, reload_url=reload_url), code


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    for code in _MESSAGES.keys() - {500}:
        app.register_error_handler(code, lambda e, code=code: _render(code))

    @app.errorhandler(500)
    def _server_error(_e):
        # The page's navigation reads the database: after a failed statement (PostgreSQL:
        # "current transaction is aborted") or flush it would fail too, leaving the server's
        # bare error page.
        end_failed_transaction()
        return _render(500)

    @app.errorhandler(SecurityError)
    def _unknown_host(_e):
        # Raised before routing (Host not in TRUSTED_HOSTS): no URLs can be built, so no page.
        return "This address is not served here.", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(IntegrityError)
    @app.errorhandler(StaleDataError)
    def _written_at_once(e):
        # Two requests wrote the same thing at once (a double tap, two phones): both passed
        # their look-ups and the database's constraint refused the second (IntegrityError), or
        # a row this one read was changed or deleted by the other before this one wrote it (a
        # caregiver editing a practice the other just deleted: StaleDataError). Nothing of it is
        # kept; the transaction is rolled back before the page (its nav reads the database).
        end_failed_transaction()
        app.logger.warning("a write that lost a race: %s", type(getattr(e, "orig", e)).__name__)
        return _render(409)

    @app.errorhandler(CSRFError)
    def _csrf_error(_e):
        if queued_sync.is_queued_sync() and not current_user.is_authenticated:
            # A form queued on the phone whose session has ended since: keep it for later.
            return queued_sync.failed(401, queued_sync.SIGNED_OUT)
        # The token is tied to the session (no time limit), so in practice the page is older
        # than the session: after logging out and in again in another tab, for instance.
        return _render(400, _EXPIRED)
