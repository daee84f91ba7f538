"""The therapist's workspace: caseload, a child's page, notes, target, last session, summary.

Therapists only: a caregiver gets 404 on every page here, as does a therapist without an
active link to the child (child_and_link_for checks the link again on every request).
"""
from datetime import date

from flask import Blueprint, request, url_for
from flask_login import current_user

from ..access import child_and_link_for
from ..auth_session import therapist_required
from ..db import get_session
from ..forms.base import SHOWN_ONLY
from ..forms.caseload import CaseloadSearchForm
from ..forms.therapist import (
    REMINDER_AT,
    FamilyReminderForm,
    LastSessionForm,
    NoteForm,
    PracticeTargetForm,
    ReferralTextForm,
)
from ..models import Child, TherapistLink
from ..services import caseload, ladders, session_summary, therapist_notes, therapist_workspace
from ..vocabulary import Role
from .log_lines import log_lines
from .pagination import requested_page
from .responses import client_ip, refusal_on, render, see_other, status_for, wants_fragment

bp = Blueprint("therapist", __name__, url_prefix="/therapist")
# Caregivers never see these pages: not even that they exist.
bp.before_request(therapist_required(lambda: None))

NOTES = "therapist/_notes.html"
SETTINGS = "therapist/_settings.html"
REMINDER = "therapist/_reminder.html"
NOTES_PAGE = "notes"  # the query argument of the done notes' page (?page= is the log's)


@bp.app_template_global()
def child_home_url(child: Child) -> str:
    """Where "back to the child" goes: the family's home screen, or a therapist's child page."""
    if current_user.is_authenticated and current_user.role == Role.THERAPIST:
        return url_for("therapist.child", child_id=child.id)
    return url_for("children.show", child_id=child.id)


CASELOAD_LIST = "home/_caseload_list.html"


def caseload_page():
    """The therapist's home: linked children, searched, filtered and sorted, a page at a time
    (or every match, to print); a refused query shows its message over the default list."""
    form = CaseloadSearchForm(request.args)
    form.validate()
    listing = caseload.page_for_therapist(get_session(), current_user, requested_page(),
                                          query=form.query(),
                                          everything=request.args.get("all") == "1",
                                          seen_up_to=_walk_started())
    return render("home/therapist.html", CASELOAD_LIST, status_for(form), caseload=listing,
                  search=form, printing=request.args.get("all") == "1")


def _walk_started() -> int | None:
    """Where the walk through the caseload's pages started (`seen`, from the pager's links):
    a count of µs since 1970, or None for a new walk (and for anything else sent)."""
    seen = request.args.get("seen", type=int)
    return seen if seen is not None and 0 <= seen < 2**63 else None


def _component_context(child: Child, fragment: str) -> dict:
    """What one component of the child's page needs, without loading the whole page."""
    db = get_session()
    if fragment == NOTES:
        return {"notes": therapist_notes.notes_for_child(db, child, requested_page(NOTES_PAGE))}
    if fragment == REMINDER:
        return {"reminders": therapist_notes.scheduled_reminders(db, current_user, child)}
    return {}


def _default_forms(child: Child, link, active: list, context: dict) -> None:
    if "note_form" not in context:
        context["note_form"] = NoteForm(formdata=None, child=child, ladders=active,
                                        meta=SHOWN_ONLY)
    if "target_form" not in context:
        context["target_form"] = PracticeTargetForm(formdata=None, obj=link, meta=SHOWN_ONLY)
    if "session_form" not in context:
        context["session_form"] = LastSessionForm(formdata=None, obj=link, meta=SHOWN_ONLY)
    if "referral_form" not in context:
        context["referral_form"] = ReferralTextForm(formdata=None, obj=current_user,
                                                    meta=SHOWN_ONLY)
    if "reminder_form" not in context:
        context["reminder_form"] = FamilyReminderForm(
            formdata=None, days=therapist_notes.reminder_days(child), meta=SHOWN_ONLY,
            on=therapist_notes.first_day_still_ahead(child, REMINDER_AT).isoformat())


