"""Children: add, show (the family's home screen for that child), edit, delete."""
from flask import Blueprint, current_app, flash, request, session, url_for
from flask_login import current_user

from ..access import child_for
from ..auth_session import caregiver_required, require_login
from ..config import CrisisLine, crisis_line_for
from ..db import get_session
from ..forms.families import ChildForm
from ..models import Child
from ..rules import hopelessness
from ..services import child_overview, families
from . import notes
from .responses import render, render_form, see_other, unless_confirmed

bp = Blueprint("children", __name__, url_prefix="/children")
bp.before_request(require_login)


def _child_fields(form: ChildForm) -> dict:
    return {"display_name": form.display_name.data, "age_band": form.age_band.data,
            "birth_year": form.birth_year.data, "avatar": form.avatar.data}


@bp.route("/new", methods=["GET", "POST"])
@caregiver_required  # a therapist has no family to add a child to
def create():
    form = ChildForm()
    if form.validate_on_submit():
        child = families.add_child(get_session(), current_user, **_child_fields(form))
        session["child_id"] = child.id
        flash(f"{child.display_name} is added. Next, build a first ladder.", "success")
        return see_other(url_for("ladders.create", child_id=child.id))
    return render_form("children/form.html", form, child=None)


@bp.get("/<int:child_id>")
def show(child_id: int):
    return home_page(child_for(child_id))


def home_page(child: Child):
    """The family's home screen for one child (also served at `/`, without a redirect)."""
    if session.get("child_id") != child.id:  # remembered for `/`; unchanged, no new cookie
        session["child_id"] = child.id
    db = get_session()
    overview = child_overview.for_child(db, child)
    return render("children/show.html", child=child, overview=overview,
                  insights=overview.outlook, ready_steps=overview.ready_steps,
                  **notes.home_feed(child),
                  siblings=families.family_children(db, child.family_id),
                  more_help=_more_help(overview.outlook))


def _more_help(outlook) -> CrisisLine | None:
    """The crisis line to show while a check-in noting hopeless words is recent, else None."""
    day = outlook.hopeless_words_day
    if day is None or not hopelessness.words_noted_recently([day], outlook.today):
        return None
    lines = current_app.config["CRISIS_LINES"]
    return crisis_line_for(lines, request.accept_languages.best_match(list(lines)))


@bp.route("/<int:child_id>/edit", methods=["GET", "POST"])
def update(child_id: int):
    child = child_for(child_id)
    form = ChildForm(obj=child)
    if form.validate_on_submit():
        families.update_child(get_session(), child, **_child_fields(form))
        flash("Saved.", "success")
        return see_other(url_for("children.show", child_id=child.id))
    return render_form("children/form.html", form, child=child)


@bp.post("/<int:child_id>/delete")
def delete(child_id: int):
    child = child_for(child_id)
    if refused := unless_confirmed("the deletion cannot be undone",
                                   url_for("children.update", child_id=child.id)):
        return refused
    name = child.display_name
    families.delete_child(get_session(), current_user, child)
    session.pop("child_id", None)
    flash(f"{name} and everything recorded about them is deleted.", "info")
    return see_other(url_for("home.index"))
