"""Reminder schedules a caregiver sets: create, change, pause, resume, snooze, delete, defaults."""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from ..channels import registry
from ..errors import DomainError
from ..models import Child, Delivery, Reminder, User, utcnow
from ..rules.schedule import next_occurrence_utc, occurrence_date
from ..rules.timezones import valid_timezone

# Kinds a caregiver sets for themselves; "therapist" reminders are scheduled by a therapist.
CAREGIVER_KINDS = ("practice", "missed_nudge", "weekly_digest")
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class Schedule:
    """A validated schedule: what, which ISO weekdays ("12345"), when, where, how."""

    kind: str
    weekdays: str
    local_time: str
    timezone: str
    channels: tuple[str, ...]


@dataclass(frozen=True)
class ReminderRow:
    """A reminder as the settings page shows it, with its next occurrence in local time."""

    reminder: Reminder
    next_local: datetime | None
    skipped_date: date | None  # the snoozed occurrence's local date, when a snooze is pending

    @property
    def ended(self) -> bool:
        """Past its last day: running, with an end, and no occurrence left to send."""
        return (self.reminder.active and self.next_local is None
                and self.reminder.ends_on is not None)


def checked_time(text: str) -> str:
    """Return a wall-clock time as "HH:MM", or raise DomainError with a clear message."""
    if not (text or "").strip():
        raise DomainError("Enter a time of day, like 07:30.")
    match = _TIME.fullmatch(text.strip())
    if not match:
        raise DomainError(f"“{text}” is not a time of day. Enter one from 00:00 to 23:59, "
                          "like 07:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def checked_schedule(*, kind: str, weekdays: Iterable[str], local_time: str, timezone: str,
                     channels: Iterable[str]) -> Schedule:
    """Validate a schedule from user input, or raise DomainError naming what is wrong."""
    if kind not in CAREGIVER_KINDS:
        raise DomainError("Choose what the reminder is for.")
    days = set(weekdays)
    if not days:
        raise DomainError("Choose at least one day of the week.")
    if not days <= set("1234567"):
        raise DomainError("Choose days of the week from Monday to Sunday.")
    if not valid_timezone(timezone):
        raise DomainError(f"“{timezone}” is not a time zone we know. Choose one from the list.")
    if not set(channels) <= set(registry.BY_NAME):
        raise DomainError("Choose how to be reminded from "
                          f"{registry.in_words(registry.CHANNELS)}.")
    # The inbox is always on; the optional channels are added in the registry's order.
    chosen = tuple(c.name for c in registry.CHANNELS if not c.optional or c.name in channels)
    return Schedule(kind, "".join(sorted(days)), checked_time(local_time), timezone, chosen)


def next_due(schedule_of: Reminder, after: datetime) -> datetime | None:
    """Return the reminder's first occurrence after `after` (UTC), per its local schedule."""
    return next_occurrence_utc(schedule_of.weekdays, schedule_of.local_time,
                               schedule_of.timezone, after, ends_on=schedule_of.ends_on,
                               starts_on=schedule_of.starts_on)


# A reminder has one delivery per local date (the dispatcher drops a second), so a schedule
# changed, resumed or moved to another zone on a day its reminder already went out comes next on
# a later day, and the reminders page says so.
_DELIVERED_FROM = select(Delivery.local_date).where(
    Delivery.reminder_id == bindparam("reminder_id"), Delivery.local_date >= bindparam("day"))


def next_unsent(session: Session, reminder: Reminder, after: datetime) -> datetime | None:
    """Return the reminder's first occurrence after `after` on a local date it has not been
    delivered on yet."""
    due = next_due(reminder, after)
    if due is None or reminder.id is None:
        return due
    tz, at = reminder.timezone, reminder.local_time
    delivered = set(session.exec(_DELIVERED_FROM, params={
        "reminder_id": reminder.id, "day": occurrence_date(due, at, tz)}))
    while due is not None and occurrence_date(due, at, tz) in delivered:
        due = next_due(reminder, due)
    return due


def _apply(session: Session, reminder: Reminder, schedule: Schedule, now: datetime) -> None:
    reminder.kind, reminder.weekdays = schedule.kind, schedule.weekdays
    reminder.local_time, reminder.timezone = schedule.local_time, schedule.timezone
    reminder.channels = list(schedule.channels)
    # A changed schedule starts afresh from now: no burst, no stale snooze.
    reminder.skip_date = None
    reminder.next_due_at = next_unsent(session, reminder, now) if reminder.active else None


def _add_reminder(session: Session, user: User, child: Child, schedule: Schedule,
                  now: datetime) -> Reminder:
    reminder = Reminder(user_id=user.id, child_id=child.id, created_by_id=user.id,
                        kind=schedule.kind, weekdays=schedule.weekdays,
                        local_time=schedule.local_time, timezone=schedule.timezone)
    _apply(session, reminder, schedule, now)
    session.add(reminder)
    return reminder


def create_reminder(session: Session, user: User, child: Child, schedule: Schedule,
                    now: datetime | None = None) -> Reminder:
    """Create a reminder for the user about the child, due next at its first occurrence."""
    reminder = _add_reminder(session, user, child, schedule, now or utcnow())
    session.commit()
    return reminder


def update_reminder(session: Session, reminder: Reminder, child: Child, schedule: Schedule,
                    now: datetime | None = None) -> Reminder:
    """Change a reminder's child and schedule; its next occurrence is recomputed from now."""
    reminder.child_id = child.id
    _apply(session, reminder, schedule, now or utcnow())
    session.commit()
    return reminder


