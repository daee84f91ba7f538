"""Progress: a ladder's fear charts and mastery, confirming a step mastered, the mastery rule."""
from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from ..access import ladder_for, step_for
from ..auth_session import require_login
from ..db import get_session
from ..errors import DomainError
from ..forms.ladders import ConfirmMasteredForm, FadingForm, MasteryRuleForm
from ..models import Ladder, Step
from ..services import progress, safety_fading, steps
from .ladders import edit_page
from .responses import refusal_on, render, see_other, status_for, wants_fragment

bp = Blueprint("progress", __name__)
bp.before_request(require_login)

RULE_FORM = "ladders/_mastery_rule_form.html"


def _progress_page(ladder: Ladder, status: int = 200, **context):
    report = progress.ladder_progress(get_session(), ladder)
    return render("progress/ladder.html", None, status, report=report, ladder=report.ladder,
                  **context)


def _after_confirm(back: str | None, step: Step, next_step: Step | None) -> str:
    if back == "home":
        home = url_for("children.show", child_id=step.ladder.child_id)
        return f"{home}#home-ladder-{step.ladder_id}"
    anchor = f"#progress-step-{next_step.id}" if next_step else ""
    return url_for("progress.ladder", ladder_id=step.ladder_id) + anchor


@bp.get("/ladders/<int:ladder_id>/progress")
def ladder(ladder_id: int):
    return _progress_page(ladder_for(ladder_id, with_steps=False))


@bp.route("/steps/<int:step_id>/mastered", methods=["GET", "POST"])
def confirm_mastered(step_id: int):
    step = step_for(step_id)
    if request.method == "GET":
        # A refused POST leaves this URL in the address bar; reloading it shows the page.
        return see_other(url_for("progress.ladder", ladder_id=step.ladder_id))
    form = ConfirmMasteredForm()  # CSRFProtect has already checked the token
    try:
        next_step = steps.confirm_mastered(get_session(), step, by=current_user)
    except DomainError as e:
        return _progress_page(step.ladder, 422, confirm_error=str(e))
    then = f" Next step: {next_step.title}." if next_step else " That was the last step!"
    flash(f"Well done! “{step.title}” is mastered.{then}", "success")
    return see_other(_after_confirm(form.back.data, step, next_step))


@bp.route("/ladders/<int:ladder_id>/mastery", methods=["GET", "POST"])
def mastery_rule(ladder_id: int):
    ladder = ladder_for(ladder_id)
    if request.method == "GET":
        return see_other(url_for("ladders.update", ladder_id=ladder.id) + "#mastery")
    form = MasteryRuleForm()
    if form.validate_on_submit():
        with refusal_on(form):
            progress.set_mastery_rule(get_session(), ladder, **form.rule_fields(), by=current_user)
            if wants_fragment():
                return render(RULE_FORM, ladder=ladder, mastery_form=form, saved=True)
            flash("Mastery rule saved.", "success")
            return see_other(url_for("ladders.show", ladder_id=ladder.id) + "#mastery-rule")
    return edit_page(ladder, status_for(form), RULE_FORM, mastery_form=form)


def _fading_change(step_id: int, change):
    """Apply `change` (a safety_fading service) to a mastered step's suggestion: the step and
    the Step it returns, or the step and the progress page saying why not (422)."""
    step = step_for(step_id)
    form = FadingForm()
    if form.validate_on_submit():
        try:
            return step, change(get_session(), step, form.behaviour.data, by=current_user)
        except DomainError as e:
            form.form_errors.append(str(e))
    message = " ".join([*form.form_errors, *(e for errs in form.errors.values() for e in errs)])
    return step, _progress_page(step.ladder, 422, confirm_error=message)


@bp.post("/steps/<int:step_id>/fade")
def fade(step_id: int):
    step, variant = _fading_change(step_id, safety_fading.add_faded_step)
    if not isinstance(variant, Step):
        return variant
    flash(f"Added “{variant.title}” as step {variant.position}. Choose it on the ladder "
          "when your child is ready.", "success")
    return see_other(url_for("ladders.show", ladder_id=step.ladder_id) + f"#step-{variant.id}")


@bp.post("/steps/<int:step_id>/fade/not-now")
def keep_safety(step_id: int):
    step, result = _fading_change(step_id, safety_fading.dismiss_fading)
    if not isinstance(result, Step):
        return result
    return see_other(url_for("progress.ladder", ladder_id=step.ladder_id)
                     + f"#progress-step-{step.id}")
