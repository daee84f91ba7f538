"""Notes and homework from a therapist to a family, and reminders a therapist schedules for them.

A note stays in the family's feed until a caregiver marks it done; the first time a caregiver
sees it there, seen_at is set, so the therapist knows it arrived.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, Ladder, Reminder, TherapistNote, User, utcnow
from ..rules.timezones import local_date
from . import audit, families
from .dated_reminders import DEFAULT_CHANNELS, remind_on
from .pagination import Page, clamped, page_of, paginate, window

KINDS = {"note": "Note", "homework": "Homework"}
MAX_TEXT = 2000
MAX_REMINDER_MESSAGE = 300
REMINDER_DAYS_AHEAD = 7  # a one-off within the coming week; see schedule_family_reminder


@dataclass
class NoteRow:
    """A note with its author's name and the goal of the ladder it is about (if any)."""

    note: TherapistNote
    author: str
    ladder_goal: str | None


def checked_text(text: object, limit: int, what: str) -> str:
    """Return the text tidied, or raise DomainError when it is empty or too long."""
    text = (text if isinstance(text, str) else "").replace("\r\n", "\n").strip()
    if not text:
        raise DomainError(f"Write the {what} first.")
    if len(text) > limit:
        raise DomainError(f"The {what} can be at most {limit} characters; this one has "
                          f"{len(text)}.")
    return text


def write_note(session: Session, child: Child, author: User, *, kind: str, text: str,
               ladder_id: int | None = None, ip: str = "") -> TherapistNote:
    """Add a note or homework for the child's family, on the child or one of its ladders."""
    if kind not in KINDS:
        raise DomainError("Choose whether this is a note or homework.")
    text = checked_text(text, MAX_TEXT, "note" if kind == "note" else "homework")
    if ladder_id is not None:
        ladder = session.get(Ladder, ladder_id)
        if ladder is None or ladder.child_id != child.id:
            raise DomainError(f"Choose one of {child.display_name}'s ladders, or none.")
    note = TherapistNote(child_id=child.id, ladder_id=ladder_id, author_id=author.id, kind=kind,
                         text=text)
    session.add(note)
    # Never the text itself: the audit log says who wrote what kind of thing, and when.
    audit.record(session, f"{kind}_written", actor_id=author.id, family_id=child.family_id,
                 subject=f"child:{child.id}", ip=ip)
    session.commit()
    return note


# A note with its author's name and its ladder's goal (either may be gone: outer joins).
_NOTE_ROWS = (select(TherapistNote, User.display_name, Ladder.goal)
              .outerjoin(User, User.id == TherapistNote.author_id)
              .outerjoin(Ladder, Ladder.id == TherapistNote.ladder_id)
              .where(TherapistNote.child_id == bindparam("child_id"))
              .order_by(TherapistNote.created_at.desc(), TherapistNote.id.desc()))
_OPEN_NOTE_ROWS = _NOTE_ROWS.where(TherapistNote.done_at.is_(None))
_DONE_NOTE_ROWS = _NOTE_ROWS.where(TherapistNote.done_at.is_not(None))
FORMER_THERAPIST = "A former therapist"  # a note's author whose account is gone
# Done notes and homework pile up a few a week for as long as therapy lasts: pages show them a
# page at a time, the therapist's child page only its newest few (open ones always all).
DONE_PER_PAGE = 20
DONE_ON_CHILD_PAGE = 5
# Open ones a family never ticks off pile up too: the home screen shows the newest few, the
# notes page all of them.
OPEN_ON_HOME_SCREEN = 3
_NEWEST_OPEN = _OPEN_NOTE_ROWS.limit(bindparam("most"))
_SCHEDULED = (select(Reminder).where(
    Reminder.child_id == bindparam("child_id"), Reminder.created_by_id == bindparam("therapist_id"),
    Reminder.kind == "therapist", Reminder.active == True,  # noqa: E712
    Reminder.next_due_at.is_not(None)).order_by(Reminder.next_due_at, Reminder.id))


@dataclass
class ChildNotes:
    """What the therapist's child page shows: every open note, and a page of done ones."""

    open: list[NoteRow]
    done: Page[NoteRow]


def _note_row(note: TherapistNote, author: str | None, goal: str | None) -> NoteRow:
    return NoteRow(note=note, author=FORMER_THERAPIST if author is None else author,
                   ladder_goal=goal)


