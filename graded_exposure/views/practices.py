"""Practices: log one from the home screen in three taps, list, edit, delete."""
from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from ..access import child_and_step, child_for, practice_for, step_of_child
from ..auth_session import require_login
from ..db import get_session
from ..forms.practices import CaregiverRatingForm, LogPracticeForm, edit_form, fear_before_from
from ..models import Child, Step
from ..rules.faces import faces_of
from ..services import expectancy, practices, two_voices
from . import queued_sync
from .pagination import requested_page
from .responses import refusal_on, render, render_form, see_other, unless_confirmed

bp = Blueprint("practices", __name__)
bp.before_request(require_login)


def _form_page(child: Child, form, step: Step | None, practice=None, quick: bool = False):
    options = practices.form_options(get_session(), child, keep_step=step)
    return render_form("practices/form.html", form, child=child, step=step, options=options,
                       practice=practice, quick=quick)


@bp.get("/children/<int:child_id>/practices/new")
def create(child_id: int):
    child, step = child_and_step(child_id, request.args.get("step", type=int))
    # Fear before tapped on the home card: the quick path shows only fear after, how it went
    # and Save (the rest folded away), so a practice is saved in three taps from home.
    before = fear_before_from(request.args)
    return _form_page(child, LogPracticeForm(fear_before=before), step,
                      quick=before is not None and step is not None)


@bp.post("/children/<int:child_id>/practices")
def save(child_id: int):
    form = LogPracticeForm()
    child, step = child_and_step(child_id, form.step.data)
    queued = queued_sync.is_queued_sync()
    if form.validate_on_submit():
        with refusal_on(form) as refusal:
            details = form.details()
            if queued and details.practiced_at is None:
                # Sent later from the phone: it happened when it was logged, not now.
                details.practiced_at = queued_sync.queued_at()
            practice = practices.log_practice(get_session(), child, step, current_user,
                                              details, form.idempotency_key.data)
            if queued:
                return queued_sync.saved()
            flash("Practice saved — well done!", "success")
            _flash_learning(child, practice)
            return see_other(url_for("children.show", child_id=child.id))
        if isinstance(refusal.error, practices.KeyAlreadyUsed):
            # Found after a rollback, which let go of what the session had loaded.
            child, step = child_and_step(child_id, form.step.data)
    if queued:
        return queued_sync.refused(form)
    return _form_page(child, form, step)


def _flash_learning(child: Child, practice) -> None:
    if learned := expectancy.learning_of(child, practice):
        flash(learned.sentence, "success")


@bp.get("/children/<int:child_id>/practices")
def index(child_id: int):
    child = child_for(child_id)
    listing = practices.list_practices(get_session(), child, requested_page())
    return render("practices/index.html", "practices/_page.html", child=child, listing=listing)


@bp.route("/practices/<int:practice_id>/edit", methods=["GET", "POST"])
def update(practice_id: int):
    practice = practice_for(practice_id)
    child = child_for(practice.child_id)
    form = edit_form(practice, child.family.timezone)
    step = (step_of_child(child, form.step.data, whole_ladder=False) if form.step.data
            else practice.step)
    if form.validate_on_submit():
        with refusal_on(form):
            practices.edit_practice(get_session(), practice, step, form.details())
            flash("Practice updated.", "success")
            _flash_learning(child, practice)
            return see_other(url_for("children.show", child_id=child.id))
    return _form_page(child, form, step, practice=practice)


@bp.route("/practices/<int:practice_id>/rating", methods=["GET", "POST"])
def rate(practice_id: int):
    """The caregiver's numbers for a try the child rated with faces: the same practice."""
    practice = practice_for(practice_id)
    child = child_for(practice.child_id)
    if request.method == "GET" and practice.caregiver_rated:
        return see_other(url_for(".update", practice_id=practice.id))
    form = CaregiverRatingForm()
    if form.validate_on_submit():
        with refusal_on(form):
            two_voices.add_caregiver_rating(get_session(), practice, form.fear_before.data,
                                            form.fear_peak.data, form.fear_after.data)
            flash("Your rating is saved with this try.", "success")
            return see_other(url_for("children.show", child_id=child.id))
    return render_form("practices/rating.html", form, child=child, practice=practice,
                       faces=faces_of(practice))


@bp.post("/practices/<int:practice_id>/delete")
def delete(practice_id: int):
    practice = practice_for(practice_id)
    if refused := unless_confirmed("the practice should be deleted",
                                   url_for("practices.update", practice_id=practice.id)):
        return refused
    child_id = practice.child_id
    practices.delete_practice(get_session(), practice, current_user)
    flash("Practice deleted.", "info")
    return see_other(url_for("children.show", child_id=child_id))
