"""The private calendar feed over HTTP: turned on, renewed, named and off on the reminders page;
fetched by a calendar app with no login, parsed by `icalendar` and expanded by
`recurring_ical_events` across daylight-saving changes, against the app's own reminder times."""
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlmodel import select

from graded_exposure.models import CalendarFeed, Reminder
from graded_exposure.services import calendar_feeds, families, reminders, therapist_notes, tokens
from tests.conftest import PASSWORD, csrf_from
from tests.factories import add_reminder, link, make_therapist
from tests.lookups import counted_statements

FEED_LINK = re.compile(r'data-copy-source>http://localhost/calendar/([A-Za-z0-9_-]+)\.ics<')


def turn_on(family, **form) -> str:
    """Turn the feed on from the reminders page; return the token the page shows."""
    response = family.post("/reminders/calendar", form)
    assert response.status_code == 200, response.get_data(as_text=True)
    return FEED_LINK.search(response.get_data(as_text=True)).group(1)


def fetch(app, token: str, **headers):
    """GET the feed as a calendar app does: a fresh client, no cookies, no login."""
    return app.test_client().get(f"/calendar/{token}.ics", headers=headers)


def parsed(app, token: str) -> Calendar:
    response = fetch(app, token)
    assert response.status_code == 200
    return Calendar.from_ical(response.data)


def test_turning_on_shows_the_link_once_with_a_copy_button(app, family, db):
    response = family.post("/reminders/calendar")
    body = response.get_data(as_text=True)
    token = FEED_LINK.search(body).group(1)
    assert response.headers["Cache-Control"] == "no-store"
    assert 'readonly spellcheck="false" data-copy-source>http://localhost/calendar/' in body
    assert 'data-copy="calendar-link" hidden' in body  # shown by copy_link.js, where it can copy
    assert f'href="webcal://localhost/calendar/{token}.ics"' in body
    assert re.search(r"/static/js/copy_link\.\w+\.js", body)
    settings = family.client.get("/reminders").get_data(as_text=True)
    assert token not in settings
    assert "Make a new link" in settings and "Turn off the feed" in settings
    assert db.get(CalendarFeed, family.user.id).token_hash == tokens.hash_token(token)


def test_the_settings_explain_names_before_the_feed_is_on(family):
    body = family.client.get("/reminders").get_data(as_text=True)
    assert "Turn on the calendar feed" in body
    assert 'name="show_child_names"' in body and "checked" not in body.split(
        'id="calendar-feed"')[1].split("</section>")[0]
    assert "unless you tick this, events say only “Practice time”" in body


def test_reloading_the_link_page_lands_on_the_settings(family):
    for url in ("/reminders/calendar", "/reminders/calendar/new-link"):
        response = family.client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/reminders#calendar-feed")


