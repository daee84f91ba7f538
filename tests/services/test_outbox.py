"""The outbox: pending email and push sent once, after the delivery committed; failures final."""
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.channels import ChannelError
from graded_exposure.models import Delivery, NotificationSettings
from graded_exposure.services import claims, dispatch, outbox
from tests.factories import DISPATCH_CONFIG, add_reminder, local, person
from tests.lookups import deliveries

ALL = ("inbox", "email", "push")


class Recorder:
    """Stands in for a channel's send function and remembers every message it was given."""

    def __init__(self, fail_for: set[str] = frozenset()):
        self.messages, self.fail_for = [], fail_for

    def __call__(self, session, config, message):
        if message.kind in self.fail_for:
            raise ChannelError("mailbox unavailable")
        self.messages.append(message)


@pytest.fixture
def sent(monkeypatch):
    """Replace the email and push channels with recorders."""
    email, push = Recorder(), Recorder()
    monkeypatch.setattr("graded_exposure.channels.email.send_email", email)
    monkeypatch.setattr("graded_exposure.channels.push.send_push", push)
    return email, push


def due_delivery(db, kind="practice", channels=ALL, child_name="Zanzibar", **extra):
    user, child = person(db, child_name=child_name)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10), kind=kind,
                     channels=channels, **extra)
    now = r.next_due_at + timedelta(minutes=1)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=now)
    return user, r, now


def test_pending_email_and_push_go_out_once(db, sent):
    email, push = sent
    user, r, now = due_delivery(db)
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=now)
    assert (counts.claimed, counts.sent, counts.failed) == (1, 2, 0)
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=now + timedelta(minutes=1)).claimed == 0
    assert len(email.messages) == len(push.messages) == 1
    [d] = deliveries(db, r)
    assert (d.email_state, d.push_state, d.outbox_claimed_until) == ("sent", "sent", None)
    assert email.messages[0].user_id == user.id and email.messages[0].title == d.title


@pytest.mark.parametrize("kind", ["practice", "missed_nudge", "weekly_digest", "therapist"])
def test_push_never_carries_the_childs_name(db, sent, kind):
    _, push = sent
    _, _, now = due_delivery(db, kind=kind, message="Zanzibar should try the lift")
    outbox.run_outbox(db, DISPATCH_CONFIG, now=now)
    [message] = push.messages
    assert "Zanzibar" not in message.push_title + message.push_body
    assert "Zanzibar" in message.title + message.body  # the inbox and email do say it


def test_a_channel_error_is_recorded_as_failed_logged_and_not_retried(db, sent, monkeypatch,
                                                                     caplog):
    _, push = sent
    failing = Recorder(fail_for={"practice"})
    monkeypatch.setattr("graded_exposure.channels.email.send_email", failing)
    _, r, now = due_delivery(db)
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=now)
    assert (counts.sent, counts.failed) == (1, 1)
    [d] = deliveries(db, r)
    assert (d.email_state, d.push_state) == ("failed", "sent")
    assert f"Delivery {d.id}: email failed: mailbox unavailable" in caplog.text
    assert len(push.messages) == 1
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=now + timedelta(hours=1)).claimed == 0


def test_an_unexpected_error_in_a_channel_fails_only_that_message(db, sent, monkeypatch):
    email, _ = sent

    def broken(session, config, message):
        raise RuntimeError("bug")

    monkeypatch.setattr("graded_exposure.channels.push.send_push", broken)
    _, r, now = due_delivery(db)
    outbox.run_outbox(db, DISPATCH_CONFIG, now=now)
    [d] = deliveries(db, r)
    assert (d.email_state, d.push_state) == ("sent", "failed")
    assert len(email.messages) == 1


def test_unchosen_channels_are_never_sent(db, sent):
    email, push = sent
    _, _, now = due_delivery(db, channels=("inbox",))
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=now).claimed == 0
    assert email.messages == push.messages == []


