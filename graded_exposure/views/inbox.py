"""The in-app inbox: reminder messages, newest first, mark read; the unread badge in the nav."""

from flask import Blueprint, g, url_for
from flask_login import current_user

from ..access import inbox_message_for
from ..auth_session import require_login
from ..db import get_session
from ..services import inbox
from .pagination import requested_page
from .responses import render, see_other, wants_fragment

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
bp.before_request(require_login)


def unread_count() -> int:
    """Return the current user's unread count, queried once per request and only if asked."""
    if not current_user.is_authenticated:
        return 0
    if "inbox_unread" not in g:
        g.inbox_unread = inbox.unread_count(get_session(), current_user.id)
    return g.inbox_unread


@bp.app_context_processor
def _inbox_badge():
    # A function, not a number: the COUNT runs only when a template (the nav) calls it.
    return {"inbox_unread": unread_count, "inbox_unread_shown": inbox.UNREAD_SHOWN}


@bp.get("")
def index():
    page = inbox.inbox_page(get_session(), current_user, requested_page())
    return render("inbox/index.html", inbox=page)


@bp.post("/<int:message_id>/read")
def read(message_id: int):
    message = inbox.mark_read(get_session(), inbox_message_for(message_id))
    g.pop("inbox_unread", None)
    if wants_fragment():
        return render("inbox/_message.html", message=message, badge_oob=True)
    return see_other(url_for("inbox.index") + f"#message-{message.id}")


@bp.post("/read-all")
def read_all():
    inbox.mark_all_read(get_session(), current_user)
    return see_other(url_for("inbox.index"))
