"""Reminder schedules as a service: validation, next due times, pause, resume, snooze, defaults."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from graded_exposure.errors import DomainError
from graded_exposure.services import dated_reminders, dispatch, families, reminders
from graded_exposure.services.notification_settings import (
    read_unsubscribe_token,
    unsubscribe_token,
)
from tests.factories import DISPATCH_CONFIG
from tests.lookups import deliveries

MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday 2 March 2026, 12:00 in London


def _schedule(**changes) -> reminders.Schedule:
    fields = {"kind": "practice", "weekdays": ["1", "3"], "local_time": "7:30",
              "timezone": "Europe/London", "channels": ["inbox", "email"]}
    return reminders.checked_schedule(**{**fields, **changes})


def test_a_checked_schedule_is_normalised():
    schedule = _schedule(weekdays=["3", "1", "3"], channels=["push", "inbox", "email"])
    assert schedule == reminders.Schedule("practice", "13", "07:30", "Europe/London",
                                          ("inbox", "email", "push"))
    assert _schedule(channels=[]).channels == ("inbox",)  # the inbox is always on


@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Nowhere/Special"}, "not a time zone we know"),
    ({"timezone": ""}, "not a time zone we know"),
    ({"local_time": "25:00"}, "not a time of day"),
    ({"local_time": "12:60"}, "not a time of day"),
    ({"local_time": "07:30:00"}, "not a time of day"),
    ({"weekdays": []}, "at least one day"),
    ({"weekdays": ["0"]}, "Monday to Sunday"),
    ({"kind": "therapist"}, "what the reminder is for"),
    ({"channels": ["sms"]}, "inbox, email and phone"),
])
def test_bad_schedules_are_refused(changes, message):
    with pytest.raises(DomainError, match=message):
        _schedule(**changes)


def test_create_computes_the_next_local_occurrence(db, family):
    reminder = reminders.create_reminder(db, family.user, family.child, _schedule(),
                                         now=MONDAY_NOON)
    # Monday's 07:30 has passed, so Wednesday 07:30 GMT.
    assert reminder.next_due_at == datetime(2026, 3, 4, 7, 30, tzinfo=UTC)


def test_pause_then_resume_starts_from_now_without_a_burst(db, family):
    reminder = reminders.create_reminder(db, family.user, family.child, _schedule(),
                                         now=MONDAY_NOON)
    reminders.pause(db, reminder)
    assert (reminder.active, reminder.next_due_at) == (False, None)
    reminders.resume(db, reminder, now=MONDAY_NOON + timedelta(days=14))
    assert reminder.next_due_at == datetime(2026, 3, 18, 7, 30, tzinfo=UTC)


def test_snooze_skips_the_next_local_date_and_the_listing_shows_the_one_after(db, family):
    reminder = reminders.create_reminder(db, family.user, family.child, _schedule(),
                                         now=MONDAY_NOON)
    reminders.snooze(db, reminder)
    assert reminder.skip_date == date(2026, 3, 4)
    row = reminders.describe(reminder)
    assert row.skipped_date == date(2026, 3, 4)
    assert (row.next_local.date(), row.next_local.hour) == (date(2026, 3, 9), 7)


def test_snooze_uses_the_reminders_own_time_zone(db, family):
    # 23:30 in Sydney on Tuesday is 12:30 UTC on Tuesday; Monday noon UTC is 23:00 Monday there.
    schedule = _schedule(weekdays=["2"], local_time="23:30", timezone="Australia/Sydney")
    reminder = reminders.create_reminder(db, family.user, family.child, schedule,
                                         now=MONDAY_NOON)
    reminders.snooze(db, reminder)
    assert reminder.skip_date == date(2026, 3, 3)


def test_a_paused_reminder_cannot_be_snoozed(db, family):
    reminder = reminders.create_reminder(db, family.user, family.child, _schedule())
    reminders.pause(db, reminder)
    with pytest.raises(DomainError):
        reminders.snooze(db, reminder)


def test_editing_clears_a_snooze(db, family):
    reminder = reminders.create_reminder(db, family.user, family.child, _schedule(),
                                         now=MONDAY_NOON)
    reminders.snooze(db, reminder)
    reminders.update_reminder(db, reminder, family.child, _schedule(local_time="08:00"),
                              now=MONDAY_NOON)
    assert reminder.skip_date is None
    assert reminder.next_due_at == datetime(2026, 3, 4, 8, 0, tzinfo=UTC)


def test_defaults_use_the_family_time_zone_and_are_made_once(db, family):
    made = reminders.create_defaults(db, family.user, family.child, now=MONDAY_NOON)
    assert [(r.kind, r.weekdays, r.local_time, r.timezone) for r in made] == [
        ("practice", "12345", "07:30", "Europe/London"),
        ("missed_nudge", "1234567", "19:30", "Europe/London")]
    assert made[1].next_due_at == datetime(2026, 3, 2, 19, 30, tzinfo=UTC)
    assert reminders.create_defaults(db, family.user, family.child) == []


def test_unsubscribe_tokens_round_trip(db, family):
    token = unsubscribe_token("secret", family.user.id, "missed_nudge", family.user.email)
    assert read_unsubscribe_token(db, "secret", token) == (family.user, "missed_nudge")
    with pytest.raises(DomainError):
        read_unsubscribe_token(db, "other secret", token)


def test_a_snooze_skips_the_occurrence_a_clock_change_pushed_past_midnight(db):
    """Found from outside (a time-zone audit): in America/Nuuk on Sat 28 Mar 2026 the clocks
    jump from 22:59 to 00:00, so Saturday's 23:30 goes out at 00:30 on Sunday. Snoozing it
    skipped Sunday's instead, and the page named Sunday."""
    from graded_exposure.services import dispatch
    from tests.factories import DISPATCH_CONFIG, local, person
    from tests.lookups import deliveries

    zone = "America/Nuuk"
    user, child = person(db, zone)
    reminder = reminders.create_reminder(db, user, child, reminders.checked_schedule(
        kind="practice", weekdays=list("1234567"), local_time="23:30", timezone=zone,
        channels=["inbox"]), now=local(zone, 2026, 3, 28, 12, 0))
    saturdays = reminder.next_due_at
    reminders.snooze(db, reminder)
    assert reminder.skip_date == date(2026, 3, 28)
    assert reminders.describe(reminder).skipped_date == date(2026, 3, 28)
    for now in (saturdays + timedelta(minutes=1), local(zone, 2026, 3, 29, 23, 31)):
        dispatch.run_pass(db, DISPATCH_CONFIG, now=now)
    assert [(d.local_date, d.status) for d in deliveries(db, reminder)] == [
        (date(2026, 3, 28), "skipped"), (date(2026, 3, 29), "sent")]


