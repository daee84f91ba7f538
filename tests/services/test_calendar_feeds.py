"""The calendar feed as a service: its secret link (stored hashed), what it lists and for whom,
what deleting takes with it, and when its content counts as changed."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from graded_exposure.errors import DomainError, NotAllowed
from graded_exposure.models import AuditEvent, CalendarFeed, Family, User
from graded_exposure.services import (
    account_deletion,
    accounts,
    calendar_feeds,
    consent_ending,
    families,
    reminders,
    therapist_notes,
    tokens,
)
from tests.conftest import PASSWORD
from tests.factories import add_reminder, link, make_therapist, person

LINKS = calendar_feeds.FeedLinks(practice="http://localhost/",
                                 therapist="http://localhost/inbox", uid_host="localhost")
CREATED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday


def _reminder(db, user, child, **fields):
    return add_reminder(db, user, child, created=CREATED, created_at=CREATED, **fields)


def _partner(db, user: User) -> User:
    partner = User(email=f"partner{user.id}@example.com", display_name="Pat", password_hash="x",
                   role="caregiver", family_id=user.family_id)
    db.add(partner)
    db.commit()
    return partner


def _uids(db, token: str, now: datetime | None = CREATED) -> list[str]:
    """The feed's event ids as at `now` (CREATED by default; None for the real clock)."""
    found = calendar_feeds.open_feed(db, token, LINKS, now)
    assert found is not None
    return [e.uid for e in found.events]


def _uid(reminder) -> str:
    return f"reminder-{reminder.id}@localhost"


def test_the_token_is_not_stored_in_clear(db):
    user, _child = person(db)
    token = calendar_feeds.turn_on(db, user)
    assert len(token) >= 43  # 32 random bytes
    row = db.get(CalendarFeed, user.id)
    assert row.token_hash == tokens.hash_token(token) != token
    # No column of any row of any table holds the token, or contains it.
    checked = 0
    for table in SQLModel.metadata.sorted_tables:
        for stored in db.connection().execute(table.select()).all():
            assert not any(token in str(value) for value in stored), table.name
            checked += 1
    assert checked >= 4  # the family, the user, the child, the feed


def test_a_new_link_stops_the_old_one_at_once(db):
    user, _child = person(db)
    old = calendar_feeds.turn_on(db, user)
    new = calendar_feeds.new_link(db, user)
    assert new != old
    assert calendar_feeds.open_feed(db, old, LINKS) is None
    assert calendar_feeds.open_feed(db, new, LINKS) is not None
    # Turning it on again while on is a new link too (a double tap): the newest one works.
    newest = calendar_feeds.turn_on(db, user)
    assert calendar_feeds.open_feed(db, new, LINKS) is None
    assert calendar_feeds.open_feed(db, newest, LINKS) is not None


def test_turning_off_revokes_and_is_idempotent(db):
    user, _child = person(db)
    token = calendar_feeds.turn_on(db, user)
    calendar_feeds.turn_off(db, user)
    calendar_feeds.turn_off(db, user)
    assert calendar_feeds.open_feed(db, token, LINKS) is None
    assert db.exec(select(CalendarFeed)).all() == []
    with pytest.raises(DomainError):
        calendar_feeds.new_link(db, user)
    with pytest.raises(DomainError):
        calendar_feeds.show_child_names(db, user, True)


def test_only_a_caregiver_in_a_family_has_a_feed(db):
    with pytest.raises(NotAllowed):
        calendar_feeds.turn_on(db, make_therapist(db))
    assert db.exec(select(CalendarFeed)).all() == []


@pytest.mark.parametrize("token", [
    "", "a", "x" * 42, "x" * 10_000, "é" * 43, "../../etc/passwd" + "a" * 40,
    "a" * 20 + "/" + "a" * 22, "a" * 42 + "\x00", "a" * 42 + "\udc80", "%2e%2e%2f" * 6,
])
def test_malformed_tokens_find_nothing(db, token):
    user, _child = person(db)
    calendar_feeds.turn_on(db, user)
    assert calendar_feeds.open_feed(db, token, LINKS) is None