def family_feed(session: Session, child: Child, most: int | None = None) -> list[NoteRow]:
    """The child's open notes and homework, newest first (the `most` newest, if given): the
    family's feed."""
    if most is None:
        found = session.exec(_OPEN_NOTE_ROWS, params={"child_id": child.id})
    else:
        found = session.exec(_NEWEST_OPEN, params={"child_id": child.id, "most": most})
    return [_note_row(*row) for row in found]


def done_notes(session: Session, child: Child, page: int = 1,
               per_page: int = DONE_PER_PAGE) -> Page[NoteRow]:
    """Page `page` of the child's done notes and homework, newest first."""
    found = paginate(session, _DONE_NOTE_ROWS, page, per_page, params={"child_id": child.id})
    return found.with_rows([_note_row(*row) for row in found.rows])


# Every open note, and one window of done ones (pagination.window).
_DONE_IDS = (select(TherapistNote.id)
             .where(TherapistNote.child_id == bindparam("child_id"),
                    TherapistNote.done_at.is_not(None))
             .order_by(TherapistNote.created_at.desc(), TherapistNote.id.desc())
             .limit(bindparam("limit")).offset(bindparam("offset")))
_OPEN_AND_DONE_PAGE = _NOTE_ROWS.where(or_(TherapistNote.done_at.is_(None),
                                           TherapistNote.id.in_(_DONE_IDS.scalar_subquery())))


def notes_for_child(session: Session, child: Child, done_page: int = 1) -> ChildNotes:
    """The therapist's view: every open note and homework, and a page of the done ones, newest
    first (one statement)."""
    page = clamped(done_page)
    rows = [_note_row(*row) for row in session.exec(_OPEN_AND_DONE_PAGE, params={
        "child_id": child.id, **window(page, DONE_ON_CHILD_PAGE)})]
    done = [row for row in rows if row.note.done_at is not None]
    return ChildNotes(open=[row for row in rows if row.note.done_at is None],
                      done=page_of(done, page, DONE_ON_CHILD_PAGE))


def mark_seen(session: Session, note: TherapistNote, now: datetime | None = None) -> None:
    """Record when the family first saw a note (a POST from the page, never a GET)."""
    if note.seen_at is None:
        note.seen_at = now or utcnow()
        session.commit()


def mark_done(session: Session, note: TherapistNote, caregiver: User,
              now: datetime | None = None) -> TherapistNote:
    """Mark a note done so it leaves the feed; doing it twice keeps the first time."""
    if note.done_at is None:
        now = now or utcnow()
        note.seen_at = note.seen_at or now
        note.done_at = now
        session.commit()
    return note


def reminder_days(child: Child, now: datetime | None = None) -> list[date]:
    """The local days a therapist may schedule a one-off reminder on: today and the next six."""
    today = local_date(now or utcnow(), child.family.timezone)
    return [today + timedelta(days=n) for n in range(REMINDER_DAYS_AHEAD)]


def first_day_still_ahead(child: Child, at: time, now: datetime | None = None) -> date:
    """The first reminder day on which `at` (the family's local time) is still to come: today
    before then, tomorrow after (a form offering today's passed hour was refused as sent)."""
    local = (now or utcnow()).astimezone(ZoneInfo(child.family.timezone))
    return local.date() if local.time() < at else local.date() + timedelta(days=1)


def schedule_family_reminder(session: Session, therapist: User, child: Child, *, message: str,
                             on: date | None, at: str, now: datetime | None = None,
                             ip: str = "") -> list[Reminder]:
    """Send each caregiver of the child one reminder with the therapist's words, on a day soon."""
    now = now or utcnow()
    message = checked_text(message, MAX_REMINDER_MESSAGE, "reminder message")
    if on not in reminder_days(child, now):
        raise DomainError("Choose a day from today to a week ahead.")
    created = remind_on(session, families.caregivers(session, child.family_id), child,
                        kind="therapist", on=on, at=at, created_by_id=therapist.id,
                        channels=DEFAULT_CHANNELS, message=message, now=now)
    audit.record(session, "reminder_scheduled", actor_id=therapist.id,
                 family_id=child.family_id, subject=f"child:{child.id} · for {on.isoformat()}",
                 ip=ip)
    session.commit()
    return created


def scheduled_reminders(session: Session, therapist: User, child: Child) -> list[Reminder]:
    """The therapist's reminders for this child's family still to go out (one per occurrence)."""
    rows = session.exec(_SCHEDULED, params={"child_id": child.id, "therapist_id": therapist.id})
    # One row per caregiver: show each occurrence once.
    seen, unique = set(), []
    for reminder in rows:
        key = (reminder.next_due_at, reminder.message)
        if key not in seen:
            seen.add(key)
            unique.append(reminder)
    return unique