# Found from outside (time audit): a reminder moved later on a day it had already gone out
# showed "Next: today 20:00" and never came (one delivery per reminder and local date), and a
# therapist's one-off for this evening was dropped when the family moved its zone east past it.
WEDNESDAY = date(2026, 3, 4)


def _sent_today(db, family) -> reminders.Reminder:
    reminder = reminders.create_reminder(db, family.user, family.child,
                                         _schedule(weekdays=list("1234567")),
                                         now=datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=datetime(2026, 3, 4, 7, 31, tzinfo=UTC))
    assert [d.local_date for d in deliveries(db, reminder)] == [WEDNESDAY]
    return reminder


def test_moved_later_on_a_day_it_went_out_it_comes_next_on_the_following_day(db, family):
    reminder = _sent_today(db, family)
    reminders.update_reminder(db, reminder, family.child,
                              _schedule(weekdays=list("1234567"), local_time="20:00"),
                              now=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    assert reminder.next_due_at == datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    assert reminders.describe(reminder).next_local.date() == date(2026, 3, 5)


def test_resumed_on_a_day_it_went_out_it_comes_next_on_the_following_day(db, family):
    reminder = _sent_today(db, family)
    reminders.pause(db, reminder)
    reminders.update_reminder(db, reminder, family.child,
                              _schedule(weekdays=list("1234567"), local_time="20:00"),
                              now=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    reminders.resume(db, reminder, now=datetime(2026, 3, 4, 12, 5, tzinfo=UTC))
    assert reminder.next_due_at == datetime(2026, 3, 5, 20, 0, tzinfo=UTC)


def test_a_zone_moved_west_on_a_day_it_went_out_waits_for_the_following_day(db, family):
    reminder = _sent_today(db, family)
    assert family.user.family.timezone == "Europe/London"
    with time_machine.travel(datetime(2026, 3, 4, 12, 0, tzinfo=UTC), tick=False):
        families.set_timezone(db, family.user.family, "America/New_York")
    db.refresh(reminder)
    assert reminder.timezone == "America/New_York"
    # New York's Wednesday 07:30 is still ahead, but Wednesday's reminder went out.
    assert reminder.next_due_at == datetime(2026, 3, 5, 12, 30, tzinfo=UTC)


def test_a_one_off_still_to_come_survives_a_move_east_past_its_time(db, family):
    family.user.family.timezone = "America/New_York"
    db.commit()
    now = datetime(2026, 6, 10, 13, 0, tzinfo=UTC)  # 09:00 in New York
    [one_off] = dated_reminders.remind_on(db, [family.user], family.child, kind="therapist",
                                          on=date(2026, 6, 10), at="18:00", created_by_id=None,
                                          channels=["inbox"], message="Brave breakfast tonight",
                                          now=now)
    db.commit()
    with time_machine.travel(datetime(2026, 6, 10, 19, 0, tzinfo=UTC), tick=False):
        families.set_timezone(db, family.user.family, "Europe/London")  # 20:00 there
    db.refresh(one_off)
    assert one_off.next_due_at == datetime(2026, 6, 10, 22, 0, tzinfo=UTC)  # as scheduled
    dispatch.run_pass(db, DISPATCH_CONFIG, now=datetime(2026, 6, 10, 22, 1, tzinfo=UTC))
    assert [d.local_date for d in deliveries(db, one_off)] == [date(2026, 6, 10)]
