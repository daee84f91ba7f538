"""The front door: the landing page, the caseload, or the current child's home screen itself
(served here, not redirected to: a redirect costs a phone a round trip)."""
from flask import Blueprint, render_template, session, url_for
from flask_login import current_user

from ..access import child_for, visible_child_ids
from ..vocabulary import Role
from . import children, therapist
from .responses import see_other

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    if not current_user.is_authenticated:
        return render_template("home/landing.html")
    if current_user.role == Role.THERAPIST:
        return therapist.caseload_page()
    child_ids = visible_child_ids(current_user)
    if not child_ids:
        return see_other(url_for("children.create"))
    chosen = session.get("child_id")
    child_id = chosen if chosen in child_ids else child_ids[0]
    return children.home_page(child_for(child_id))
