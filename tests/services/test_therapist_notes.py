"""Notes and homework: writing, the family feed (seen), done, and therapist-scheduled reminders."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import AuditEvent, Reminder, TherapistNote, User
from graded_exposure.services import therapist_notes
from tests.factories import link, make_therapist, template_ladder

# A Wednesday noon in London (BST, UTC+1).
NOW = datetime(2026, 5, 6, 11, 0, tzinfo=UTC)


@pytest.fixture
def tara(db, family):
    therapist = make_therapist(db)
    link(db, therapist, family.child)
    return therapist


def _notes(db) -> list[TherapistNote]:
    return list(db.exec(select(TherapistNote)))


# ---- writing -----------------------------------------------------------------------------

def test_write_homework_on_a_ladder_is_stored_and_audited_without_its_text(db, family, tara):
    ladder = template_ladder(db, family.child, by=family.user)
    note = therapist_notes.write_note(db, family.child, tara, kind="homework",
                                      text="  Walk to the gate twice.\r\nLog both.  ",
                                      ladder_id=ladder.id, ip="10.0.0.9")
    assert (note.kind, note.text, note.ladder_id, note.author_id) == (
        "homework", "Walk to the gate twice.\nLog both.", ladder.id, tara.id)
    assert note.seen_at is None and note.done_at is None
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "homework_written")).one()
    assert event.family_id == family.child.family_id and event.actor_id == tara.id
    assert "gate" not in event.subject


@pytest.mark.parametrize("kind, text, message", [
    ("note", "", "Write the note first"),
    ("note", "   ", "Write the note first"),
    ("homework", "x" * 2001, "at most 2000 characters"),
    ("letter", "Hello", "note or homework"),
    ("", "Hello", "note or homework"),
])
def test_bad_notes_are_refused_and_nothing_is_stored(db, family, tara, kind, text, message):
    with pytest.raises(DomainError, match=message):
        therapist_notes.write_note(db, family.child, tara, kind=kind, text=text)
    assert _notes(db) == []


def test_a_note_of_exactly_2000_characters_is_fine(db, family, tara):
    therapist_notes.write_note(db, family.child, tara, kind="note", text="x" * 2000)
    assert len(_notes(db)[0].text) == 2000


def test_a_note_cannot_point_at_another_childs_ladder(db, family, other_family, tara):
    theirs = template_ladder(db, other_family.child)
    with pytest.raises(DomainError, match="ladders"):
        therapist_notes.write_note(db, family.child, tara, kind="note", text="Hi",
                                   ladder_id=theirs.id)
    assert _notes(db) == []


# ---- the family's feed ---------------------------------------------------------------------

def test_feed_shows_open_notes_without_changing_them(db, family, tara):
    first = therapist_notes.write_note(db, family.child, tara, kind="homework", text="One")
    second = therapist_notes.write_note(db, family.child, tara, kind="note", text="Two")
    feed = therapist_notes.family_feed(db, family.child)
    assert [row.note.id for row in feed] == [second.id, first.id]
    assert feed[0].author == "Tara"
    assert first.seen_at is None and second.seen_at is None


def test_mark_seen_keeps_the_first_time(db, family, tara):
    note = therapist_notes.write_note(db, family.child, tara, kind="homework", text="One")
    therapist_notes.mark_seen(db, note, now=NOW)
    therapist_notes.mark_seen(db, note, now=NOW + timedelta(hours=2))
    assert note.seen_at == NOW


def test_done_notes_leave_the_feed_and_keep_the_first_done_time(db, family, tara):
    note = therapist_notes.write_note(db, family.child, tara, kind="homework", text="One")
    therapist_notes.mark_done(db, note, family.user, now=NOW)
    therapist_notes.mark_done(db, note, family.user, now=NOW + timedelta(days=1))
    assert note.done_at == NOW and note.seen_at == NOW
    assert therapist_notes.family_feed(db, family.child) == []
    [row] = therapist_notes.notes_for_child(db, family.child).done.rows
    assert row.note.done_at == NOW


def test_notes_of_a_deleted_author_still_show(db, family, tara):
    note = therapist_notes.write_note(db, family.child, tara, kind="note", text="One")
    note.author_id = None
    db.commit()
    [row] = therapist_notes.notes_for_child(db, family.child).open
    assert row.author == "A former therapist"


def test_notes_come_with_their_authors_and_ladders_in_one_statement(app, db, family, tara):
    ladder = template_ladder(db, family.child)
    theo = make_therapist(db, "theo@example.com", "Theo")
    done = therapist_notes.write_note(db, family.child, theo, kind="note", text="Done")
    therapist_notes.mark_done(db, done, family.user, now=NOW)
    therapist_notes.write_note(db, family.child, tara, kind="homework", text="On the ladder",
                               ladder_id=ladder.id)
    therapist_notes.write_note(db, family.child, theo, kind="note", text="In general")
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(app.extensions["db_engine"], "before_cursor_execute", count)
    try:
        notes = therapist_notes.notes_for_child(db, family.child)
        feed = therapist_notes.family_feed(db, family.child)
    finally:
        event.remove(app.extensions["db_engine"], "before_cursor_execute", count)
    assert len(statements) == 2
    assert [(r.note.text, r.author, r.ladder_goal) for r in notes.open] == [
        ("In general", "Theo", None), ("On the ladder", "Tara", ladder.goal)]  # newest first
    assert [(r.note.text, r.author) for r in notes.done.rows] == [("Done", "Theo")]
    assert [r.note.text for r in feed] == ["In general", "On the ladder"]


def test_the_therapist_sees_every_open_note_and_the_newest_done_a_page_at_a_time(db, family,
                                                                                 tara):
    # A year of weekly notes and homework, done: the child's page read and drew all of them.
    per_page = therapist_notes.DONE_ON_CHILD_PAGE
    for n in range(per_page * 2 + 1):
        note = therapist_notes.write_note(db, family.child, tara, kind="note", text=f"Done {n}")
        note.created_at = NOW + timedelta(days=n)
        therapist_notes.mark_done(db, note, family.user, now=NOW + timedelta(days=n))
    therapist_notes.write_note(db, family.child, tara, kind="homework", text="Open")
    first, last = (therapist_notes.notes_for_child(db, family.child, page) for page in (1, 3))
    assert [r.note.text for r in first.open] == [r.note.text for r in last.open] == ["Open"]
    newest = per_page * 2
    assert [r.note.text for r in first.done.rows] == [f"Done {newest - n}" for n in range(per_page)]
    assert first.done.has_older and not first.done.has_newer
    assert [r.note.text for r in last.done.rows] == ["Done 0"] and not last.done.has_older


# ---- reminders for the family --------------------------------------------------------------

def _second_caregiver(db, family) -> User:
    user = User(email="robin@example.com", display_name="Robin", password_hash="x",
                role="caregiver", family_id=family.user.family_id)
    db.add(user)
    db.commit()
    return user


def test_a_reminder_goes_to_every_caregiver_with_the_therapists_words(db, family, tara):
    robin = _second_caregiver(db, family)
    friday = date(2026, 5, 8)
    created = therapist_notes.schedule_family_reminder(
        db, tara, family.child, message="Log this week before Tuesday's session.", on=friday,
        at="18:30", now=NOW)
    stored = db.exec(select(Reminder).order_by(Reminder.user_id)).all()
    assert len(created) == 2 and {r.user_id for r in stored} == {family.user.id, robin.id}
    for reminder in stored:
        assert reminder.kind == "therapist" and reminder.created_by_id == tara.id
        assert reminder.message == "Log this week before Tuesday's session."
        assert reminder.child_id == family.child.id and reminder.timezone == "Europe/London"
        assert reminder.ends_on == friday and reminder.weekdays == "5"
        local = reminder.next_due_at.astimezone(ZoneInfo("Europe/London"))
        assert (local.date(), local.hour, local.minute) == (friday, 18, 30)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "reminder_scheduled")).one()
    assert len(therapist_notes.scheduled_reminders(db, tara, family.child)) == 1


@pytest.mark.parametrize("message, days_ahead, at, problem", [
    ("", 1, "18:00", "Write the reminder message"),
    ("x" * 301, 1, "18:00", "at most 300"),
    ("Log it", 7, "18:00", "a week ahead"),
    ("Log it", -1, "18:00", "a week ahead"),
    ("Log it", 0, "09:00", "already passed"),
    ("Log it", 1, "25:00", "not a time of day"),
    ("Log it", None, "18:00", "a week ahead"),
])
def test_bad_reminders_are_refused_and_nothing_is_stored(db, family, tara, message, days_ahead,
                                                         at, problem):
    on = None if days_ahead is None else date(2026, 5, 6) + timedelta(days=days_ahead)
    with pytest.raises(DomainError, match=problem):
        therapist_notes.schedule_family_reminder(db, tara, family.child, message=message, on=on,
                                                 at=at, now=NOW)
    assert db.exec(select(Reminder)).all() == []


def test_reminder_days_are_today_and_the_next_six_in_the_familys_zone(family):
    late = datetime(2026, 5, 6, 23, 30, tzinfo=UTC)  # already Thursday in London
    days = therapist_notes.reminder_days(family.child, late)
    assert days[0] == date(2026, 5, 7) and len(days) == 7
