"""The parent-led plan (SPACE): choose a target, write and agree the plan, tell the child."""
from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from ..access import child_for, linked_child_for
from ..auth_session import require_login
from ..db import get_session
from ..forms.accommodation_plans import AnnouncementForm, EditPlanForm, NewPlanForm, cautions
from ..rules import accommodation_plan as rules
from ..services import accommodation_plans as plans
from ..services import plan_page
from ..services.checkins import today_for
from .responses import refusal_on, render, render_form, see_other

bp = Blueprint("plans", __name__, url_prefix="/children/<int:child_id>/plan")
bp.before_request(require_login)


def _open_plan_or_404(child):
    return plans.open_plan(get_session(), child) or abort(404)


def _to_plan_page(child, form=None):
    for caution in cautions(form) if form else ():
        flash(caution, "info")
    return see_other(url_for("plans.show", child_id=child.id))


@bp.get("")
def show(child_id: int):
    child = linked_child_for(child_id)
    today = today_for(child)
    return render("plans/show.html", child=child, rules=rules, today=today,
                  plan_page=plan_page.for_child(get_session(), child, today))


@bp.route("/new", methods=["GET", "POST"])
def create(child_id: int):
    child = linked_child_for(child_id)
    db, today = get_session(), today_for(child)
    form = NewPlanForm(data={"starts_on": today})
    form.offer(plans.target_candidates(db, child, today), child.display_name)
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            plans.create_plan(db, child, current_user, form.to_input(), today)
        if not refused.error:
            return _to_plan_page(child, form)
    return render_form("plans/new.html", form, child=child, rules=rules, today=today,
                       examples=rules.examples_for(child.age_band))


@bp.route("/edit", methods=["GET", "POST"])
def update(child_id: int):
    child = linked_child_for(child_id)
    db, today = get_session(), today_for(child)
    plan = _open_plan_or_404(child)
    form = EditPlanForm(obj=plan)
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            plans.update_plan(db, child, plan, current_user, form.to_input(plan), today)
        if not refused.error:
            return _to_plan_page(child, form)
    return render_form("plans/edit.html", form, child=child, plan=plan, rules=rules,
                       today=today, examples=rules.examples_for(child.age_band))


@bp.post("/agree")
def agree(child_id: int):
    child = child_for(child_id)
    db = get_session()
    plans.agree(db, child, _open_plan_or_404(child), current_user)
    flash("Thank you. Being consistent together is what makes the plan work.", "success")
    return see_other(url_for("plans.show", child_id=child.id))


@bp.route("/announcement", methods=["GET", "POST"])
def announcement(child_id: int):
    child = child_for(child_id)
    db, today = get_session(), today_for(child)
    plan = _open_plan_or_404(child)
    form = AnnouncementForm(data={"text": plans.announcement_text(child, plan, today)})
    if form.validate_on_submit():
        with refusal_on(form) as refused:
            plans.save_announcement(db, plan, form.text.data)
        if not refused.error:
            flash("Saved. You can print it or read it from here.", "success")
            return see_other(url_for("plans.announcement", child_id=child.id))
    return render_form("plans/announcement.html", form, child=child, plan=plan)


@bp.post("/finish")
def finish(child_id: int):
    child = child_for(child_id)
    plans.finish(get_session(), _open_plan_or_404(child))
    flash("Well done, all of you. This target stays in your history.", "success")
    return see_other(url_for("plans.show", child_id=child.id))
