"""Steps of a ladder and their sub-steps: add, edit, delete, reorder, current step, checklist."""
import re
from datetime import datetime

from flask import Blueprint, flash, request, session, url_for
from flask_login import current_user

from ..access import ladder_for, step_for, substep_for, substep_of_step
from ..auth_session import require_login
from ..db import get_session
from ..errors import DomainError
from ..forms.ladders import MoveForm, MoveToForm, StepForm, SubStepForm
from ..models import Step
from ..services import steps
from .ladders import ladder_changed, ladder_page
from .responses import refusal_on, render, see_other, status_for, wants_fragment

bp = Blueprint("steps", __name__)
bp.before_request(require_login)

STEPS = "ladders/_steps.html"
SUBSTEPS = "ladders/_substeps.html"


def _step_fields(form: StepForm) -> dict:
    return {"title": form.title.data, "detail": form.detail.data or "",
            "predicted_fear": form.predicted_fear.data,
            "social_story": form.social_story.data or "",
            "sensory_story": form.sensory_story.data or ""}


def _step_page(step: Step, status: int = 200, fragment: str | None = None, **context):
    context.setdefault("form", StepForm(formdata=None, obj=step))
    context.setdefault("substep_form", SubStepForm(formdata=None))
    # The checklist is editable on the step page; on the ladder page it is tick-only.
    return render("ladders/step.html", fragment, status, step=step, ladder=step.ladder,
                  editing=True, **context)


def _substeps_changed(step: Step, on_step_page: bool):
    if wants_fragment():
        return render(SUBSTEPS, step=step, ladder=step.ladder, editing=on_step_page,
                      substep_form=SubStepForm(formdata=None))
    if on_step_page:
        return see_other(url_for("steps.update", step_id=step.id) + "#small-steps")
    return see_other(url_for("ladders.show", ladder_id=step.ladder_id) + f"#step-{step.id}")


@bp.post("/ladders/<int:ladder_id>/steps")
def create(ladder_id: int):
    ladder = ladder_for(ladder_id)
    form = StepForm()
    if form.validate_on_submit():
        with refusal_on(form):
            step = steps.add_step(get_session(), ladder, **_step_fields(form), by=current_user)
            return ladder_changed(ladder, STEPS, f"#step-{step.id}")
    return ladder_page(ladder, status_for(form), STEPS, step_form=form)


@bp.route("/steps/<int:step_id>/edit", methods=["GET", "POST"])
def update(step_id: int):
    step = step_for(step_id)
    form = StepForm(obj=step)
    if form.validate_on_submit():
        with refusal_on(form):
            steps.update_step(get_session(), step, **_step_fields(form), by=current_user)
            flash("Step saved.", "success")
            return see_other(url_for("ladders.show", ladder_id=step.ladder_id)
                             + f"#step-{step.id}")
    return _step_page(step, status_for(form), form=form)


@bp.post("/steps/<int:step_id>/delete")
def delete(step_id: int):
    step = step_for(step_id)
    try:
        ladder = steps.delete_step(get_session(), step, by=current_user)
    except DomainError as e:
        return ladder_page(step.ladder, 422, STEPS, steps_error=str(e))
    flash("Step deleted.", "info")
    return see_other(url_for("ladders.show", ladder_id=ladder.id) + "#steps")


def _change_in_place(step, change):
    """Apply a change to a step; show the ladder's steps again, refused or changed."""
    try:
        change()
    except DomainError as e:
        return ladder_page(step.ladder, 422, STEPS, steps_error=str(e))
    return ladder_changed(step.ladder, STEPS, f"#step-{step.id}")


@bp.post("/steps/<int:step_id>/move")
def move(step_id: int):
    step = step_for(step_id)
    form = MoveForm()

    def change():
        if not form.validate_on_submit():
            raise DomainError("Move a step up or down.")
        steps.move_step(get_session(), step, form.direction.data, by=current_user)

    return _change_in_place(step, change)


@bp.post("/steps/<int:step_id>/move-to")
def move_to(step_id: int):
    step = step_for(step_id)
    form = MoveToForm()

    def change():
        if not form.validate_on_submit():
            raise DomainError(form.position.errors[0] if form.position.errors
                              else "Choose a place on the ladder.")
        steps.move_step_to(get_session(), step, form.position.data, by=current_user)

    return _change_in_place(step, change)


