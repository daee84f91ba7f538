"""Reminder settings: add and change schedules, pause, snooze, delete, quiet hours, defaults."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import render_template
from flask_login import login_user
from sqlmodel import select

from graded_exposure.models import NotificationSettings, Reminder
from graded_exposure.services import accounts, reminders
from tests.conftest import PASSWORD, csrf_from, logged_in_client
from tests.factories import add_reminder

GOOD = {"kind": "practice", "weekdays": ["1", "2", "3", "4", "5"], "local_time": "07:30",
        "timezone": "Europe/London", "channels": ["email"]}


def _form(family, **changes):
    return {**GOOD, "child_id": str(family.child.id), **changes}


def _reminder(db, family, **fields) -> Reminder:
    schedule = reminders.checked_schedule(**{
        "kind": "practice", "weekdays": "12345", "local_time": "07:30",
        "timezone": "Europe/London", "channels": ["inbox"], **fields})
    return reminders.create_reminder(db, family.user, family.child, schedule)


def _stored(db) -> list[Reminder]:
    db.expire_all()
    return list(db.exec(select(Reminder)))


def test_new_reminder_is_stored_with_its_next_occurrence(family, db):
    response = family.post("/reminders/new", _form(family))
    assert response.status_code == 303
    (reminder,) = _stored(db)
    assert (reminder.user_id, reminder.child_id) == (family.user.id, family.child.id)
    assert (reminder.weekdays, reminder.local_time) == ("12345", "07:30")
    assert reminder.channels == ["inbox", "email"]
    local = reminder.next_due_at.astimezone(ZoneInfo("Europe/London"))
    assert (local.hour, local.minute) == (7, 30) and local.isoweekday() <= 5


def test_new_reminder_form_defaults_to_the_family_time_zone(family):
    body = family.client.get(f"/reminders/new?child_id={family.child.id}").get_data(as_text=True)
    assert '<option selected value="Europe/London">' in body
    assert 'type="time"' in body and 'name="weekdays"' in body


@pytest.mark.parametrize(("changes", "message"), [
    ({"timezone": "Mars/Olympus_Mons"}, "is not a time zone we know"),
    ({"local_time": "25:00"}, "is not a time of day"),
    ({"local_time": "7.30pm"}, "is not a time of day"),
    ({"local_time": ""}, "Enter a time of day, like 07:30"),
    ({"weekdays": []}, "Choose at least one day of the week"),
    ({"weekdays": ["8"]}, "Choose days of the week from Monday to Sunday"),
    ({"kind": "therapist"}, "Choose what the reminder is for"),
    ({"kind": "spam"}, "Choose what the reminder is for"),
    ({"channels": ["sms"]}, "Choose email, phone notifications, or neither"),
    ({"child_id": "abc"}, "Choose one of your children"),
])
def test_bad_schedule_input_is_refused_with_a_clear_message(family, db, changes, message):
    response = family.post("/reminders/new", _form(family, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored(db) == []


def test_another_familys_child_is_refused(family, other_family, db):
    response = family.post("/reminders/new", _form(family, child_id=str(other_family.child.id)))
    assert response.status_code == 422
    assert "Choose one of your children" in response.get_data(as_text=True)
    assert _stored(db) == []


def test_extra_fields_are_ignored(family, other_family, db):
    response = family.post("/reminders/new", _form(
        family, user_id=str(other_family.user.id), next_due_at="2000-01-01", active="0"))
    assert response.status_code == 303
    (reminder,) = _stored(db)
    assert reminder.user_id == family.user.id and reminder.active
    assert reminder.next_due_at > datetime.now(UTC)


def test_edit_changes_the_schedule_and_recomputes_next_due(family, db):
    reminder = _reminder(db, family)
    response = family.post(f"/reminders/{reminder.id}/edit", _form(
        family, weekdays=["6", "7"], local_time="9:05", timezone="America/New_York",
        channels=["email", "push"], kind="weekly_digest"))
    assert response.status_code == 303
    (changed,) = _stored(db)
    assert (changed.weekdays, changed.local_time, changed.kind) == ("67", "09:05", "weekly_digest")
    assert changed.channels == ["inbox", "email", "push"]
    local = changed.next_due_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.hour, local.minute, local.isoweekday() >= 6) == (9, 5, True)


def test_edit_form_shows_the_saved_schedule(family, db):
    reminder = _reminder(db, family, weekdays="135", channels=["inbox", "push"])
    body = family.client.get(f"/reminders/{reminder.id}/edit").get_data(as_text=True)
    assert 'checked id="weekdays-0"' in body and 'checked id="weekdays-1"' not in body
    assert 'checked id="channels-1"' in body and 'checked id="channels-0"' not in body


def test_bad_edit_changes_nothing(family, db):
    reminder = _reminder(db, family)
    response = family.post(f"/reminders/{reminder.id}/edit", _form(family, local_time="25:00"))
    assert response.status_code == 422
    assert _stored(db)[0].local_time == "07:30"


def test_index_lists_reminders_per_child_with_the_next_local_time(family, db):
    reminder = _reminder(db, family)
    body = family.client.get("/reminders").get_data(as_text=True)
    local = reminder.next_due_at.astimezone(ZoneInfo("Europe/London"))
    assert "Sam" in body and "Practice reminder" in body and "Mon to Fri" in body
    assert f"Next: <time datetime=\"{local.isoformat()}\">" in body


def test_pause_and_resume(family, db):
    reminder = _reminder(db, family)
    assert family.post(f"/reminders/{reminder.id}/pause").status_code == 303
    paused = _stored(db)[0]
    assert not paused.active and paused.next_due_at is None
    assert "Paused" in family.client.get("/reminders").get_data(as_text=True)
    assert family.post(f"/reminders/{reminder.id}/resume").status_code == 303
    resumed = _stored(db)[0]
    assert resumed.active and resumed.next_due_at > datetime.now(UTC)


def test_snooze_skips_the_next_occurrences_local_date_and_can_be_undone(family, db):
    reminder = _reminder(db, family)
    due_day = reminder.next_due_at.astimezone(ZoneInfo("Europe/London")).date()
    assert family.post(f"/reminders/{reminder.id}/snooze").status_code == 303
    assert _stored(db)[0].skip_date == due_day
    assert "is skipped" in family.client.get("/reminders").get_data(as_text=True)
    assert family.post(f"/reminders/{reminder.id}/unsnooze").status_code == 303
    assert _stored(db)[0].skip_date is None


def test_snoozing_a_paused_reminder_is_refused(family, db):
    reminder = _reminder(db, family)
    family.post(f"/reminders/{reminder.id}/pause")
    response = family.post(f"/reminders/{reminder.id}/snooze")
    assert response.status_code == 422 and "nothing to snooze" in response.get_data(as_text=True)
    assert _stored(db)[0].skip_date is None


def test_delete(family, db):
    reminder = _reminder(db, family)
    assert family.post(f"/reminders/{reminder.id}/delete").status_code == 303
    assert _stored(db) == []


@pytest.mark.parametrize("action", ["pause", "snooze", "delete"])
def test_htmx_changes_return_the_component_only(family, db, action):
    reminder = _reminder(db, family)
    response = family.post(f"/reminders/{reminder.id}/{action}", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and f'id="reminder-{reminder.id}"' in body


@pytest.mark.parametrize("action", ["pause", "resume", "snooze", "unsnooze", "delete"])
def test_another_users_reminder_is_404(family, other_family, db, action):
    reminder = _reminder(db, family)
    assert other_family.client.get(f"/reminders/{reminder.id}/edit").status_code == 404
    assert other_family.post(f"/reminders/{reminder.id}/{action}").status_code == 404
    assert _stored(db)[0].active and _stored(db)[0].skip_date is None


def test_a_co_caregivers_reminder_is_theirs_alone(app, family, db):
    partner = accounts.register(db, email="kim@example.com", password=PASSWORD,
                                display_name="Kim", role="caregiver")
    partner.family_id = family.user.family_id
    db.commit()
    reminder = _reminder(db, family)
    client = logged_in_client(app, "kim@example.com")
    assert client.get(f"/children/{family.child.id}").status_code == 200
    assert client.get(f"/reminders/{reminder.id}/edit").status_code == 404
    assert f'id="reminder-{reminder.id}"' not in client.get("/reminders").get_data(as_text=True)


def test_state_changes_need_a_csrf_token(family, db):
    reminder = _reminder(db, family)
    assert family.client.post(f"/reminders/{reminder.id}/delete").status_code == 400
    assert family.client.post("/reminders/new", data=_form(family)).status_code == 400
    assert len(_stored(db)) == 1


def test_get_changes_nothing(family, db):
    reminder = _reminder(db, family)
    assert family.client.get(f"/reminders/{reminder.id}/delete").status_code == 405
    assert len(_stored(db)) == 1


def test_therapists_and_visitors_cannot_use_reminder_settings(client, therapist_client):
    assert therapist_client.get("/reminders").status_code == 404
    assert client.get("/reminders").status_code == 302


def test_quiet_hours_and_email_choices_are_saved(family, db):
    response = family.post("/reminders/settings", {
        "quiet_start": "21:00", "quiet_end": "07:00", "email_kinds": ["practice"]})
    assert response.status_code == 303
    db.expire_all()
    settings = db.get(NotificationSettings, family.user.id)
    assert (settings.quiet_start, settings.quiet_end) == ("21:00", "07:00")
    assert "missed_nudge" in settings.email_opt_out and "practice" not in settings.email_opt_out


@pytest.mark.parametrize(("data", "message"), [
    ({"quiet_start": "21:00", "quiet_end": ""}, "both a start and an end"),
    ({"quiet_start": "25:00", "quiet_end": "07:00"}, "is not a time of day"),
    ({"quiet_start": "07:00", "quiet_end": "07:00"}, "different start and end"),
    ({"email_kinds": ["spam"]}, "Choose emails from the list"),
])
def test_bad_quiet_hours_are_refused(family, db, data, message):
    response = family.post("/reminders/settings", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.get(NotificationSettings, family.user.id) is None


def test_defaults_create_a_school_day_reminder_and_an_evening_nudge_once(family, db):
    assert family.post(f"/reminders/defaults/{family.child.id}").status_code == 303
    assert family.post(f"/reminders/defaults/{family.child.id}").status_code == 303
    stored = {r.kind: r for r in _stored(db)}
    assert len(_stored(db)) == 2
    practice, nudge = stored["practice"], stored["missed_nudge"]
    assert (practice.weekdays, practice.local_time, practice.timezone) == (
        "12345", "07:30", "Europe/London")
    assert practice.channels == ["inbox", "email"]
    assert (nudge.weekdays, nudge.local_time) == ("1234567", "19:30")


def test_defaults_for_another_familys_child_is_404(family, other_family, db):
    assert other_family.post(f"/reminders/defaults/{family.child.id}").status_code == 404
    assert _stored(db) == []


def test_suggestion_is_offered_until_reminders_exist(app, family, db):
    def suggestion() -> str:
        with app.test_request_context():
            login_user(family.user)
            return render_template("reminders/_suggest.html", child=family.child)

    assert "Remind me to practise: weekdays at 07:30" in suggestion()
    response = family.post(f"/reminders/defaults/{family.child.id}",
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Reminders set" in body and 'id="reminder-suggest"' in body
    assert suggestion().strip() == ""


def test_the_settings_page_offers_push_only_through_javascript(family):
    body = family.client.get("/reminders").get_data(as_text=True)
    assert 'id="push-settings" hidden' in body and "data-vapid-key=" in body
    assert csrf_from(body)


def test_a_therapists_reminder_can_be_paused_but_not_edited(family, db):
    reminder = Reminder(user_id=family.user.id, child_id=family.child.id, kind="therapist",
                        message="Log this week before Tuesday's session", weekdays="1",
                        local_time="18:00", timezone="Europe/London")
    db.add(reminder)
    db.commit()
    body = family.client.get("/reminders").get_data(as_text=True)
    assert "From your therapist" in body and "Tuesday&#39;s session" in body
    assert f"/reminders/{reminder.id}/edit" not in body
    assert family.client.get(f"/reminders/{reminder.id}/edit").status_code == 303
    assert family.post(f"/reminders/{reminder.id}/edit", _form(family)).status_code == 303
    assert _stored(db)[0].kind == "therapist"
    assert family.post(f"/reminders/{reminder.id}/pause").status_code == 303
    assert not _stored(db)[0].active


def test_a_reminder_over_for_more_than_a_week_leaves_the_page(family, db):
    # A therapist's one-off reminders (and re-rating questions, boosters) were listed for good,
    # each saying "No more reminders are due." with its three buttons.
    today = datetime.now(UTC).date()
    for days_ago, words in ((10, "Long over"), (3, "Just over")):
        add_reminder(db, family.user, family.child, created=datetime.now(UTC), kind="therapist",
                     weekdays="1234567", ends_on=today - timedelta(days=days_ago),
                     message=words).next_due_at = None
    db.commit()
    add_reminder(db, family.user, family.child, created=datetime.now(UTC), message="Every day")
    page = family.client.get("/reminders").get_data(as_text=True)
    assert "Every day" in page and "Just over" in page
    assert "Long over" not in page


def test_a_reminder_that_ended_says_so_and_offers_only_delete(family, db):
    """Found from outside: an ended reminder still read "Every day at 07:30" and offered Pause
    and Snooze a day, which did nothing a parent could see."""
    ended_on = datetime.now(UTC).date() - timedelta(days=2)
    over = add_reminder(db, family.user, family.child, created=datetime.now(UTC),
                        kind="therapist", weekdays="1234567", ends_on=ended_on,
                        message="Bring the brave chart")
    over.next_due_at = None
    db.commit()
    page = family.client.get("/reminders").get_data(as_text=True)
    item = page[page.index(f'id="reminder-{over.id}"'):]
    item = item[:item.index("</li>")]
    day = f"{ended_on.strftime('%a')} {ended_on.day} {ended_on.strftime('%b')}"
    assert f'Ended on <time datetime="{ended_on.isoformat()}">{day}</time>' in item
    assert "Every day" not in item and "No more reminders are due." not in item
    assert "Pause" not in item and "Snooze" not in item and "Delete" in item
