"""Notes, homework and reminders over HTTP: the therapist writes, the family sees and completes."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template
from flask_login import login_user
from sqlmodel import select
from werkzeug.exceptions import NotFound

from graded_exposure.access import note_for
from graded_exposure.models import Reminder, TherapistNote, User
from graded_exposure.services import therapist_notes
from tests.conftest import HX, Therapist
from tests.factories import link, template_ladder
from tests.hostile_input import SCRIPT


@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


def _notes(db) -> list[TherapistNote]:
    db.expire_all()
    return list(db.exec(select(TherapistNote).order_by(TherapistNote.id)))


def _write(tara, child, text="Walk to the gate twice this week.", kind="homework", headers=None,
           **extra):
    return tara.post(f"/therapist/children/{child.id}/notes",
                     {"kind": kind, "text": text, **extra}, headers=headers or {})


# ---- writing -----------------------------------------------------------------------------

def test_writing_homework_redirects_back_to_the_childs_page(db, family, tara):
    response = _write(tara, family.child)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/therapist/children/{family.child.id}#therapist-notes"
    [note] = _notes(db)
    assert (note.kind, note.author_id, note.child_id) == ("homework", tara.user.id,
                                                          family.child.id)


def test_writing_with_htmx_returns_the_notes_component(db, family, tara):
    response = _write(tara, family.child, text="Try " + SCRIPT, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section class="card" id="therapist-notes"')
    assert 'hx-target="this"' in html and "Homework sent." in html
    assert "Try &lt;script&gt;" in html and SCRIPT not in html and "not seen yet" in html


def test_a_note_can_be_about_one_ladder(db, family, tara):
    ladder = template_ladder(db, family.child, by=family.user)
    assert _write(tara, family.child, kind="note", ladder_id=str(ladder.id)).status_code == 303
    assert _notes(db)[0].ladder_id == ladder.id
    html = tara.page(f"/therapist/children/{family.child.id}")
    assert f'<option value="{ladder.id}">{ladder.goal}</option>' in html


@pytest.mark.parametrize("data, message", [
    ({"kind": "homework", "text": ""}, "Write the note or homework first."),
    ({"kind": "homework", "text": "   "}, "Write the note or homework first."),
    ({"kind": "note", "text": "x" * 2001}, "Keep it to 2000 characters or fewer."),
    ({"kind": "letter", "text": "Hello"}, "Choose whether this is homework or a note."),
    ({"kind": "", "text": "Hello"}, "Choose whether this is homework or a note."),
    ({"kind": "note", "text": "Hello", "ladder_id": "99999"}, "Choose one of the child"),
])
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_notes_are_refused_with_422_and_nothing_stored(db, family, tara, data, message,
                                                           htmx):
    response = tara.post(f"/therapist/children/{family.child.id}/notes", data,
                         headers=HX if htmx else {})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message.replace("'", "&#39;") in html
    assert ("<html" in html) is not htmx
    assert _notes(db) == []


def test_a_note_on_another_childs_ladder_is_refused(db, family, other_family, tara):
    theirs = template_ladder(db, other_family.child)
    response = _write(tara, family.child, ladder_id=str(theirs.id))
    assert response.status_code == 422 and _notes(db) == []


# ---- the family's feed and done ------------------------------------------------------------

def _feed_html(app, family) -> str:
    """Render the home screen partial as children/show.html includes it, as the caregiver."""
    from graded_exposure.views import notes as notes_view

    with app.test_request_context():
        login_user(family.db.get(User, family.user.id))
        return render_template("notes/_feed.html", child=family.child,
                               **notes_view.home_feed(family.child))


def test_homework_shows_in_the_family_feed_until_done_and_the_therapist_sees_when(
        app, db, family, tara):
    _write(tara, family.child, text="Walk to the gate " + SCRIPT)
    therapist_page = tara.page(f"/therapist/children/{family.child.id}")
    assert "not seen yet" in therapist_page and "not done yet" in therapist_page

    feed = _feed_html(app, family)
    assert "<html" not in feed and 'id="notes-feed"' in feed and "hidden" not in feed.split(">")[0]
    assert "Walk to the gate &lt;script&gt;" in feed and SCRIPT not in feed
    [note] = _notes(db)
    assert note.seen_at is None, "showing the feed (a GET) must not write"
    assert f'hx-post="/notes/{note.id}/seen" hx-trigger="revealed"' in feed
    assert family.post(f"/notes/{note.id}/seen", headers=HX).status_code == 204
    [note] = _notes(db)
    assert note.seen_at is not None and note.done_at is None
    therapist_page = tara.page(f"/therapist/children/{family.child.id}")
    assert "seen <time" in therapist_page and "not done yet" in therapist_page

    response = family.post(f"/notes/{note.id}/done", {"back": "home"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/children/{family.child.id}#notes-feed"
    [note] = _notes(db)
    assert note.done_at is not None
    assert "Walk to the gate" not in _feed_html(app, family)
    therapist_page = tara.page(f"/therapist/children/{family.child.id}")
    assert "<strong>done <time" in therapist_page


def test_marking_done_with_htmx_returns_the_feed(db, family, tara):
    _write(tara, family.child, text="First")
    _write(tara, family.child, text="Second")
    first, second = _notes(db)
    response = family.post(f"/notes/{first.id}/done", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section class="card notes-feed" id="notes-feed"')
    assert "Second" in html and "First" not in html
    response = family.post(f"/notes/{second.id}/done", headers=HX)
    assert "All done." in response.get_data(as_text=True)


def _texts(html: str) -> list[str]:
    return re.findall(r'class="note-text"[^>]*>([^<]*)<', html)


def test_the_home_screen_shows_the_newest_open_notes_and_the_notes_page_all(db, family, tara):
    # Homework a family never ticks off piles up: the home screen drew every one, each with
    # its own form.
    shown = therapist_notes.OPEN_ON_HOME_SCREEN
    for n in range(shown + 2):
        _write(tara, family.child, text=f"Open {n}")
    home = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert _texts(home) == [f"Open {shown + 1 - n}" for n in range(shown)]
    assert "More notes and homework" in home
    page = family.client.get(f"/children/{family.child.id}/notes").get_data(as_text=True)
    assert _texts(page) == [f"Open {shown + 1 - n}" for n in range(shown + 2)]
    first_shown = _notes(db)[shown + 1]
    done = family.post(f"/notes/{first_shown.id}/done", headers=HX).get_data(as_text=True)
    assert _texts(done) == [f"Open {shown - n}" for n in range(shown)]


def test_the_empty_feed_is_hidden(app, family):
    assert 'aria-labelledby="notes-feed-title" hidden>' in _feed_html(app, family)


def test_family_notes_page_lists_open_and_done(db, family, tara):
    _write(tara, family.child, text="Still to do")
    _write(tara, family.child, text="Already done")
    family.post(f"/notes/{_notes(db)[1].id}/done", {"back": "notes"})
    html = family.client.get(f"/children/{family.child.id}/notes").get_data(as_text=True)
    open_part, done_part = html.split('id="done-title"')
    assert "Still to do" in open_part and "Already done" in done_part
    # Only the one marked done was seen: listing notes (a GET) records nothing.
    assert [n.seen_at is not None for n in _notes(db)] == [False, True]


def _done_notes(db, family, tara, count: int) -> None:
    """`count` notes, written a day apart and done: "Done 0" the oldest."""
    for n in range(count):
        note = therapist_notes.write_note(db, family.child, tara.user, kind="note", text=f"Done {n}")
        note.created_at = note.created_at + timedelta(days=n)
        therapist_notes.mark_done(db, note, family.user)


def _shown(html: str) -> list[str]:
    return re.findall(r"Done \d+", html)


def test_done_notes_come_a_page_at_a_time_on_the_family_page(db, family, tara):
    per_page = therapist_notes.DONE_PER_PAGE
    _done_notes(db, family, tara, per_page + 2)
    url = f"/children/{family.child.id}/notes"
    first = family.client.get(url).get_data(as_text=True)
    assert _shown(first) == [f"Done {per_page + 1 - n}" for n in range(per_page)]
    assert f'href="{url}?page=2"' in first and "Newer" not in first
    second = family.client.get(f"{url}?page=2").get_data(as_text=True)
    assert _shown(second) == ["Done 1", "Done 0"] and f'href="{url}?page=1"' in second
    beyond = family.client.get(f"{url}?page=9").get_data(as_text=True)
    assert _shown(beyond) == [] and "No older notes or homework." in beyond


def test_the_therapist_page_shows_open_notes_and_the_newest_done(db, family, tara):
    per_page = therapist_notes.DONE_ON_CHILD_PAGE
    _done_notes(db, family, tara, per_page + 1)
    _write(tara, family.child, text="Walk to the gate")
    url = f"/therapist/children/{family.child.id}"
    first = tara.page(url)
    assert "Walk to the gate" in first
    assert _shown(first) == [f"Done {per_page - n}" for n in range(per_page)]
    older = f"{url}?notes=2#therapist-notes"
    assert f'href="{older}"' in first
    second = tara.page(older)
    assert "Walk to the gate" in second and _shown(second) == ["Done 0"]
    assert f'href="{url}?notes=1#therapist-notes"' in second


def test_done_needs_csrf(db, family, tara):
    _write(tara, family.child)
    [note] = _notes(db)
    assert family.client.post(f"/notes/{note.id}/done").status_code == 400
    assert _notes(db)[0].done_at is None


def test_another_family_cannot_mark_a_note_done(db, family, other_family, tara):
    _write(tara, family.child)
    [note] = _notes(db)
    assert other_family.post(f"/notes/{note.id}/done").status_code == 404
    assert other_family.client.get(f"/children/{family.child.id}/notes").status_code == 404
    assert _notes(db)[0].done_at is None


def test_a_therapist_cannot_mark_done_for_the_family(db, family, tara):
    _write(tara, family.child)
    [note] = _notes(db)
    assert tara.post(f"/notes/{note.id}/done").status_code == 404
    assert _notes(db)[0].done_at is None


def test_note_for_admits_only_the_family_and_linked_therapists(app, db, family, other_family,
                                                               tara):
    theo = Therapist(app, db, "theo@example.com", "Theo")
    link(db, theo.user, other_family.child)  # linked, but to another child
    _write(tara, family.child, text="For Sam's family only")
    [note] = _notes(db)
    html = theo.page(f"/therapist/children/{other_family.child.id}")
    assert "For Sam&#39;s family only" not in html
    for user, allowed in ((tara.user, True), (family.user, True), (theo.user, False),
                          (other_family.user, False)):
        with app.test_request_context():
            login_user(db.get(User, user.id))
            if allowed:
                assert note_for(note.id).id == note.id
            else:
                with pytest.raises(NotFound):
                    note_for(note.id)


# ---- reminders for the family --------------------------------------------------------------

def _reminder_days(tara, child) -> list[str]:
    html = tara.page(f"/therapist/children/{child.id}")
    form = html[html.index('id="family-reminder"'):]
    return re.findall(r'<option (?:selected )?value="([\d-]+)"', form)


def test_a_therapist_schedules_a_reminder_for_every_caregiver(db, family, tara):
    robin = User(email="robin@example.com", display_name="Robin", password_hash="x",
                 role="caregiver", family_id=family.user.family_id)
    db.add(robin)
    db.commit()
    days = _reminder_days(tara, family.child)
    assert len(days) == 7
    response = tara.post(f"/therapist/children/{family.child.id}/reminders",
                         {"message": "Log this week before Tuesday's session.", "on": days[2],
                          "at": "18:30"}, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and "Reminder scheduled." in html
    assert "Log this week before Tuesday&#39;s session." in html
    reminders = db.exec(select(Reminder)).all()
    assert {r.user_id for r in reminders} == {family.user.id, robin.id}
    assert {(r.kind, r.message, r.created_by_id) for r in reminders} == {
        ("therapist", "Log this week before Tuesday's session.", tara.user.id)}
    settings = family.client.get("/reminders").get_data(as_text=True)
    assert "Log this week before Tuesday&#39;s session." in settings


@pytest.mark.parametrize("data, message", [
    ({"message": "", "at": "18:30"}, "Write what the reminder should say."),
    ({"message": "x" * 301, "at": "18:30"}, "300 characters or fewer"),
    ({"message": "Log it", "at": "7pm"}, "is not a time of day"),
    ({"message": "Log it", "at": "18:30", "on": "2999-01-01"}, "Choose a day from today"),
    ({"message": "Log it", "at": "18:30", "on": ""}, "Choose a day from today"),
])
def test_bad_reminders_are_refused_with_422_and_nothing_stored(db, family, tara, data, message):
    data = {"on": _reminder_days(tara, family.child)[1], **data}
    response = tara.post(f"/therapist/children/{family.child.id}/reminders", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.exec(select(Reminder)).all() == []


@pytest.mark.parametrize("asked", ["0", "-3", "abc", "99999", "1e9", "9" * 30, ""])
def test_odd_notes_pages_show_a_page_never_fail(db, family, tara, asked):
    _done_notes(db, family, tara, 1)
    html = tara.page(f"/therapist/children/{family.child.id}?notes={asked}")
    assert "Done 0" in html or "No older notes or homework." in html


def _zone_where_it_is(hour: int) -> str:
    """An Etc/GMT zone whose local time now is `hour` o'clock (Etc signs are reversed)."""
    offset = (hour - datetime.now(UTC).hour + 12) % 24 - 12
    return "UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.mark.parametrize(("local_hour", "preselected"), [(9, 0), (20, 1)])
def test_the_reminder_form_preselects_a_day_whose_18_00_is_still_ahead(
        db, family, tara, local_hour, preselected):
    # Found from outside: after 18:00 the form preselected "Today, 18:00", and sending it as
    # offered was refused ("18:00 on Thursday 3 December has already passed").
    family.user.family.timezone = _zone_where_it_is(local_hour)
    db.commit()
    days = _reminder_days(tara, family.child)
    html = tara.page(f"/therapist/children/{family.child.id}")
    form = html[html.index('id="family-reminder"'):]
    select = form[form.index("<select"):form.index("</select>")]
    assert f'<option selected value="{days[preselected]}"' in select, select
    response = tara.post(f"/therapist/children/{family.child.id}/reminders",
                         {"message": "Log one before Tuesday.", "on": days[preselected],
                          "at": "18:00"})
    assert response.status_code in (200, 303)
