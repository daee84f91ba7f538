"""The factories build what the app itself could have stored, or tests pass on states that
cannot happen (and fail on the clock, as the dispatcher tests once did near 07:30 UTC)."""
from datetime import timedelta

from sqlmodel import select

from graded_exposure.models import Reminder, utcnow
from graded_exposure.rules import schedule
from tests.factories import due_reminders, person


def test_due_reminders_are_due_on_their_own_schedule(db):
    due_reminders(db, [person(db)[0]], 3, ["inbox"])
    now = utcnow()
    for reminder in db.exec(select(Reminder)).all():
        due = reminder.next_due_at.replace(tzinfo=now.tzinfo)
        assert now - timedelta(minutes=2) <= due <= now - timedelta(minutes=1)
        # The stored due time is an occurrence of the reminder's schedule, so the next one is a
        # day later, however close the clock is to the reminder's time of day.
        assert schedule.next_occurrence_utc(reminder.weekdays, reminder.local_time,
                                            reminder.timezone, due - timedelta(seconds=1)) == due
        assert schedule.next_occurrence_utc(reminder.weekdays, reminder.local_time,
                                            reminder.timezone, due) == due + timedelta(days=1)
