"""One-click unsubscribe from one kind of reminder email, by a signed link (no login needed)."""
from flask import Blueprint, abort, current_app, render_template

from ..db import get_session
from ..errors import TokenInvalid
from ..extensions import csrf
from ..services import notification_settings

bp = Blueprint("email_unsubscribe", __name__)


def _token_owner(token: str):
    try:
        return notification_settings.read_unsubscribe_token(
            get_session(), current_app.config["SECRET_KEY"], token)
    except TokenInvalid:
        abort(404)


@bp.get("/unsubscribe/<token>")
def confirm(token: str):
    # GET only asks: mail scanners follow links, and must not unsubscribe anyone.
    _user, kind = _token_owner(token)
    return render_template("reminders/unsubscribe.html", token=token,
                           kind_label=notification_settings.KIND_LABELS[kind], done=False)


# No CSRF token: with RFC 8058 one-click the mail provider POSTs here without our cookie.
# The signed token is the proof, and opting out of one kind of email is all it can do.
@bp.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    user, kind = _token_owner(token)
    notification_settings.opt_out_of_email(get_session(), user, kind)
    return render_template("reminders/unsubscribe.html", token=token,
                           kind_label=notification_settings.KIND_LABELS[kind], done=True)