def test_the_feed_is_an_icalendar_file_for_calendar_apps(app, family, db):
    add_reminder(db, family.user, family.child, created=datetime(2027, 3, 1, tzinfo=UTC),
                 weekdays="135", local_time="07:30")
    token = turn_on(family)
    response = fetch(app, token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert response.headers["Cache-Control"].startswith("private")
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "Set-Cookie" not in response.headers
    (event,) = Calendar.from_ical(response.data).events
    assert str(event["SUMMARY"]) == "Practice time"
    assert str(event["UID"]).endswith("@localhost")
    assert app.test_client().head(f"/calendar/{token}.ics").status_code == 200


def test_etag_and_last_modified_answer_304_until_something_changes(app, family, db):
    reminder = add_reminder(db, family.user, family.child,
                            created=datetime(2027, 3, 1, tzinfo=UTC))
    token = turn_on(family)
    first = fetch(app, token)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert fetch(app, token, **{"If-None-Match": etag}).status_code == 304
    assert fetch(app, token, **{"If-Modified-Since": modified}).status_code == 304
    assert fetch(app, token, **{"If-None-Match": '"other"'}).status_code == 200
    again = fetch(app, token)
    assert (again.headers["ETag"], again.headers["Last-Modified"]) == (etag, modified)
    assert again.data == first.data
    # A snooze changes what the feed shows: both validators move on at once.
    assert family.post(f"/reminders/{reminder.id}/snooze").status_code == 303
    changed = fetch(app, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert fetch(app, token, **{"If-Modified-Since": modified}).status_code == 200
    assert b"EXDATE" in changed.data


def test_a_new_link_and_turning_off_revoke_at_once(app, family):
    old = turn_on(family)
    response = family.post("/reminders/calendar/new-link")
    new = FEED_LINK.search(response.get_data(as_text=True)).group(1)
    assert fetch(app, old).status_code == 404
    assert fetch(app, new).status_code == 200
    response = family.post("/reminders/calendar/off")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/reminders#calendar-feed")
    assert fetch(app, new).status_code == 404
    assert "Turn on the calendar feed" in family.client.get("/reminders").get_data(as_text=True)
    # A new link for a feed that is off says so, and makes none.
    response = family.post("/reminders/calendar/new-link")
    assert response.status_code == 303
    assert "Turn it on first" in family.client.get("/reminders").get_data(as_text=True)


def test_the_childs_name_appears_only_when_chosen(app, family, db):
    add_reminder(db, family.user, family.child, created=datetime(2027, 3, 1, tzinfo=UTC))
    token = turn_on(family)
    assert b"Sam" not in fetch(app, token).data
    assert family.post("/reminders/calendar/names", {"show_child_names": "y"}).status_code == 303
    assert str(parsed(app, token).events[0]["SUMMARY"]) == "Practice time: Sam"
    assert "checked" in family.client.get("/reminders").get_data(as_text=True).split(
        'id="calendar-feed"')[1].split("</section>")[0]
    family.post("/reminders/calendar/names", {})
    assert b"Sam" not in fetch(app, token).data
    # Chosen when turning on, too.
    token = turn_on(family, show_child_names="y")
    assert b"Practice time: Sam" in fetch(app, token).data


def test_another_familys_reminders_never_appear(app, db, family, other_family):
    created = datetime(2027, 3, 1, tzinfo=UTC)
    ours = add_reminder(db, family.user, family.child, created=created)
    theirs = add_reminder(db, other_family.user, other_family.child, created=created)
    our_feed = fetch(app, turn_on(family, show_child_names="y")).data
    their_feed = fetch(app, turn_on(other_family, show_child_names="y")).data
    assert f"reminder-{ours.id}@".encode() in our_feed
    assert f"reminder-{theirs.id}@".encode() not in our_feed and b"Other" not in our_feed
    assert f"reminder-{ours.id}@".encode() not in their_feed and b"Sam" not in their_feed


@pytest.mark.parametrize("path", [
    "/calendar/.ics", "/calendar/x.ics", "/calendar/" + "a" * 5000 + ".ics",
    "/calendar/%C3%A9%C3%A9%C3%A9.ics", "/calendar/" + "%C3%A9" * 43 + ".ics",
    "/calendar/..%2F..%2Fetc%2Fpasswd.ics", "/calendar/../../etc/passwd.ics",
    "/calendar/%00.ics", "/calendar/" + "a" * 42 + "%00.ics", "/calendar/%ED%A0%80.ics",
    "/calendar/%FF%FE.ics", "/calendar/%25.ics", "/calendar/.ics.ics", "/calendar/%0A.ics",
    "/calendar/" + "A" * 43 + ".ics", "/calendar/" + "-" * 43 + ".ics",
])
def test_bad_tokens_get_404_never_500(app, family, path):
    turn_on(family)
    response = app.test_client().get(path)
    assert response.status_code == 404, path


def test_unknown_revoked_and_malformed_tokens_get_the_same_bare_404(app, family):
    revoked = turn_on(family)
    family.post("/reminders/calendar/new-link")
    unknown, _ = tokens.new_token()
    answers = [fetch(app, t) for t in (revoked, unknown, "x" * 43, "nope")]
    assert {(a.status_code, a.data) for a in answers} == {(404, b"Not found.\n")}
    assert all("Set-Cookie" not in a.headers for a in answers)


def test_every_form_needs_its_csrf_token(app, family, db):
    token = turn_on(family)
    for url, data in [("/reminders/calendar", {}), ("/reminders/calendar/new-link", {}),
                      ("/reminders/calendar/names", {"show_child_names": "y"}),
                      ("/reminders/calendar/off", {})]:
        assert family.client.post(url, data=data).status_code == 400, url
        assert family.client.post(url, data={**data, "csrf_token": "forged"}).status_code == 400
    db.expire_all()
    feed = db.get(CalendarFeed, family.user.id)
    assert feed.token_hash == tokens.hash_token(token) and not feed.show_child_names
    assert fetch(app, token).status_code == 200


def test_only_caregivers_manage_a_feed(app, db, client, therapist_client):
    token = csrf_from(therapist_client.get("/account").get_data(as_text=True))
    for url in ("/reminders/calendar", "/reminders/calendar/new-link",
                "/reminders/calendar/names", "/reminders/calendar/off"):
        assert therapist_client.post(url, data={"csrf_token": token}).status_code == 404, url
    assert db.exec(select(CalendarFeed)).all() == []
    assert client.get("/reminders/calendar").headers["Location"].startswith("/login")


def _app_times(reminder: Reminder, start: datetime, end: datetime) -> list[datetime]:
    """The moments the app sends the reminder in [start, end): its own next-occurrence rule,
    one occurrence after another, less the snoozed day."""
    moments, due = [], reminders.next_due(reminder, start - timedelta(microseconds=1))
    while due is not None and due < end:
        if due.astimezone(ZoneInfo(reminder.timezone)).date() != reminder.skip_date:
            moments.append(due)
        due = reminders.next_due(reminder, due)
    return moments


def _calendar_times(calendar: Calendar, uid: str, start: datetime, end: datetime):
    found = recurring_ical_events.of(calendar).between(start, end)
    return sorted(e.start.astimezone(UTC) for e in found if str(e["UID"]).startswith(uid))


@pytest.mark.parametrize(("tz", "at", "created", "start", "end"), [
    # London springs forward on Sunday 28 March 2027; 01:30 does not exist that day.
    ("Europe/London", "07:30", datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC),
     datetime(2027, 4, 26, tzinfo=UTC)),
    ("Europe/London", "01:30", datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 3, 1, tzinfo=UTC),
     datetime(2027, 4, 26, tzinfo=UTC)),
    # New York falls back on Sunday 7 November 2027; 01:30 happens twice that day.
    ("America/New_York", "01:30", datetime(2027, 10, 4, tzinfo=UTC),
     datetime(2027, 10, 4, tzinfo=UTC), datetime(2027, 11, 29, tzinfo=UTC)),
    ("America/New_York", "18:00", datetime(2027, 10, 4, tzinfo=UTC),
     datetime(2027, 10, 4, tzinfo=UTC), datetime(2027, 11, 29, tzinfo=UTC)),
])
def test_the_feed_expands_to_the_apps_own_reminder_times_across_daylight_saving(
        app, family, db, tz, at, created, start, end):
    daily = add_reminder(db, family.user, family.child, created=created, created_at=created,
                         weekdays="1234567", local_time=at, tz=tz)
    weekdays = add_reminder(db, family.user, family.child, created=created, created_at=created,
                            weekdays="12345", local_time=at, tz=tz,
                            ends_on=(start + timedelta(weeks=6)).date())
    sundays = add_reminder(db, family.user, family.child, created=created, created_at=created,
                           weekdays="7", local_time=at, tz=tz,
                           skip_date=(start + timedelta(weeks=2)).date())
    calendar = parsed(app, turn_on(family))
    assert len(calendar.timezones) == (0 if tz == "UTC" else 1)
    for reminder in (daily, weekdays, sundays):
        uid = f"reminder-{reminder.id}@"
        expected = _app_times(reminder, start, end)
        assert _calendar_times(calendar, uid, start, end) == expected, reminder.weekdays
        assert len(expected) >= 5