def test_nothing_held_back_by_quiet_hours_is_sent_later(db, sent):
    email, push = sent
    user, child = person(db)
    db.add(NotificationSettings(user_id=user.id, quiet_start="07:00", quiet_end="08:00"))
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10), channels=ALL)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    for later in (timedelta(0), timedelta(hours=1)):
        assert outbox.run_outbox(db, DISPATCH_CONFIG, now=r.next_due_at + later).claimed == 0
    assert email.messages == push.messages == []
    assert [(d.email_state, d.push_state) for d in deliveries(db, r)] == [("quiet", "quiet")]


def test_a_leased_delivery_waits_for_its_lease_then_goes_once(db, sent):
    email, push = sent
    _, _, now = due_delivery(db)
    # A process claimed it and died before sending: nothing goes until the lease runs out.
    with db.get_bind().connect() as connection:
        assert len(claims.claim_outbox(connection, now=now,
                                       lease=DISPATCH_CONFIG["REMINDER_LEASE"], limit=10)) == 1
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=now + timedelta(minutes=4)).claimed == 0
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=now + timedelta(minutes=5)).claimed == 1
    assert len(email.messages) == len(push.messages) == 1


def test_pending_messages_older_than_the_grace_window_are_not_sent(db, sent, caplog):
    email, push = sent
    _, _, now = due_delivery(db)
    counts = outbox.run_outbox(db, DISPATCH_CONFIG, now=now + timedelta(hours=3))
    assert (counts.sent, counts.failed) == (0, 2)
    assert email.messages == push.messages == []
    assert "more than the grace window late" in caplog.text


def test_the_outbox_works_through_more_than_one_batch(db, sent):
    email, _ = sent
    user, child = person(db)
    created = local("Europe/London", 2026, 6, 10)
    for _ in range(outbox.OUTBOX_BATCH * 2 + 3):
        add_reminder(db, user, child, created=created, channels=("email",))
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=now)
    assert outbox.pending_count(db) == outbox.OUTBOX_BATCH * 2 + 3
    assert outbox.run_outbox(db, DISPATCH_CONFIG, now=now).sent == outbox.OUTBOX_BATCH * 2 + 3
    assert outbox.pending_count(db) == 0
    assert len({m.title for m in email.messages}) == 1
    assert len(email.messages) == len(db.exec(select(Delivery)).all())



def test_a_sender_whose_lease_was_taken_over_sends_nothing_and_writes_nothing(db, sent,
                                                                            monkeypatch):
    email, push = sent
    _, r, now = due_delivery(db)
    lease = DISPATCH_CONFIG["REMINDER_LEASE"]
    real_claim = claims.claim_outbox
    stale = []

    def claim_then_pause(session, **kw):
        # Sender A claims, then stalls past its lease while sender B takes over and finishes.
        if stale:
            return real_claim(session, **kw)
        stale.extend(real_claim(session, **kw))
        taken_over = outbox.run_outbox(db, DISPATCH_CONFIG, now=now + lease + timedelta(seconds=1))
        assert taken_over.sent == 2
        return stale

    monkeypatch.setattr(claims, "claim_outbox", claim_then_pause)
    resumed = outbox.run_outbox(db, DISPATCH_CONFIG, now=now)
    assert (resumed.claimed, resumed.sent, resumed.failed) == (1, 0, 0)
    assert len(email.messages) == len(push.messages) == 1
    [d] = deliveries(db, r)
    assert (d.email_state, d.push_state, d.outbox_claimed_until) == ("sent", "sent", None)