def test_a_well_formed_unknown_token_finds_nothing(db):
    user, _child = person(db)
    calendar_feeds.turn_on(db, user)
    unknown, _hash = tokens.new_token()
    assert calendar_feeds.open_feed(db, unknown, LINKS) is None


def test_what_the_feed_lists(db):
    user, child = person(db)
    partner = _partner(db, user)
    other_user, other_child = person(db, child_name="Other")
    own = _reminder(db, user, child, weekdays="12345", local_time="07:30")
    partners_own_time = _reminder(db, partner, child, weekdays="67", local_time="09:00")
    _reminder(db, partner, child, weekdays="12345", local_time="07:30")  # the same as `own`
    own_from_therapist = _reminder(db, user, child, kind="therapist", weekdays="4",
                                   ends_on=date(2027, 3, 4), message="Secret words")
    _reminder(db, partner, child, kind="therapist", weekdays="4", ends_on=date(2027, 3, 4))
    _reminder(db, user, child, kind="missed_nudge", local_time="19:30")
    _reminder(db, user, child, kind="weekly_digest", weekdays="7", local_time="18:00")
    _reminder(db, user, child, weekdays="3", local_time="16:00", active=False)  # paused
    _reminder(db, other_user, other_child, weekdays="12345", local_time="07:30")
    token = calendar_feeds.turn_on(db, user)
    assert sorted(_uids(db, token)) == sorted(
        _uid(r) for r in (own, partners_own_time, own_from_therapist))
    # The partner's feed shows the shared schedule once, as the partner's own reminder.
    partners = _uids(db, calendar_feeds.turn_on(db, partner))
    assert _uid(own) not in partners and len(partners) == 3


def test_a_reminder_over_for_a_week_leaves_the_feed(db):
    # A therapist's one-offs (and re-rating questions, boosters) would stay in it for years.
    user, child = person(db)
    thursday = _reminder(db, user, child, kind="therapist", weekdays="4",
                         ends_on=date(2027, 3, 4))
    weekly = _reminder(db, user, child, weekdays="1", local_time="07:30")
    token = calendar_feeds.turn_on(db, user)
    week_on = datetime(2027, 3, 11, 23, 0, tzinfo=UTC)
    assert sorted(_uids(db, token, week_on)) == sorted([_uid(thursday), _uid(weekly)])
    assert _uids(db, token, week_on + timedelta(days=1)) == [_uid(weekly)]


def test_events_name_the_child_only_when_chosen_and_never_carry_a_therapists_words(db):
    user, child = person(db, child_name="Sam")
    _reminder(db, user, child)
    _reminder(db, user, child, kind="therapist", weekdays="4", ends_on=date(2027, 3, 4),
              message="Secret words about Sam")
    token = calendar_feeds.turn_on(db, user)
    hidden = calendar_feeds.open_feed(db, token, LINKS, CREATED).events
    assert {e.summary for e in hidden} == {"Practice time", "Reminder from your therapist"}
    assert not any("Sam" in repr(e) or "Secret" in repr(e) for e in hidden)
    calendar_feeds.show_child_names(db, user, True)
    shown = calendar_feeds.open_feed(db, token, LINKS, CREATED).events
    assert {e.summary for e in shown} == {"Practice time: Sam",
                                          "Reminder from your therapist: Sam"}
    assert not any("Secret" in repr(e) for e in shown)


def test_the_schedule_is_the_reminders_own(db):
    user, child = person(db)
    reminder = _reminder(db, user, child, weekdays="135", local_time="18:15",
                         tz="America/New_York", ends_on=date(2027, 6, 30))
    reminders.snooze(db, reminder)
    (event,) = calendar_feeds.open_feed(db, calendar_feeds.turn_on(db, user), LINKS).events
    assert (event.weekdays, event.local_time, event.timezone) == ("135", "18:15",
                                                                  "America/New_York")
    assert event.first_day == date(2027, 3, 1)  # the first occurrence after it was made
    assert (event.ends_on, event.skip_date) == (date(2027, 6, 30), reminder.skip_date)


def test_deleting_the_child_empties_the_feed(db, family):
    _reminder(db, family.user, family.child)
    token = calendar_feeds.turn_on(db, family.user)
    assert _uids(db, token)
    families.delete_child(db, family.user, family.child)
    assert _uids(db, token) == []


