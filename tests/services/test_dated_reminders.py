"""Dated one-off reminders: due on their date only, once, whatever pausing or clocks do."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import Delivery, Reminder
from graded_exposure.rules import schedule
from graded_exposure.services import dated_reminders, reminders
from graded_exposure.services.dispatch import run_pass
from tests.factories import DISPATCH_CONFIG

# A Wednesday noon in London (BST, UTC+1).
NOW = datetime(2026, 5, 6, 11, 0, tzinfo=UTC)
EIGHT_WEEKS = date(2026, 7, 1)  # a Wednesday, eight weeks on


def _remind(db, family, on=EIGHT_WEEKS, at="17:30", now=NOW):
    return dated_reminders.remind_on(db, [family.user], family.child, kind="practice", on=on,
                                     at=at, created_by_id=family.user.id, channels=["inbox"],
                                     now=now)


def test_a_reminder_weeks_ahead_is_due_on_its_date_not_the_first_same_weekday(db, family):
    [reminder] = _remind(db, family)
    db.commit()
    assert reminder.next_due_at == datetime(2026, 7, 1, 16, 30, tzinfo=UTC)  # 17:30 BST
    assert (reminder.starts_on, reminder.ends_on) == (EIGHT_WEEKS, EIGHT_WEEKS)


def test_pausing_and_resuming_cannot_move_it_earlier(db, family):
    [reminder] = _remind(db, family)
    db.commit()
    reminders.pause(db, reminder)
    reminders.resume(db, reminder, now=NOW + timedelta(days=1))
    assert reminder.next_due_at == datetime(2026, 7, 1, 16, 30, tzinfo=UTC)


def test_it_goes_out_once_on_its_date_and_never_again(db, family):
    [reminder] = _remind(db, family)
    db.commit()
    for week in range(9):  # every Wednesday evening up to and past its date
        run_pass(db, DISPATCH_CONFIG, now=datetime(2026, 5, 6, 16, 31, tzinfo=UTC)
                 + timedelta(weeks=week))
    sent = list(db.exec(select(Delivery).where(Delivery.reminder_id == reminder.id)))
    assert [d.local_date for d in sent] == [EIGHT_WEEKS]
    db.refresh(reminder)
    assert reminder.next_due_at is None


def test_a_moment_already_past_is_refused_and_nothing_is_stored(db, family):
    with pytest.raises(DomainError, match="already passed"):
        _remind(db, family, on=date(2026, 5, 6), at="09:00")
    db.commit()
    assert db.exec(select(Reminder)).all() == []


def test_a_bad_time_is_refused(db, family):
    with pytest.raises(DomainError):
        _remind(db, family, at="25:00")


def test_across_a_clock_change_it_keeps_its_local_time(db, family):
    # London leaves summer time on 25 October 2026; a booster on 28 October at 17:30 GMT.
    [reminder] = _remind(db, family, on=date(2026, 10, 28))
    assert reminder.next_due_at == datetime(2026, 10, 28, 17, 30, tzinfo=UTC)
    assert schedule.occurrence_date(reminder.next_due_at, "17:30", "Europe/London") == date(
        2026, 10, 28)
