"""The front door: landing page, or straight to the current child's home screen."""
from flask import Blueprint, render_template, session, url_for
from flask_login import current_user

from ..access import visible_child_ids
from ..vocabulary import Role
from . import therapist
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
    return see_other(url_for("children.show", child_id=child_id))
