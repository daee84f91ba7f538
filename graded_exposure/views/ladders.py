"""Ladders: a child's list, building one (template or scratch), the ladder page, calming."""
from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from ..access import ladder_for, linked_child_for
from ..auth_session import require_login
from ..db import get_session
from ..forms.base import SHOWN_ONLY
from ..forms.boosters import BoosterForm
from ..forms.ladders import (
    CalmingForm,
    LadderForm,
    MasteryRuleForm,
    SafetyListForm,
    StepForm,
    TemplateChoiceForm,
)
from ..models import Ladder
from ..rules import ladder_rules
from ..rules.ladder_templates import TEMPLATES
from ..services import boosters, ladder_steps, ladders
from .responses import refusal_on, render, see_other, status_for, wants_fragment

bp = Blueprint("ladders", __name__)
SAFETY_LIST = "ladders/_safety_list.html"
bp.before_request(require_login)


def ladder_page(ladder: Ladder, status: int = 200, fragment: str | None = None, **context):
    """Render the ladder page (or one of its components for htmx) with fresh forms by default.

    `ladder` comes with its child and family; its steps are read afresh, as plain records.
    """
    steps = ladder_steps.steps_with_substeps(get_session().connection(), ladder.id)
    fears = [step.predicted_fear for step in steps]
    if "step_form" not in context:
        context["step_form"] = StepForm(formdata=None, meta=SHOWN_ONLY,
                                        predicted_fear=ladder_rules.suggested_next_fear(fears))
    if "calming_form" not in context:
        context["calming_form"] = CalmingForm(formdata=None, meta=SHOWN_ONLY,
                                              plan=ladder.calming_plan,
                                              strategies=ladder.calming_plan)
    context.setdefault("boosters", boosters.state_for(
        get_session(), ladder, steps, current_user))
    if context["boosters"] is not None:
        context.setdefault("booster_form", BoosterForm(
            formdata=None, meta=SHOWN_ONLY, local_time=context["boosters"].offer_time))
    return render("ladders/show.html", fragment, status, ladder=ladder, steps=steps,
                  big_jumps=ladder_rules.big_jumps(fears),
                  authorship=ladders.authorship(get_session(), ladder, current_user), **context)


def ladder_changed(ladder: Ladder, fragment: str, anchor: str = ""):
    """After a change: the updated component for htmx, else back to the ladder page (303)."""
    if wants_fragment():
        return ladder_page(ladder, fragment=fragment)
    return see_other(url_for("ladders.show", ladder_id=ladder.id) + anchor)


@bp.get("/children/<int:child_id>/ladders")
def index(child_id: int):
    child = linked_child_for(child_id)
    active, archived = ladders.ladders_for_child(get_session(), child)
    return render("ladders/index.html", child=child, active=active, archived=archived)


@bp.route("/children/<int:child_id>/ladders/new", methods=["GET", "POST"])
def create(child_id: int):
    child = linked_child_for(child_id)
    start = request.form.get("start")
    choice = TemplateChoiceForm(**({} if start == "template" else {"formdata": None}))
    scratch = LadderForm(**({} if start == "scratch" else {"formdata": None}))
    page = {"child": child, "choice": choice, "scratch": scratch,
            "templates": {t.key: t for t in TEMPLATES}}
    chosen = scratch if start == "scratch" else choice
    if request.method == "POST":
        if start not in ("template", "scratch"):
            choice.form_errors.append("Choose a ladder below, or write a goal.")
        elif chosen.validate():
            with refusal_on(chosen):
                ladder = _create_ladder(child, start, chosen)
                flash("Your ladder is ready. Check the steps fit your child, then start at the "
                      "bottom.", "success")
                return see_other(url_for("ladders.show", ladder_id=ladder.id))
    return render("ladders/new.html", None, status_for(chosen), **page)


def _create_ladder(child, start: str, form) -> Ladder:
    """Build the ladder from the chosen template, or from scratch."""
    if start == "template":
        return ladders.create_ladder_from_template(get_session(), child, current_user,
                                                   form.template.data)
    return ladders.create_ladder(get_session(), child, current_user, goal=form.goal.data,
                                 area=form.area.data)


@bp.get("/ladders/<int:ladder_id>")
def show(ladder_id: int):
    return ladder_page(ladder_for(ladder_id, with_steps=False))


@bp.route("/ladders/<int:ladder_id>/edit", methods=["GET", "POST"])
def update(ladder_id: int):
    ladder = ladder_for(ladder_id)
    form = LadderForm(obj=ladder)
    if form.validate_on_submit():
        with refusal_on(form):
            ladders.update_ladder(get_session(), ladder, goal=form.goal.data, area=form.area.data,
                                  by=current_user)
            flash("Saved.", "success")
            return see_other(url_for("ladders.show", ladder_id=ladder.id))
    return edit_page(ladder, status_for(form), form=form)


def edit_page(ladder: Ladder, status: int = 200, fragment: str | None = None, **context):
    """Render the ladder's edit page (or one of its components for htmx), fresh forms by
    default: goal and area, safety behaviours, the mastery rule."""
    context.setdefault("form", LadderForm(formdata=None, obj=ladder))
    context.setdefault("mastery_form", MasteryRuleForm(formdata=None, obj=ladder))
    context.setdefault("safety_form", SafetyListForm(
        formdata=None, current=ladder.safety_behaviours, behaviours=ladder.safety_behaviours))
    return render("ladders/edit.html", fragment, status, ladder=ladder, **context)


@bp.post("/ladders/<int:ladder_id>/safety")
def safety(ladder_id: int):
    ladder = ladder_for(ladder_id)
    form = SafetyListForm(current=ladder.safety_behaviours)
    if form.validate_on_submit():
        with refusal_on(form):
            ladders.set_safety_behaviours(get_session(), ladder, form.behaviours.data or [],
                                          form.custom.data or "", by=current_user)
            if wants_fragment():
                return edit_page(ladder, fragment=SAFETY_LIST, saved=True)
            flash("Safety behaviours saved.", "success")
            return see_other(url_for("ladders.update", ladder_id=ladder.id) + "#safety")
    return edit_page(ladder, status_for(form), SAFETY_LIST, safety_form=form)


@bp.post("/ladders/<int:ladder_id>/archive")
def archive(ladder_id: int):
    ladder = ladders.archive_ladder(get_session(), ladder_for(ladder_id), by=current_user)
    flash("Ladder archived. It stays here to look back on; unarchive it to use it again.", "info")
    return see_other(url_for("ladders.show", ladder_id=ladder.id))


@bp.post("/ladders/<int:ladder_id>/unarchive")
def unarchive(ladder_id: int):
    ladder = ladders.unarchive_ladder(get_session(), ladder_for(ladder_id), by=current_user)
    flash("Ladder back in use.", "success")
    return see_other(url_for("ladders.show", ladder_id=ladder.id))


@bp.post("/ladders/<int:ladder_id>/calming")
def calming(ladder_id: int):
    ladder = ladder_for(ladder_id)
    form = CalmingForm(plan=ladder.calming_plan)
    if form.validate_on_submit():
        with refusal_on(form):
            ladders.set_calming_plan(get_session(), ladder, form.strategies.data or [],
                                     form.custom.data or "", by=current_user)
            return ladder_changed(ladder, "ladders/_calming.html", "#calming")
    return ladder_page(ladder, status_for(form), "ladders/_calming.html", calming_form=form)