def child_page(child: Child, link: TherapistLink, status: int = 200,
               fragment: str | None = None, **context):
    """Render the child's page, or one of its components for htmx (same template either way)."""
    if fragment and wants_fragment():
        context = {**_component_context(child, fragment), **context}
        active = ladders.ladders_for_child(get_session(), child)[0]
        _default_forms(child, link, active, context)
        return render(fragment, None, status, child=child, link=link, **context)
    ws = therapist_workspace.open_for(get_session(), child, link, page=requested_page(),
                                      notes_page=requested_page(NOTES_PAGE), ip=client_ip())
    _default_forms(child, link, [lp.ladder for lp in ws.ladders], context)
    return render("therapist/child.html", None, status, child=child, ws=ws, link=link,
                  notes=ws.notes, reminders=ws.reminders,
                  log_lines=log_lines(ws.log.rows, child.family.timezone), **context)


def _changed(child: Child, link: TherapistLink, fragment: str, anchor: str, **context):
    """After a change: the fresh component for htmx, else back to the child's page (303)."""
    if wants_fragment():
        return child_page(child, link, fragment=fragment, **context)
    return see_other(url_for("therapist.child", child_id=child.id) + anchor)


@bp.get("/children/<int:child_id>")
def child(child_id: int):
    return child_page(*child_and_link_for(child_id))


@bp.post("/children/<int:child_id>/notes")
def write_note(child_id: int):
    child, link = child_and_link_for(child_id)
    active = ladders.ladders_for_child(get_session(), child)[0]
    form = NoteForm(child=child, ladders=active)
    if form.validate_on_submit():
        with refusal_on(form):
            therapist_notes.write_note(get_session(), child, current_user, kind=form.kind.data,
                                       text=form.text.data, ladder_id=form.chosen_ladder_id(),
                                       ip=client_ip())
            return _changed(child, link, NOTES, "#therapist-notes", note_saved=form.kind.data)
    return child_page(child, link, status_for(form), NOTES, note_form=form)


@bp.post("/children/<int:child_id>/target")
def target(child_id: int):
    child, link = child_and_link_for(child_id)
    form = PracticeTargetForm()
    if form.validate_on_submit():
        with refusal_on(form):
            caseload.set_practice_target(get_session(), current_user, child,
                                         form.practice_target_days.data, ip=client_ip())
            return _changed(child, link, SETTINGS, "#link-settings", settings_saved="target")
    return child_page(child, link, status_for(form), SETTINGS, target_form=form)


@bp.post("/children/<int:child_id>/last-session")
def last_session(child_id: int):
    child, link = child_and_link_for(child_id)
    form = LastSessionForm()
    if form.validate_on_submit():
        with refusal_on(form):
            session_summary.set_last_session(get_session(), current_user, child,
                                             form.last_session_on.data)
            return _changed(child, link, SETTINGS, "#link-settings", settings_saved="session")
    return child_page(child, link, status_for(form), SETTINGS, session_form=form)


@bp.post("/children/<int:child_id>/referral-pathway")
def referral_pathway(child_id: int):
    """The therapist's own referral pathway (for every child), set from a child's page."""
    child, link = child_and_link_for(child_id)
    form = ReferralTextForm()
    if form.validate_on_submit():
        with refusal_on(form):
            therapist_workspace.set_referral_text(get_session(), current_user,
                                                  form.referral_text.data, ip=client_ip())
            return _changed(child, link, SETTINGS, "#link-settings", settings_saved="referral")
    return child_page(child, link, status_for(form), SETTINGS, referral_form=form)


@bp.post("/children/<int:child_id>/reminders")
def remind(child_id: int):
    child, link = child_and_link_for(child_id)
    form = FamilyReminderForm(days=therapist_notes.reminder_days(child))
    if form.validate_on_submit():
        with refusal_on(form):
            therapist_notes.schedule_family_reminder(
                get_session(), current_user, child, message=form.message.data,
                on=_chosen_day(form.on.data), at=form.at.data, ip=client_ip())
            return _changed(child, link, REMINDER, "#family-reminder", reminder_saved=True)
    return child_page(child, link, status_for(form), REMINDER, reminder_form=form)


def _chosen_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@bp.get("/children/<int:child_id>/summary")
def summary(child_id: int):
    child, link = child_and_link_for(child_id)
    found = session_summary.for_child(get_session(), child, link)
    return render("therapist/summary.html", child=child, summary=found)
