"""After the top of a ladder: accept or stop the boosters, the quick check, reopening."""
from flask import Blueprint, flash, url_for
from flask_login import current_user

from ..access import child_for, family_ladder_for, relapse_check_of
from ..auth_session import require_login
from ..db import get_session
from ..errors import DomainError
from ..forms.boosters import BoosterForm, RelapseCheckForm, ReopenForm
from ..rules.boosters import QUESTIONS, is_complete
from ..services import boosters, relapse_checks
from .ladders import ladder_page
from .responses import refusal_on, render, see_other, status_for

bp = Blueprint("boosters", __name__)
bp.before_request(require_login)

BOOSTERS = "ladders/_boosters.html"


def _to_boosters(ladder_id: int):
    return see_other(url_for("ladders.show", ladder_id=ladder_id) + "#boosters")


@bp.post("/ladders/<int:ladder_id>/boosters")
def accept(ladder_id: int):
    ladder = family_ladder_for(ladder_id)
    form = BoosterForm()
    if form.validate_on_submit():
        with refusal_on(form.local_time):
            boosters.accept(get_session(), ladder, current_user, form.local_time.data)
            flash("Boosters added. Each one arrives as a reminder on its day.", "success")
            return _to_boosters(ladder.id)
    return ladder_page(ladder, 422, BOOSTERS, booster_form=form)


@bp.post("/ladders/<int:ladder_id>/boosters/cancel")
def cancel(ladder_id: int):
    ladder = family_ladder_for(ladder_id)
    if boosters.cancel(get_session(), ladder) is not None:
        flash("Boosters stopped. The reminders still to come are deleted.", "info")
    return _to_boosters(ladder.id)


@bp.get("/children/<int:child_id>/booster")
def latest(child_id: int):
    """Where a booster reminder leads: the ladder of the child's newest booster plan."""
    child = child_for(child_id)
    ladder_id = boosters.newest_open_ladder_id(get_session(), child.id)
    if ladder_id is None:
        return see_other(url_for("ladders.index", child_id=child.id))
    return _to_boosters(ladder_id)


@bp.route("/ladders/<int:ladder_id>/check", methods=["GET", "POST"])
def check(ladder_id: int):
    ladder = family_ladder_for(ladder_id)
    if not is_complete(s.status for s in ladder.steps):
        flash(relapse_checks.NOT_FINISHED, "info")
        return see_other(url_for("ladders.show", ladder_id=ladder.id))
    form = RelapseCheckForm(steps=ladder.steps)
    if form.validate_on_submit():
        with refusal_on(form):
            done = relapse_checks.record_check(get_session(), ladder, current_user,
                                               form.answers(), form.hard_steps.data or [],
                                               form.idempotency_key.data)
            flash("Thank you. What it says is below." if done.creeping_back else
                  "It is holding. Keep up the booster practices.", "success")
            return _to_boosters(ladder.id)
        form.renew_key()
    return render("ladders/check.html", status=status_for(form), ladder=ladder, form=form,
                  questions=QUESTIONS)


@bp.post("/ladders/<int:ladder_id>/reopen")
def reopen(ladder_id: int):
    ladder = family_ladder_for(ladder_id)
    form = ReopenForm()
    if not form.validate_on_submit():
        return ladder_page(ladder, 422, BOOSTERS, reopen_error="Answer the quick check first.")
    done = relapse_check_of(ladder, form.check.data)
    try:
        step = relapse_checks.reopen(get_session(), ladder, done, current_user)
    except DomainError as e:
        return ladder_page(ladder, 422, BOOSTERS, reopen_error=str(e))
    flash(f"The ladder is open again. “{step.title}” is the step to practise now.", "success")
    return see_other(url_for("ladders.show", ladder_id=ladder.id) + f"#step-{step.id}")
