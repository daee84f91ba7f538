"""The child view: a caregiver's phone handed to the child, with a password to leave it."""
from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from .. import auth_session
from ..access import child_for, practice_of_child, step_of_child
from ..auth_session import caregiver_required, require_login
from ..db import get_session
from ..extensions import htmx
from ..forms.child_mode import (
    CALMED,
    CHILD_OUTCOMES,
    BraveTryForm,
    ChildRatingForm,
    GrownUpsForm,
)
from ..rules.calm_first import calm_cards
from ..rules.faces import FACES, face_for_fear
from ..services import child_mode, practices, two_voices
from .responses import refusal_on, render, render_form, see_other

# The child view is a caregiver's phone handed to a child: therapists never open it.
bp = Blueprint("child_mode", __name__)
bp.before_request(require_login)

SESSION_KEY = "child_mode"
# Reachable in child mode besides this blueprint: styles and scripts, logging in or out, and
# the family's side of a live session (faces a child taps).
_OPEN_IN_CHILD_MODE = frozenset({"static", "auth.login", "auth.logout", "live.join", "live.face",
                                 "live.family_status"})


@bp.before_app_request
def keep_child_in_child_mode():
    """While in child mode, send every other page back to the child page."""
    child_id = session.get(SESSION_KEY)
    endpoint = request.endpoint
    if child_id is None or endpoint is None or endpoint in _OPEN_IN_CHILD_MODE:
        return None  # endpoint None: an unknown URL, which 404s anyway
    if not current_user.is_authenticated:
        return None  # the login flow takes over; logging in starts a fresh session
    if request.blueprint == bp.name and _for_child(child_id):
        return None
    target = url_for("child_mode.show", child_id=child_id)
    if htmx:
        # A redirect would be followed inside the XHR and swapped into a fragment.
        response = current_app.response_class(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target, code=302 if request.method in ("GET", "HEAD") else 303)


@bp.app_context_processor
def _child_mode_flag() -> dict:
    """Pages say when the child view is open (base.html): the phone then forgets its copies
    of the grown-ups' pages (offline.js)."""
    return {"in_child_mode": session.get(SESSION_KEY) is not None}


def _for_child(child_id: int) -> bool:
    """True when this request names no child, or the child whose view is open."""
    return (request.view_args or {}).get("child_id", child_id) == child_id


@bp.post("/children/<int:child_id>/child-mode")
@caregiver_required
def start(child_id: int):
    child = child_for(child_id)
    session[SESSION_KEY] = child.id
    return see_other(url_for(".show", child_id=child.id))


@bp.get("/children/<int:child_id>/brave")
@caregiver_required
def show(child_id: int):
    child = child_for(child_id)
    return render("child_mode/show.html", child=child,
                  view=child_mode.child_page(get_session(), child))


@bp.route("/children/<int:child_id>/brave/steps/<int:step_id>", methods=["GET", "POST"])
@caregiver_required
def try_step(child_id: int, step_id: int):
    child = child_for(child_id)
    step = step_of_child(child, step_id)
    # A typed URL must not show a step far up the ladder; a POST is still stored, so a try
    # is not lost when the step was marked mastered on another phone meanwhile.
    if request.method == "GET" and not child_mode.is_offered(step):
        abort(404)
    form = BraveTryForm()
    if request.method == "GET" and request.args.get("calm") == CALMED:
        form.calm_first.data = CALMED
    if form.validate_on_submit():
        with refusal_on(form):
            practice = practices.log_practice(get_session(), child, step, current_user,
                                              form.details(), form.idempotency_key.data)
            return see_other(url_for(".done", child_id=child.id, practice_id=practice.id))
        form.renew_key()
    return render_form("child_mode/try.html", form, child=child, step=step, faces=FACES,
                       outcomes=CHILD_OUTCOMES, calmed=CALMED)


@bp.get("/children/<int:child_id>/brave/steps/<int:step_id>/calm")
@caregiver_required
def calm(child_id: int, step_id: int):
    child = child_for(child_id)
    step = step_of_child(child, step_id)
    if not child_mode.is_offered(step):
        abort(404)
    return render("child_mode/calm.html", child=child, step=step,
                  cards=calm_cards(step.ladder.calming_plan), calmed=CALMED)


@bp.route("/children/<int:child_id>/brave/feel/<int:practice_id>", methods=["GET", "POST"])
@caregiver_required
def feel(child_id: int, practice_id: int):
    """The child's faces for a try the grown-ups logged: added to it, never a second try."""
    child = child_for(child_id)
    practice = practice_of_child(child, practice_id)
    form = ChildRatingForm()
    if request.method == "GET" and practice.child_fear_before is not None:
        return see_other(url_for(".show", child_id=child.id))
    if form.validate_on_submit():
        with refusal_on(form):
            two_voices.add_child_rating(get_session(), practice, *form.fears())
            return see_other(url_for(".done", child_id=child.id, practice_id=practice.id))
    step = step_of_child(child, practice.step_id, whole_ladder=False)
    return render_form("child_mode/feel.html", form, child=child, practice=practice,
                       step=step, faces=FACES)


@bp.get("/children/<int:child_id>/brave/done/<int:practice_id>")
@caregiver_required
def done(child_id: int, practice_id: int):
    child = child_for(child_id)
    practice = practice_of_child(child, practice_id)
    stars = child_mode.stars_for_practice(get_session(), child, practice)
    # The child sees the faces they gave; a try only a grown-up rated shows its numbers as faces.
    own = practice.child_fear_before is not None
    return render("child_mode/done.html", child=child, practice=practice, stars=stars,
                  before=face_for_fear(practice.child_fear_before if own else practice.fear_before),
                  after=face_for_fear(practice.child_fear_after if own else practice.fear_after))


@bp.route("/child-mode/exit", methods=["GET", "POST"], endpoint="exit")
@caregiver_required
def leave():
    child_id = session.get(SESSION_KEY)
    if child_id is None:
        return redirect(url_for("home.index"), code=303 if request.method == "POST" else 302)
    form, tries_left = GrownUpsForm(), None
    if form.validate_on_submit():
        check = child_mode.check_exit_password(get_session(), current_user,
                                               auth_session.current_sid(), form.password.data)
        if check.ok:
            session.pop(SESSION_KEY, None)
            return see_other(url_for("children.show", child_id=child_id))
        if check.tries_left == 0:
            auth_session.log_out()
            flash("Too many wrong passwords, so you have been logged out. "
                  "Log in again to continue.", "error")
            return see_other(url_for("auth.login"))
        form.password.errors.append("That password is not right.")
        tries_left = check.tries_left
    return render_form("child_mode/exit.html", form, child_id=child_id, tries_left=tries_left,
                       max_tries=child_mode.MAX_EXIT_TRIES)
