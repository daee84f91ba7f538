"""Reminders for one local date: a therapist's one-off, a re-rating, a booster weeks ahead.

A dated reminder is an ordinary reminder on that date's weekday with starts_on and ends_on both
that date. The dispatcher sends it exactly once like any other; pausing and resuming it cannot
move it to an earlier week, and a snooze skips it.
"""
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, Reminder, User, utcnow
from ..rules.schedule import next_occurrence_utc
from .reminders import checked_time

# A dated reminder's channels when the person has no practice reminder to copy them from.
DEFAULT_CHANNELS = ("inbox", "email")

# The person's own active practice reminder for this child (else for every child): a dated
# reminder about the child comes at its time and on its channels.
_USUAL = (select(Reminder.local_time, Reminder.channels)
          .where(Reminder.user_id == bindparam("user_id"), Reminder.kind == "practice",
                 Reminder.active.is_(True),
                 (Reminder.child_id == bindparam("child_id")) | Reminder.child_id.is_(None))
          .order_by(Reminder.child_id.is_(None), Reminder.id).limit(1))


def usual_practice_reminder(session: Session, user_id: int, child_id: int):
    """Return (local_time, channels) of the person's practice reminder for the child, or None."""
    return session.exec(_USUAL, params={"user_id": user_id, "child_id": child_id}).first()


def remind_on(session: Session, recipients: Iterable[User], child: Child, *, kind: str,
              on: date, at: str, created_by_id: int | None, channels: Iterable[str],
              message: str = "", now: datetime | None = None) -> list[Reminder]:
    """Add (not commit) one reminder per recipient, due at `at` on the child's local date `on`.

    Raises DomainError when that moment has already passed.
    """
    local_time = checked_time(at)
    tz = child.family.timezone
    due = next_occurrence_utc(str(on.isoweekday()), local_time, tz, now or utcnow(),
                              starts_on=on, ends_on=on)
    if due is None:
        raise DomainError(f"{local_time} on {on:%A %-d %B} has already passed. "
                          "Choose a later time or day.")
    created = [Reminder(user_id=user.id, child_id=child.id, created_by_id=created_by_id,
                        kind=kind, message=message, weekdays=str(on.isoweekday()),
                        local_time=local_time, timezone=tz, channels=list(channels),
                        starts_on=on, ends_on=on, next_due_at=due) for user in recipients]
    session.add_all(created)
    return created