def move_zone(session: Session, family_id: int, old: str, new: str,
              now: datetime | None = None) -> None:
    """Move the family's caregivers' reminders in zone `old` to `new` (not committed): the same
    local time and days, next due from now. One set to another zone on purpose stays there, and
    so does a dated one whose time is already past in the new zone but not yet in the old: it
    goes out when it was set to (a therapist's one-off for this evening, a re-rating question).
    """
    if old == new:
        return
    now = now or utcnow()
    moving = session.exec(select(Reminder).join(User, User.id == Reminder.user_id).where(
        User.family_id == family_id, Reminder.timezone == old)).all()
    for reminder in moving:
        reminder.timezone = new
        if reminder.next_due_at is None:
            continue
        moved = next_unsent(session, reminder, now)
        if moved is None and reminder.ends_on is not None:
            reminder.timezone = old
        else:
            reminder.next_due_at = moved


def pause(session: Session, reminder: Reminder) -> Reminder:
    """Stop a reminder until it is resumed."""
    reminder.active, reminder.next_due_at, reminder.skip_date = False, None, None
    session.commit()
    return reminder


def resume(session: Session, reminder: Reminder, now: datetime | None = None) -> Reminder:
    """Start a paused reminder again from now (what was missed while paused is not sent)."""
    reminder.active = True
    reminder.next_due_at = next_unsent(session, reminder, now or utcnow())
    session.commit()
    return reminder


def snooze(session: Session, reminder: Reminder) -> Reminder:
    """Skip the reminder's next occurrence (the next local day it would go out)."""
    if not reminder.active or reminder.next_due_at is None:
        raise DomainError("This reminder is paused, so there is nothing to snooze.")
    reminder.skip_date = _occurrence_day(reminder)
    session.commit()
    return reminder


def unsnooze(session: Session, reminder: Reminder) -> Reminder:
    """Undo a snooze: the next occurrence goes out after all."""
    reminder.skip_date = None
    session.commit()
    return reminder


def delete(session: Session, reminder: Reminder) -> None:
    """Delete a reminder (its past deliveries go with it)."""
    session.delete(reminder)
    session.commit()


def describe(reminder: Reminder) -> ReminderRow:
    """Return the reminder with its next occurrence in its own time zone, past any snooze."""
    if not reminder.active or reminder.next_due_at is None:
        return ReminderRow(reminder, None, None)
    zone = ZoneInfo(reminder.timezone)
    upcoming = reminder.next_due_at.astimezone(zone)
    if reminder.skip_date != _occurrence_day(reminder):
        return ReminderRow(reminder, upcoming, None)
    after = next_due(reminder, reminder.next_due_at)
    return ReminderRow(reminder, after.astimezone(zone) if after else None, reminder.skip_date)


def _occurrence_day(reminder: Reminder) -> date:
    """The local day whose occurrence is next (as the dispatcher counts it): a clock change
    can push a late evening's occurrence past midnight, into the next day."""
    return occurrence_date(reminder.next_due_at, reminder.local_time, reminder.timezone)


# A reminder whose end date is this far past can fire no more. Pages and the calendar feed leave
# it out: a therapist's one-offs, re-rating questions and boosters would pile up for years.
ENDED_SHOWN = timedelta(days=7)
STILL_SHOWN = or_(Reminder.ends_on.is_(None),
                  Reminder.ends_on >= bindparam("ended_since",
                                                type_=Reminder.__table__.c.ends_on.type))


def ended_since(now: datetime | None = None) -> date:
    """The earliest end date of a reminder still shown (the UTC date: a week covers every zone)."""
    return (now or utcnow()).date() - ENDED_SHOWN


def reminders_by_child(session: Session, user: User,
                       children: list[Child]) -> list[tuple[Child, list[ReminderRow]]]:
    """Return, for each child, the user's reminders about them that are not long over (one
    query for all)."""
    ids = [child.id for child in children]
    rows = session.exec(select(Reminder).where(Reminder.user_id == user.id,
                                               Reminder.child_id.in_(ids), STILL_SHOWN)
                        .order_by(Reminder.local_time, Reminder.id),
                        params={"ended_since": ended_since()}).all()
    return [(child, [describe(r) for r in rows if r.child_id == child.id]) for child in children]


# Built once: the ladder page asks on every visit, and building the statement cost more than
# running it.
_ANY_ABOUT_CHILD = (select(Reminder.id).where(Reminder.user_id == bindparam("user_id"),
                                              Reminder.child_id == bindparam("child_id"))
                    .limit(1))


def has_reminders(session: Session, user: User, child: Child) -> bool:
    """True when the user already has any reminder about this child."""
    found = session.connection().execute(_ANY_ABOUT_CHILD,
                                         {"user_id": user.id, "child_id": child.id})
    return found.first() is not None


def default_schedules(timezone: str) -> list[Schedule]:
    """The reminders offered with a new ladder: school-day mornings and an evening nudge."""
    return [
        Schedule("practice", "12345", "07:30", timezone, ("inbox", "email")),
        Schedule("missed_nudge", "1234567", "19:30", timezone, ("inbox", "email")),
    ]


def create_defaults(session: Session, user: User, child: Child,
                    now: datetime | None = None) -> list[Reminder]:
    """Create the default reminders, unless the user already has reminders for this child."""
    if has_reminders(session, user, child):
        return []  # a double tap, or reminders set by hand already: add nothing
    timezone = child.family.timezone if valid_timezone(child.family.timezone) else "UTC"
    created = [_add_reminder(session, user, child, schedule, now or utcnow())
               for schedule in default_schedules(timezone)]
    session.commit()
    return created