def test_the_ownership_guard_refuses_a_stale_lease(db, sent):
    _, r, now = due_delivery(db)
    lease = DISPATCH_CONFIG["REMINDER_LEASE"]
    with db.get_bind().connect() as connection:
        [mine] = claims.claim_outbox(connection, now=now, lease=lease, limit=10)
        later = now + lease + timedelta(seconds=1)
        [theirs] = claims.claim_outbox(connection, now=later, lease=lease, limit=10)
        assert theirs.outbox_claimed_until != mine.outbox_claimed_until
        held = mine.outbox_claimed_until
        with claims.locked_write(connection) as writer:
            assert claims.renew_outbox_lease(writer, mine.id, "email_state", held=held,
                                             until=later + lease) is None
            assert not claims.record_outbox_state(writer, mine.id, held=held,
                                                  states={"email_state": "sent"}, release=True)
        # The owner's token works, and a renewal hands out the new token to use next.
        with claims.locked_write(connection) as writer:
            renewed = claims.renew_outbox_lease(writer, theirs.id, "email_state",
                                                held=theirs.outbox_claimed_until,
                                                until=later + lease * 2)
            assert renewed == later + lease * 2
            assert claims.record_outbox_state(writer, theirs.id, held=renewed,
                                              states={"email_state": "sent"}, release=False)
        [d] = deliveries(db, r)
        assert (d.email_state, d.push_state, d.outbox_claimed_until) == ("sent", "pending",
                                                                         renewed)
        # A channel no longer pending (sent, or revoked) is never confirmed for sending again.
        with claims.locked_write(connection) as writer:
            assert claims.renew_outbox_lease(writer, d.id, "email_state", held=renewed,
                                             until=later + lease * 3) is None


def test_a_sender_sends_every_email_of_its_run_through_one_smtp_connection(app, db, smtp):
    user, child = person(db)
    created = local("Europe/London", 2026, 6, 10)
    for _ in range(outbox.OUTBOX_BATCH * 2 + 3):  # across several claimed batches
        add_reminder(db, user, child, created=created, channels=("email",))
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    config = {**app.config, **DISPATCH_CONFIG, "OUTBOX_SENDERS": 1}
    dispatch.run_pass(db, config, now=now)
    assert outbox.run_outbox(db, config, now=now).sent == outbox.OUTBOX_BATCH * 2 + 3
    assert (len(smtp.to(user.email)), smtp.connections) == (outbox.OUTBOX_BATCH * 2 + 3, 1)


def test_several_senders_share_the_work_and_send_each_email_once(app, db, smtp):
    total = outbox.OUTBOX_BATCH * 4 + 3
    user, config, now = _emails_dispatched(app, db, total, senders=4)
    counts = outbox.run_outbox(db, config, now=now)
    assert (counts.claimed, counts.sent, counts.failed) == (total, total, 0)
    bodies = [m.get_body(preferencelist=("plain",)).get_content()
              for m in smtp.to(user.email)]
    assert sorted(next(line for line in b.splitlines() if line.startswith("note "))
                  for b in bodies) == sorted(f"note {n}" for n in range(total))
    assert 1 <= smtp.connections <= 4
    assert outbox.pending_count(db) == 0


def test_a_stop_request_finishes_the_message_in_flight_and_hands_the_rest_back(app, db, smtp):
    total = outbox.OUTBOX_BATCH * 2
    user, config, now = _emails_dispatched(app, db, total, senders=1)
    counts = outbox.run_outbox(db, config, now=now,
                               stop_requested=lambda: len(smtp.messages) >= 3)
    assert (counts.claimed, counts.sent) == (outbox.OUTBOX_BATCH, 3)
    assert outbox.pending_count(db) == total - 3
    db.expire_all()
    assert not db.exec(select(Delivery).where(Delivery.outbox_claimed_until.is_not(None))).all()
    # Handed back, not left on a lease: the next run, even at the same moment, sends the rest.
    assert outbox.run_outbox(db, config, now=now).sent == total - 3
    bodies = [m.get_body(preferencelist=("plain",)).get_content() for m in smtp.to(user.email)]
    assert sorted(next(line for line in b.splitlines() if line.startswith("note "))
                  for b in bodies) == sorted(f"note {n}" for n in range(total))


def _emails_dispatched(app, db, total: int, senders: int):
    """`total` therapist emails ("note 0"..) to one caregiver, dispatched and waiting in the
    outbox; return the user, the config with `senders` outbox senders, and the time."""
    user, child = person(db)
    created = local("Europe/London", 2026, 6, 10)
    for n in range(total):
        add_reminder(db, user, child, created=created, kind="therapist", message=f"note {n}",
                     channels=("email",))
    now = local("Europe/London", 2026, 6, 10, 7, 31)
    config = {**app.config, **DISPATCH_CONFIG, "OUTBOX_SENDERS": senders}
    dispatch.run_pass(db, config, now=now)
    return user, config, now
