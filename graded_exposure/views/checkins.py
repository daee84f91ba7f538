"""The day check-in: a minute a day on calm, avoidance and accommodation."""
from datetime import date

from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from ..access import child_for
from ..auth_session import require_login
from ..db import get_session
from ..forms.checkins import CheckInForm
from ..rules.showable_days import showable_day
from ..services import checkins, plan_progress
from . import queued_sync
from .responses import refusal_on, render, render_form, see_other

bp = Blueprint("checkins", __name__)
bp.before_request(require_login)


def _day_from_query(child) -> date:
    today = checkins.today_for(child)
    return showable_day(request.args.get("day"), today) or today


@bp.get("/children/<int:child_id>/checkin")
def edit(child_id: int):
    child = child_for(child_id)
    db, day = get_session(), _day_from_query(child)
    existing = checkins.checkin_for_day(db, child, day)
    plan = plan_progress.trackable_plan(db, child, day)
    tracked = plan_progress.plan_day(db, plan, day) if plan and existing else None
    form = (CheckInForm.from_checkin(existing, tracked) if existing
            else CheckInForm(data={"day": day}))
    return render("checkins/form.html", child=child, form=form, existing=existing,
                  today=checkins.today_for(child), plan=plan)


@bp.post("/children/<int:child_id>/checkin")
def save(child_id: int):
    child = child_for(child_id)
    form = CheckInForm()
    queued = queued_sync.is_queued_sync()
    if form.validate_on_submit():
        with refusal_on(form):
            checkins.save_checkin(get_session(), child, current_user, form.to_input(),
                                  form.idempotency_key.data)
            if queued:
                return queued_sync.saved()
            flash("Check-in saved. Thank you — noticing is the first step.", "success")
            return see_other(url_for("children.show", child_id=child.id))
    if queued:
        return queued_sync.refused(form)
    return render_form("checkins/form.html", form, child=child, existing=None,
                       today=checkins.today_for(child),
                       plan=plan_progress.trackable_plan(get_session(), child, form.day.data
                                                         or checkins.today_for(child)))
