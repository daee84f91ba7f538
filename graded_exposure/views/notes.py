"""The family's side of a therapist's notes: the feed on the home screen, done, the history."""

from flask import Blueprint, request, url_for
from flask_login import current_user

from ..access import child_for, note_for
from ..auth_session import caregiver_required, require_login
from ..db import get_session
from ..models import Child
from ..services import therapist_notes
from .pagination import requested_page
from .responses import render, see_other, wants_fragment

bp = Blueprint("notes", __name__)
bp.before_request(require_login)

FEED = "notes/_feed.html"


def home_feed(child: Child) -> dict:
    """The newest open notes the home screen shows (`feed`), and whether more wait on the
    notes page (`feed_more`)."""
    shown = therapist_notes.OPEN_ON_HOME_SCREEN
    rows = therapist_notes.family_feed(get_session(), child, shown + 1)
    return {"feed": rows[:shown], "feed_more": len(rows) > shown}


def _feed_on(back: str, child: Child) -> dict:
    """The feed as the page it is on shows it: every open note on the notes page, the newest
    on the home screen."""
    if back == "notes":
        return {"feed": therapist_notes.family_feed(get_session(), child)}
    return home_feed(child)


@bp.post("/notes/<int:note_id>/seen")
@caregiver_required
def seen(note_id: int):
    """Sent by htmx when a note scrolls into view: the therapist learns it was seen."""
    therapist_notes.mark_seen(get_session(), note_for(note_id))
    return "", 204


@bp.post("/notes/<int:note_id>/done")
@caregiver_required
def done(note_id: int):
    note = note_for(note_id)
    therapist_notes.mark_done(get_session(), note, current_user)
    child = child_for(note.child_id)
    back = "notes" if request.form.get("back") == "notes" else "home"
    if wants_fragment():
        return render(FEED, child=child, just_done=True, back=back, **_feed_on(back, child))
    if back == "notes":
        return see_other(url_for("notes.index", child_id=child.id))
    return see_other(url_for("children.show", child_id=child.id) + "#notes-feed")


@bp.get("/children/<int:child_id>/notes")
def index(child_id: int):
    child = child_for(child_id)
    done = therapist_notes.done_notes(get_session(), child, requested_page())
    return render("notes/index.html", child=child, done=done, **_feed_on("notes", child))
