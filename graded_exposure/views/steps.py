"""Steps of a ladder and their sub-steps: add, edit, delete, reorder, current step, checklist."""
from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from ..access import ladder_for, step_for, substep_for
from ..auth_session import require_login
from ..db import get_session
from ..errors import DomainError
from ..forms.ladders import MoveForm, StepForm, SubStepForm
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


@bp.post("/steps/<int:step_id>/make-current")
def make_current(step_id: int):
    step = step_for(step_id)
    return _change_in_place(
        step, lambda: steps.make_current(get_session(), step, by=current_user))


@bp.post("/steps/<int:step_id>/substeps")
def add_substep(step_id: int):
    step = step_for(step_id)
    form = SubStepForm()
    if form.validate_on_submit():
        with refusal_on(form):
            steps.add_substep(get_session(), step, form.text.data, by=current_user)
            return _substeps_changed(step, on_step_page=True)
    return _step_page(step, status_for(form), SUBSTEPS, substep_form=form)


@bp.post("/substeps/<int:substep_id>/toggle")
def toggle_substep(substep_id: int):
    substep = substep_for(substep_id)
    on_step_page = request.form.get("page") == "step"
    wanted = {"yes": True, "no": False}.get(request.form.get("done", ""))
    try:
        steps.toggle_substep(get_session(), substep, wanted)
    except DomainError as e:
        if on_step_page:
            return _step_page(substep.step, 422, SUBSTEPS, substeps_error=str(e),
                              substeps_error_for=substep.step_id)
        return ladder_page(substep.step.ladder, 422, SUBSTEPS, step=substep.step,
                           steps_error=str(e), substeps_error=str(e),
                           substeps_error_for=substep.step_id)
    return _substeps_changed(substep.step, on_step_page)


@bp.post("/substeps/<int:substep_id>/delete")
def delete_substep(substep_id: int):
    substep = substep_for(substep_id)
    try:
        step = steps.delete_substep(get_session(), substep, by=current_user)
    except DomainError as e:
        return _step_page(substep.step, 422, SUBSTEPS, substeps_error=str(e),
                          substeps_error_for=substep.step_id)
    return _substeps_changed(step, on_step_page=True)
