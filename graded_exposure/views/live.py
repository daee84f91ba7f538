"""Live (telehealth) sessions: the family's faces screen and the therapist's shared screen.

Delivered by htmx polling, not a held-open stream: gunicorn runs sync workers, and a stream
would hold one for each open screen. The therapist's face panel asks every second with the
version it shows (`?v=`): unchanged is an empty 204; the session over is 286, which stops
htmx polling. The family's screen asks every few seconds only whether the session ended. A
screen still open when the link behind it ends is told so by its next poll (286), the
therapist's without a word about the child.
"""
from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from werkzeug.exceptions import NotFound

from ..access import (
    child_and_link_for,
    left_live_session,
    live_session_for_family,
    live_session_for_therapist,
)
from ..auth_session import caregiver_required, require_login, therapist_required
from ..db import get_session
from ..extensions import htmx
from ..forms.live import BraveTryNowForm, FaceForm, LiveActionForm
from ..models import utcnow
from ..public_address import public_url
from ..rules import live_rules
from ..rules.faces import FACES, face_for_key
from ..services import live_sessions
from .responses import client_ip, refusal_on, render, see_other, status_for, wants_fragment

bp = Blueprint("live", __name__)
bp.before_request(require_login)
host_bp = Blueprint("live_host", __name__, url_prefix="/therapist")
# Caregivers never see the therapist's side: not even that it exists.
host_bp.before_request(therapist_required(lambda: None))

FAMILY_POLL_SECONDS = 3
STOP_POLLING = 286  # htmx 2 stops an `every` trigger on this status


# --- the family's side --------------------------------------------------------------------------

@bp.get("/live/<int:live_id>")
@caregiver_required
def join(live_id: int):
    live, child = live_session_for_family(live_id)
    return _family_page(live, child, FaceForm(formdata=None))


@bp.post("/live/<int:live_id>/face")
@caregiver_required
def face(live_id: int):
    live, child = live_session_for_family(live_id)
    form = FaceForm()
    if form.validate_on_submit():
        with refusal_on(form.face):
            chosen = live_sessions.rate(get_session(), live, form.face.data)
            if wants_fragment():
                return render("live/_chosen.html", None, child=child, chosen=chosen)
            return see_other(url_for(".join", live_id=live.id, chose=chosen.key))
    if wants_fragment():
        return render("live/_chosen.html", None, 422, problem=" ".join(form.face.errors))
    return _family_page(live, child, form, status_for(form))


@bp.get("/live/<int:live_id>/status")
@caregiver_required
def family_status(live_id: int):
    try:
        live, child = live_session_for_family(live_id)
        if live_sessions.is_open(live):
            return "", 204
    except NotFound:
        _live, child = _left_or_not_found(live_id)
    return render("live/_ended_family.html", None, STOP_POLLING, child=child)


def _left_or_not_found(live_id: int):
    """A screen polling a session whose link has since ended (the session went with it): its
    session and child, for the poll to stop; anyone else, and a plain page request, get 404."""
    found = left_live_session(live_id) if htmx else None
    if found is None:
        abort(404)
    return found


def _family_page(live, child, form: FaceForm, status: int = 200):
    chosen = face_for_key(request.args.get("chose"))
    return render("live/family.html", None, status, live=live, child=child, form=form,
                  faces=FACES, chosen=chosen, is_open=live_sessions.is_open(live),
                  poll_seconds=FAMILY_POLL_SECONDS)


# --- the therapist's side -----------------------------------------------------------------------

@host_bp.post("/children/<int:child_id>/live")
def start(child_id: int):
    child, _link = child_and_link_for(child_id)
    form = LiveActionForm()
    if not form.validate_on_submit():
        return see_other(url_for("therapist.child", child_id=child.id))
    live = live_sessions.start(get_session(), current_user, child,
                               current_app.config["LIVE_SESSION_LIMIT"], ip=client_ip())
    return see_other(url_for(".screen", live_id=live.id))


@host_bp.get("/live/<int:live_id>")
def screen(live_id: int):
    live, child = live_session_for_therapist(live_id)
    return _screen(live, child)


@host_bp.get("/live/<int:live_id>/face")
def face_panel(live_id: int):
    try:
        live, child = live_session_for_therapist(live_id)
    except NotFound:
        _left_or_not_found(live_id)
        # Nothing about the child: the family has taken this therapist's access away.
        flash("This live session ended: the family has ended your link.", "info")
        response = current_app.response_class(status=STOP_POLLING)
        response.headers["HX-Redirect"] = url_for("home.index")
        return response
    state = live_sessions.state_of(live)
    now = utcnow()
    if not state.is_open(now):
        return render("live/_face.html", None, STOP_POLLING, live=live, child=child,
                      state=state, face=face_for_key(state.face), is_open=False)
    if request.args.get("v", type=int) == state.version and not _fading(state, now):
        return "", 204  # nothing new: the cheap answer nearly every poll gets
    return render("live/_face.html", None, live=live, child=child, state=state, is_open=True,
                  face=face_for_key(state.face), fresh=live_rules.is_fresh(state.rated_at, now))


def _fading(state, now) -> bool:
    """True on the one poll after the face stopped being fresh, so "just now" goes away."""
    return (state.rated_at is not None and not live_rules.is_fresh(state.rated_at, now)
            and request.args.get("fresh") == "1")


@host_bp.post("/live/<int:live_id>/tries")
def brave_try(live_id: int):
    live, child = live_session_for_therapist(live_id)
    steps = live_sessions.current_steps(get_session(), child)
    form = BraveTryNowForm(steps=steps)
    saved = None
    if form.validate_on_submit():
        with refusal_on(form):
            saved = live_sessions.brave_try(
                get_session(), live, child, current_user, step_id=form.step.data,
                fear_before=form.fear_before.data, fear_after=form.fear_after.data,
                key=form.idempotency_key.data)
            if not wants_fragment():
                return see_other(url_for(".screen", live_id=live.id) + "#brave-try-now")
            form = BraveTryNowForm(formdata=None, steps=steps)
        if saved is None:
            form.renew_key()
    if wants_fragment():
        return render("live/_tries.html", None, status_for(form), live=live, child=child,
                      form=form, steps=steps, saved=saved, is_open=live_sessions.is_open(live),
                      tries=live_sessions.tries_in(get_session(), live))
    return _screen(live, child, form=form, status=status_for(form))


@host_bp.post("/live/<int:live_id>/end")
def end(live_id: int):
    live, _child = live_session_for_therapist(live_id)
    if LiveActionForm().validate_on_submit():
        live_sessions.end(get_session(), live)
    return see_other(url_for(".screen", live_id=live.id))


def _screen(live, child, form: BraveTryNowForm | None = None, status: int = 200):
    db = get_session()
    steps = live_sessions.current_steps(db, child)
    state = live_sessions.state_of(live)
    now = utcnow()
    return render("live/screen.html", None, status, live=live, child=child, state=state,
                  face=face_for_key(state.face),
                  steps=steps, is_open=state.is_open(now),
                  fresh=live_rules.is_fresh(state.rated_at, now),
                  minutes_left=live_rules.minutes_left(live.ends_at, now),
                  form=form or BraveTryNowForm(formdata=None, steps=steps),
                  tries=live_sessions.tries_in(db, live),
                  join_url=public_url("live.join", live_id=live.id))