def test_a_therapists_one_off_reminder_is_one_event_at_its_time(app, family, db):
    therapist = make_therapist(db)
    link(db, therapist, family.child)
    day = therapist_notes.reminder_days(family.child)[2]
    (reminder,) = therapist_notes.schedule_family_reminder(
        db, therapist, family.child, message="Bring the chart on Tuesday", on=day, at="18:00")
    calendar = parsed(app, turn_on(family))
    (event,) = calendar.events
    assert "RRULE" not in event
    assert str(event["SUMMARY"]) == "Reminder from your therapist"
    assert event.start.astimezone(UTC) == reminder.next_due_at
    assert "Bring the chart" not in calendar.to_ical().decode()
    assert str(event["URL"]) == "http://localhost/inbox"


def test_paused_reminders_leave_the_feed(app, family, db):
    reminder = add_reminder(db, family.user, family.child,
                            created=datetime(2027, 3, 1, tzinfo=UTC))
    token = turn_on(family)
    assert len(parsed(app, token).events) == 1
    family.post(f"/reminders/{reminder.id}/pause")
    assert parsed(app, token).events == []


def test_deleting_the_child_or_the_account_from_the_pages_empties_or_ends_the_feed(
        app, family, db):
    add_reminder(db, family.user, family.child, created=datetime(2027, 3, 1, tzinfo=UTC))
    token = turn_on(family, show_child_names="y")
    assert len(parsed(app, token).events) == 1
    family.post(f"/children/{family.child.id}/delete", {"confirm": "yes"})
    assert parsed(app, token).events == []
    response = family.post("/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert fetch(app, token).status_code == 404
    assert db.exec(select(CalendarFeed)).all() == []


def test_the_last_modified_date_is_the_stored_change_time(app, family, db):
    token = turn_on(family)
    response = fetch(app, token)
    db.expire_all()
    stored = db.get(CalendarFeed, family.user.id).changed_at
    assert response.headers["Last-Modified"] == format_datetime(
        stored.replace(microsecond=0), usegmt=True)
    assert calendar_feeds.open_feed(db, token, calendar_feeds.FeedLinks("", "", "localhost"))


def test_changes_within_one_second_still_move_last_modified(db, family):
    token = calendar_feeds.turn_on(db, family.user)
    links = calendar_feeds.FeedLinks("", "", "localhost")
    now = datetime(2027, 3, 1, 12, 0, 0, 100_000, tzinfo=UTC)
    first = calendar_feeds.open_feed(db, token, links, now=now).changed_at
    add_reminder(db, family.user, family.child, created=datetime(2027, 3, 1, tzinfo=UTC))
    second = calendar_feeds.open_feed(db, token, links, now=now + timedelta(
        milliseconds=300)).changed_at
    assert second.replace(microsecond=0) > first.replace(microsecond=0)


def test_a_fetch_costs_the_same_statements_however_many_reminders(app, family, db):
    created = datetime(2027, 3, 1, tzinfo=UTC)
    add_reminder(db, family.user, family.child, created=created)
    token = turn_on(family)
    fetch(app, token)  # the first fetch stores the content's hash
    with counted_statements(app.extensions["db_engine"]) as few:
        assert fetch(app, token).status_code == 200
    second = families.add_child(db, family.user, display_name="Mia")
    for n in range(30):
        add_reminder(db, family.user, (family.child, second)[n % 2], created=created,
                     local_time=f"{6 + n % 12:02d}:{n % 60:02d}", tz=("Europe/London",
                                                                      "America/New_York")[n % 2])
    fetch(app, token)
    with counted_statements(app.extensions["db_engine"]) as many:
        body = fetch(app, token).data
    assert body.count(b"BEGIN:VEVENT") == 31
    assert len(few) == len(many) == 2, "\n".join(many)  # the feed's row, then its reminders