def test_deleting_the_account_ends_the_feed(db, family):
    _reminder(db, family.user, family.child)
    partner = accounts.register(db, email="pat@example.com", password=PASSWORD,
                                display_name="Pat", role="caregiver")
    partner.family_id = family.user.family_id
    db.commit()
    token = calendar_feeds.turn_on(db, partner)
    assert _uids(db, token)
    account_deletion.delete_account(db, partner, PASSWORD)
    assert calendar_feeds.open_feed(db, token, LINKS) is None
    assert db.exec(select(CalendarFeed)).all() == []


def test_the_feed_follows_the_caregivers_family(db):
    user, child = person(db)
    partner = _partner(db, user)
    _reminder(db, user, child)
    token = calendar_feeds.turn_on(db, partner)
    assert len(_uids(db, token)) == 1
    # Out of the family (no form does this yet; the feed must not depend on one): nothing.
    partner.family_id = None
    db.commit()
    assert calendar_feeds.open_feed(db, token, LINKS) is None
    # Into another family: only that family's reminders.
    other_user, other_child = person(db, child_name="Other")
    theirs = _reminder(db, other_user, other_child)
    partner.family_id = other_user.family_id
    db.commit()
    assert _uids(db, token) == [_uid(theirs)]


def test_a_caregiver_moving_to_another_family_by_invitation_sees_only_that_family(db):
    user, child = person(db)
    _reminder(db, user, child)
    mover = User(email="mover@example.com", display_name="Mo", password_hash="x",
                 role="caregiver", family=Family())
    db.add(mover)
    db.commit()
    token = calendar_feeds.turn_on(db, mover)
    assert _uids(db, token) == []
    invite = families.create_invite(db, user, "mover@example.com", timedelta(days=1))
    families.accept_invite(db, invite, mover)
    assert len(_uids(db, token)) == 1


def test_ending_consent_takes_the_therapists_reminders_out(db, family):
    therapist = make_therapist(db)
    link(db, therapist, family.child)
    tomorrow = therapist_notes.reminder_days(family.child)[1]
    therapist_notes.schedule_family_reminder(db, therapist, family.child, message="Log it",
                                             on=tomorrow, at="18:00")
    token = calendar_feeds.turn_on(db, family.user)
    assert len(_uids(db, token, now=None)) == 1
    consent_ending.stop_therapist_messages(db, therapist_id=therapist.id,
                                           child_id=family.child.id)
    db.commit()
    assert _uids(db, token, now=None) == []


def test_changed_at_moves_only_when_the_events_change(db):
    user, child = person(db)
    reminder = _reminder(db, user, child)
    token = calendar_feeds.turn_on(db, user)
    t1, t2, t3, t4 = (CREATED + timedelta(hours=h) for h in (1, 2, 3, 4))
    assert calendar_feeds.open_feed(db, token, LINKS, now=t1).changed_at == t1
    assert calendar_feeds.open_feed(db, token, LINKS, now=t2).changed_at == t1
    reminders.snooze(db, reminder)
    assert calendar_feeds.open_feed(db, token, LINKS, now=t3).changed_at == t3
    calendar_feeds.show_child_names(db, user, True)
    assert calendar_feeds.open_feed(db, token, LINKS, now=t4).changed_at == t4
    # Stored, so every worker and every later fetch agrees.
    db.expire_all()
    assert db.get(CalendarFeed, user.id).changed_at == t4


def test_turning_on_changing_and_off_are_audited_without_the_token(db):
    user, _child = person(db)
    token = calendar_feeds.turn_on(db, user, ip="203.0.113.9")
    second = calendar_feeds.new_link(db, user)
    calendar_feeds.show_child_names(db, user, True)
    calendar_feeds.show_child_names(db, user, True)  # no change, no event
    calendar_feeds.turn_off(db, user)
    events = db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["calendar_feed_on", "calendar_feed_new_link",
                                          "calendar_feed_names_shown", "calendar_feed_off"]
    assert {e.family_id for e in events} == {user.family_id}
    assert events[0].ip == "203.0.113.9"
    dump = db.exec(text("SELECT * FROM auditevent")).all()
    assert not any(token in str(row) or second in str(row) for row in dump)
