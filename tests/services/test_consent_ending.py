"""Ending a therapist's link stops what they scheduled for that child, at once and only that."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import AuditEvent, Child, Delivery, InboxMessage, Reminder, User
from graded_exposure.services import (
    claims,
    consent_ending,
    dispatch,
    outbox,
    therapist_links,
    therapist_notes,
)
from tests.factories import DISPATCH_CONFIG, add_reminder, link, make_therapist, person

# A Wednesday noon in London; the therapist's reminders go out on Friday at 18:30.
NOW = datetime(2026, 5, 6, 11, 0, tzinfo=UTC)
FRIDAY = date(2026, 5, 8)
AFTER_DUE = datetime(2026, 5, 8, 17, 31, tzinfo=UTC)  # 18:31 in London (BST)


class Recorder:
    """Stands in for the email and push channels; remembers what it was asked to send."""

    def __init__(self):
        self.messages = []

    def __call__(self, session, config, message):
        self.messages.append(message)


@pytest.fixture
def sent(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr("graded_exposure.channels.email.send_email", recorder)
    monkeypatch.setattr("graded_exposure.channels.push.send_push", recorder)
    return recorder


@pytest.fixture
def tara(db):
    return make_therapist(db)


def schedule(db, therapist, child, message="Log the lift practice", on=FRIDAY, at="18:30",
             now=NOW):
    return therapist_notes.schedule_family_reminder(db, therapist, child, message=message,
                                                    on=on, at=at, now=now)


def sibling(db, child) -> Child:
    other = Child(family_id=child.family_id, display_name="Kim")
    db.add(other)
    db.commit()
    return other


def inbox_titles(db) -> list[str]:
    db.expire_all()
    return sorted(m.body for m in db.exec(select(InboxMessage)))


def audit_subject(db, action="consent_ended") -> str:
    return db.exec(select(AuditEvent.subject).where(AuditEvent.action == action)).one()


@pytest.mark.parametrize("who", ["caregiver", "therapist"])
def test_ending_a_link_stops_that_therapists_reminders_for_that_child_only(db, tara, who):
    parent, sam = person(db)
    kim = sibling(db, sam)
    _, other_child = person(db)
    ended = link(db, tara, sam)
    link(db, tara, kim)
    link(db, tara, other_child)
    schedule(db, tara, sam, message="for Sam")
    schedule(db, tara, kim, message="for Kim")
    schedule(db, tara, other_child, message="for the other family")
    own = add_reminder(db, parent, sam, created=NOW, local_time="18:30", channels=("inbox",))

    therapist_links.end_link(db, ended, parent if who == "caregiver" else tara)

    left = db.exec(select(Reminder.message).where(Reminder.created_by_id == tara.id)).all()
    assert sorted(left) == ["for Kim", "for the other family"]
    assert db.get(Reminder, own.id).active
    assert audit_subject(db).endswith("; stopped 1 reminder, 0 messages")
    dispatch.run_pass(db, DISPATCH_CONFIG, now=AFTER_DUE)
    bodies = inbox_titles(db)
    assert "for Sam" not in bodies
    assert {"for Kim", "for the other family"} <= set(bodies)
    assert sum(1 for m in db.exec(select(InboxMessage)) if m.user_id == parent.id) == 2  # own


def test_every_caregivers_copy_is_stopped(db, tara):
    parent, sam = person(db)
    robin = User(email="robin@example.com", display_name="Robin", password_hash="x",
                 role="caregiver", family_id=parent.family_id)
    db.add(robin)
    db.commit()
    ended = link(db, tara, sam)
    assert len(schedule(db, tara, sam)) == 2
    therapist_links.end_link(db, ended, parent)
    assert db.exec(select(Reminder)).all() == []
    assert audit_subject(db).endswith("; stopped 2 reminders, 0 messages")


def test_what_already_went_out_keeps_its_record_and_its_unsent_email_is_revoked(db, tara, sent):
    parent, sam = person(db)
    ended = link(db, tara, sam)
    [reminder] = schedule(db, tara, sam)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=AFTER_DUE)  # in the inbox; its email still owed

    therapist_links.end_link(db, ended, parent)

    db.expire_all()
    [delivery] = db.exec(select(Delivery)).all()
    assert (delivery.status, delivery.email_state, delivery.outbox_claimed_until) == (
        "sent", consent_ending.REVOKED, None)
    kept = db.get(Reminder, reminder.id)
    assert (kept.active, kept.next_due_at) == (False, None)
    assert inbox_titles(db) == ["Log the lift practice"]  # delivered before the link ended
    assert audit_subject(db).endswith("; stopped 0 reminders, 1 message")  # a one-off, done
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=AFTER_DUE).claimed == 0
    assert sent.messages == []


def test_a_sender_that_claimed_the_email_before_the_link_ended_does_not_send_it(db, tara,
                                                                               sent,
                                                                               monkeypatch):
    parent, sam = person(db)
    ended = link(db, tara, sam)
    schedule(db, tara, sam)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=AFTER_DUE)
    real_claim = claims.claim_outbox

    def claim_then_end(session, **kw):
        batch = real_claim(session, **kw)
        if batch:
            therapist_links.end_link(db, ended, parent)
        return batch

    monkeypatch.setattr(claims, "claim_outbox", claim_then_end)
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=AFTER_DUE)
    assert (counts.claimed, counts.sent) == (1, 0)
    assert sent.messages == []
    db.expire_all()
    assert db.exec(select(Delivery.email_state)).one() == consent_ending.REVOKED


def test_a_reminder_the_dispatcher_claimed_before_the_link_ended_is_not_delivered(db, tara,
                                                                                 monkeypatch):
    parent, sam = person(db)
    ended = link(db, tara, sam)
    schedule(db, tara, sam)
    real_claim = claims.claim_due_reminders

    def claim_then_end(session, **kw):
        batch = real_claim(session, **kw)
        if batch:
            therapist_links.end_link(db, ended, parent)
        return batch

    monkeypatch.setattr(claims, "claim_due_reminders", claim_then_end)
    assert dispatch.run_pass(db, DISPATCH_CONFIG, now=AFTER_DUE).sent == 0
    assert db.exec(select(Delivery)).all() == [] and inbox_titles(db) == []


def test_the_outbox_never_sends_for_a_therapist_without_an_active_link(db, tara, sent):
    # Belt and braces: a delivery owed for a link that ended without its revocation (a
    # dispatcher racing the end on PostgreSQL, or data from before) is revoked, not sent.
    parent, sam = person(db)
    ended = link(db, tara, sam)
    own = add_reminder(db, parent, sam, created=AFTER_DUE - timedelta(hours=1),
                       local_time="18:30", channels=("inbox", "email"))
    schedule(db, tara, sam)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=AFTER_DUE)
    ended.status = "ended"
    db.commit()
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=AFTER_DUE)
    assert (counts.claimed, counts.sent) == (2, 1)
    assert [m.body for m in sent.messages] == [
        db.exec(select(Delivery.body).where(Delivery.reminder_id == own.id)).one()]
    db.expire_all()
    states = dict(db.exec(select(Delivery.reminder_id, Delivery.email_state)).all())
    assert states.pop(own.id) == "sent"
    assert list(states.values()) == [consent_ending.REVOKED]


def test_ending_a_link_twice_or_a_pending_one_stops_nothing_else(db, tara):
    parent, sam = person(db)
    pending = link(db, tara, sam, status="pending")
    therapist_links.end_link(db, pending, parent)
    assert consent_ending.stop_therapist_messages(db, therapist_id=tara.id, child_id=sam.id) \
        == consent_ending.Stopped(0, 0)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "consent_ended")).all() == []


def test_the_state_fits_its_column():
    # PostgreSQL enforces VARCHAR(8): "cancelled" would not fit.
    assert len(consent_ending.REVOKED) <= Delivery.__table__.c.email_state.type.length


def test_reminders_with_an_occurrence_to_come_are_counted_not_done_ones(db, tara):
    parent, sam = person(db)
    ended = link(db, tara, sam)
    schedule(db, tara, sam, on=date(2026, 5, 6), at="13:00")  # today, goes out first
    dispatch.run_pass(db, DISPATCH_CONFIG, now=datetime(2026, 5, 6, 12, 1, tzinfo=UTC))
    schedule(db, tara, sam, now=NOW + timedelta(hours=2))
    therapist_links.end_link(db, ended, parent)
    # Friday's reminder had yet to come; today's went out, and only its email was still owed.
    assert audit_subject(db).endswith("; stopped 1 reminder, 1 message")
