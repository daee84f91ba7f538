"""A therapist's records of sessions with a linked child: record one, look at it, edit it;
share "what helps" with the family, or withdraw it.

Therapists only, like the rest of the workspace: anyone else, and a therapist without an
active link to the child, gets 404; a record is only ever its own author's (access.py).
"""
from flask import Blueprint, flash, url_for
from flask_login import current_user

from ..access import child_and_link_for, therapy_session_of
from ..auth_session import therapist_required
from ..db import get_session
from ..errors import DomainError
from ..forms.therapy_sessions import NewSessionForm, SessionForm, edit_form
from ..rules.ladder_rules import CALMING_STRATEGIES
from ..services import therapy_sessions, what_clicks
from ..services.checkins import today_for
from .responses import client_ip, refusal_on, render, see_other, status_for

bp = Blueprint("therapy_sessions", __name__, url_prefix="/therapist")
bp.before_request(therapist_required(lambda: None))

PAGE = "therapist/session_form.html"


def _page(child, form, record=None):
    # The body-first strategies offered, and any the record already holds.
    chosen = [c for c in (form.calming.data or []) if c not in CALMING_STRATEGIES]
    return render(PAGE, None, status_for(form), child=child, form=form, record=record,
                  calming=[*CALMING_STRATEGIES, *chosen])


def _back(child):
    return see_other(url_for("therapist.child", child_id=child.id) + "#sessions")


@bp.get("/children/<int:child_id>/sessions/new")
def new(child_id: int):
    child, _link = child_and_link_for(child_id)
    form = NewSessionForm(formdata=None, data={"held_on": today_for(child)})
    return _page(child, form)


@bp.post("/children/<int:child_id>/sessions")
def create(child_id: int):
    child, _link = child_and_link_for(child_id)
    form = NewSessionForm()
    if form.validate_on_submit():
        with refusal_on(form):
            therapy_sessions.record_session(get_session(), current_user, child, form.details(),
                                            form.idempotency_key.data, ip=client_ip())
            return _back(child)
    return _page(child, form)


@bp.get("/children/<int:child_id>/sessions/<int:therapy_session_id>")
def edit(child_id: int, therapy_session_id: int):
    child, _link = child_and_link_for(child_id)
    record = therapy_session_of(child, therapy_session_id)
    return _page(child, edit_form(therapy_sessions.details_of(record)), record)


@bp.post("/children/<int:child_id>/sessions/<int:therapy_session_id>")
def update(child_id: int, therapy_session_id: int):
    child, _link = child_and_link_for(child_id)
    record = therapy_session_of(child, therapy_session_id)
    form = SessionForm()
    if form.validate_on_submit():
        with refusal_on(form):
            therapy_sessions.edit_session(get_session(), current_user, child, record,
                                          form.details(), ip=client_ip())
            return _back(child)
    return _page(child, form, record)


@bp.post("/children/<int:child_id>/what-helps")
def share_what_helps(child_id: int):
    child, _link = child_and_link_for(child_id)
    try:
        what_clicks.share_with_family(get_session(), current_user, child, ip=client_ip())
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash(f"Shared with {child.display_name}'s family.", "success")
    return see_other(url_for("therapist.child", child_id=child.id) + "#what-clicks")


@bp.post("/children/<int:child_id>/what-helps/withdraw")
def withdraw_what_helps(child_id: int):
    child, _link = child_and_link_for(child_id)
    what_clicks.withdraw_from_family(get_session(), current_user, child, ip=client_ip())
    flash(f"Taken off {child.display_name}'s family's screen.", "success")
    return see_other(url_for("therapist.child", child_id=child.id) + "#what-clicks")