UNDO_KEY = "current_step_undo"


@bp.post("/steps/<int:step_id>/make-current")
def make_current(step_id: int):
    step = step_for(step_id)
    skipped = steps.skipped_steps(step)
    if skipped and request.form.get("confirm") != "yes":
        return render("ladders/make_current.html", step=step, ladder=step.ladder,
                      skipped=skipped)
    try:
        change = steps.make_current(get_session(), step, by=current_user)
    except DomainError as e:
        return ladder_page(step.ladder, 422, STEPS, steps_error=str(e))
    if wants_fragment():
        return ladder_page(step.ladder, fragment=STEPS)
    if change.previous_id not in (None, change.chosen_id):
        session[UNDO_KEY] = {"ladder_id": change.ladder_id, "chosen_id": change.chosen_id,
                             "previous_id": change.previous_id,
                             "previous_since": change.previous_since
                             and change.previous_since.isoformat()}
        flash(f"“{step.title}” is now the current step.", "undo-current")
    # To the top of the page, where the flash with its Undo button is.
    return see_other(url_for("ladders.show", ladder_id=step.ladder_id))


@bp.post("/ladders/<int:ladder_id>/undo-current")
def undo_current(ladder_id: int):
    ladder = ladder_for(ladder_id)
    offer = session.get(UNDO_KEY) or {}
    try:
        if offer.get("ladder_id") != ladder.id:
            raise DomainError(steps.UNDO_TOO_LATE)
        since = offer["previous_since"] and datetime.fromisoformat(offer["previous_since"])
        change = steps.CurrentChange(ladder.id, offer["chosen_id"], offer["previous_id"], since)
        restored = steps.undo_current(get_session(), ladder, change, by=current_user)
    except DomainError as e:
        flash(str(e), "error")
        return see_other(url_for("ladders.show", ladder_id=ladder.id) + "#steps")
    session.pop(UNDO_KEY, None)
    flash(f"Back to practising “{restored.title}”.", "success")
    return see_other(url_for("ladders.show", ladder_id=ladder.id) + f"#step-{restored.id}")


@bp.post("/steps/<int:step_id>/substeps")
def add_substep(step_id: int):
    step = step_for(step_id)
    form = SubStepForm()
    if form.validate_on_submit():
        with refusal_on(form):
            steps.add_substep(get_session(), step, form.text.data, by=current_user)
            return _substeps_changed(step, on_step_page=True)
    return _step_page(step, status_for(form), SUBSTEPS, substep_form=form)


TICK_CHOICE = "Choose a small step to tick or untick."
_SUBSTEP_ID = re.compile(r"[0-9]{1,18}")


def _tick_choice(form) -> tuple[int, bool]:
    """The small step a checklist's button names (`tick` or `untick` = its id) and its new state.

    One form holds a step's whole checklist, so the pressed button says which item it is."""
    chosen = [(name, value) for name in ("tick", "untick") for value in form.getlist(name)]
    if len(chosen) != 1 or not _SUBSTEP_ID.fullmatch(chosen[0][1]):
        raise DomainError(TICK_CHOICE)
    name, substep_id = chosen[0]
    return int(substep_id), name == "tick"


@bp.post("/steps/<int:step_id>/substeps/toggle")
def toggle_substep(step_id: int):
    step = step_for(step_id)
    on_step_page = request.form.get("page") == "step"
    try:
        substep_id, done = _tick_choice(request.form)
        steps.toggle_substep(get_session(), substep_of_step(step, substep_id), done)
    except DomainError as e:
        if on_step_page:
            return _step_page(step, 422, SUBSTEPS, substeps_error=str(e),
                              substeps_error_for=step.id)
        return ladder_page(step.ladder, 422, SUBSTEPS, step=step, steps_error=str(e),
                           substeps_error=str(e), substeps_error_for=step.id)
    return _substeps_changed(step, on_step_page)


@bp.post("/substeps/<int:substep_id>/delete")
def delete_substep(substep_id: int):
    substep = substep_for(substep_id)
    try:
        step = steps.delete_substep(get_session(), substep, by=current_user)
    except DomainError as e:
        return _step_page(substep.step, 422, SUBSTEPS, substeps_error=str(e),
                          substeps_error_for=substep.step_id)
    return _substeps_changed(step, on_step_page=True)
