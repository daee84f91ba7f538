"""The daily prune: rows just inside each limit stay, rows just outside go, in bounded chunks."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import (
    Child,
    Delivery,
    Family,
    FamilyInvite,
    InboxMessage,
    LoginAttempt,
    PasswordResetToken,
    PendingRegistration,
    Reminder,
    SentMail,
    TherapistLink,
    User,
    UserSession,
)
from graded_exposure.services import retention
from graded_exposure.vocabulary import ChannelState, DeliveryStatus, LinkStatus, Role

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
CONFIG = {"SESSION_IDLE_TIMEOUT": timedelta(days=7),
          "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
          "MAIL_LIMIT_WINDOW": timedelta(minutes=60),
          "REMINDER_PAYLOAD_RETENTION": timedelta(days=30)}


def _added(db, *rows):
    db.add_all(rows)
    db.commit()
    return rows


def _remaining(db, model, attribute="id"):
    db.expire_all()
    return set(db.exec(select(getattr(model, attribute))).all())


@pytest.fixture
def people(db):
    """A caregiver with a family and a child, and a therapist."""
    family = Family()
    parent = User(email="p@example.com", display_name="P", password_hash="x",
                  role=Role.CAREGIVER, family=family)
    therapist = User(email="t@example.com", display_name="T", password_hash="x",
                     role=Role.THERAPIST)
    child = Child(family=family, display_name="Sam")
    _added(db, family, parent, therapist, child)
    return parent, therapist, child


def test_login_attempts_go_after_30_days(db):
    _added(db, *(LoginAttempt(email=f"{n}@x", ip="1.2.3.4", at=NOW - timedelta(days=30) + d)
                 for n, d in (("inside", MINUTE), ("outside", -MINUTE))))
    assert retention.prune_login_attempts(db, NOW) == 1
    assert _remaining(db, LoginAttempt, "email") == {"inside@x"}


def test_login_sessions_go_once_idle_or_past_their_lifetime(db, people):
    parent = people[0]
    idle, life = CONFIG["SESSION_IDLE_TIMEOUT"], CONFIG["PERMANENT_SESSION_LIFETIME"]
    recent = NOW - timedelta(hours=1)
    _added(db,
           UserSession(id="idle-inside", user_id=parent.id, created_at=NOW - idle,
                       last_seen_at=NOW - idle + MINUTE),
           UserSession(id="idle-outside", user_id=parent.id, created_at=NOW - idle,
                       last_seen_at=NOW - idle - MINUTE),
           UserSession(id="life-inside", user_id=parent.id, created_at=NOW - life + MINUTE,
                       last_seen_at=recent),
           UserSession(id="life-outside", user_id=parent.id, created_at=NOW - life - MINUTE,
                       last_seen_at=recent))
    assert retention.prune_login_sessions(db, NOW, idle_timeout=idle, lifetime=life) == 2
    assert _remaining(db, UserSession) == {"idle-inside", "life-inside"}


def test_reset_tokens_go_once_used_or_expired(db, people):
    parent = people[0]
    _added(db,
           PasswordResetToken(user_id=parent.id, token_hash="live", expires_at=NOW + MINUTE),
           PasswordResetToken(user_id=parent.id, token_hash="expired", expires_at=NOW - MINUTE),
           PasswordResetToken(user_id=parent.id, token_hash="used", expires_at=NOW + MINUTE,
                              used_at=NOW - MINUTE))
    assert retention.prune_reset_tokens(db, NOW) == 2
    assert _remaining(db, PasswordResetToken, "token_hash") == {"live"}


def test_family_invites_go_once_used_or_expired(db, people):
    parent = people[0]
    _added(db,
           FamilyInvite(family_id=parent.family_id, token_hash="live", expires_at=NOW + MINUTE),
           FamilyInvite(family_id=parent.family_id, token_hash="expired",
                        expires_at=NOW - MINUTE),
           FamilyInvite(family_id=parent.family_id, token_hash="used", expires_at=NOW + MINUTE,
                        used_at=NOW - MINUTE, used_by_id=parent.id))
    assert retention.prune_family_invites(db, NOW) == 2
    assert _remaining(db, FamilyInvite, "token_hash") == {"live"}


def test_sign_ups_go_once_their_link_expired(db):
    _added(db, *(PendingRegistration(email=f"{name}@x", display_name="N", role=Role.CAREGIVER,
                                     password_hash="x", token_hash=name, expires_at=NOW + d)
                 for name, d in (("live", MINUTE), ("expired", -MINUTE))))
    assert retention.prune_pending_registrations(db, NOW) == 1
    assert _remaining(db, PendingRegistration, "token_hash") == {"live"}


def test_only_unused_expired_codes_go_never_a_consent_record(db, people):
    parent, therapist, child = people
    code = {"therapist_id": therapist.id, "created_by_id": therapist.id}
    consent = {"child_id": child.id, "consented_by_id": parent.id, "consented_at": NOW}
    _added(db,
           TherapistLink(code_hash="code-expired", expires_at=NOW - MINUTE, **code),
           TherapistLink(code_hash="code-live", expires_at=NOW + MINUTE, **code),
           # An email invitation carries the caregiver's consent, even unaccepted.
           TherapistLink(code_hash="invite-expired", invited_email="t@example.com",
                         expires_at=NOW - MINUTE, **consent),
           TherapistLink(code_hash="active", status=LinkStatus.ACTIVE,
                         expires_at=NOW - MINUTE, **code, **consent),
           TherapistLink(code_hash="ended", status=LinkStatus.ENDED, expires_at=NOW - MINUTE,
                         ended_at=NOW, **code, **consent),
           TherapistLink(code_hash="code-cancelled", status=LinkStatus.ENDED,
                         expires_at=NOW - MINUTE, ended_at=NOW, **code))
    assert retention.prune_link_codes(db, NOW) == 1
    assert _remaining(db, TherapistLink, "code_hash") == {
        "code-live", "invite-expired", "active", "ended", "code-cancelled"}


@pytest.mark.parametrize(("window", "kept_for"), [
    (timedelta(minutes=60), timedelta(days=1)),  # never less than a day
    (timedelta(days=3), timedelta(days=3)),
])
def test_the_mail_ledger_goes_after_its_window_and_a_day_at_least(db, window, kept_for):
    _added(db, *(SentMail(kind="reset", recipient_hash=name, at=NOW - kept_for + d)
                 for name, d in (("inside", MINUTE), ("outside", -MINUTE))))
    assert retention.prune_sent_mail(db, NOW, window) == 1
    assert _remaining(db, SentMail, "recipient_hash") == {"inside"}


def _delivery(db, reminder, day, *, age, email=ChannelState.SENT, push=ChannelState.NOT_WANTED):
    delivery = Delivery(reminder_id=reminder.id, local_date=day, status=DeliveryStatus.SENT,
                        created_at=NOW - age, email_state=email, push_state=push,
                        title="Practice time", body="Sam's step", link="/children/1")
    _added(db, delivery)
    return delivery


def test_sent_reminder_text_is_blanked_after_retention_and_the_rows_stay(db, people):
    parent, _, child = people
    [reminder] = _added(db, Reminder(user_id=parent.id, child_id=child.id, kind="practice",
                                     weekdays="1234567", local_time="07:30", timezone="UTC"))
    keep = timedelta(days=30)
    old = _delivery(db, reminder, date(2026, 4, 1), age=keep + MINUTE,
                    push=ChannelState.FAILED)
    recent = _delivery(db, reminder, date(2026, 4, 2), age=keep - MINUTE)
    owing = _delivery(db, reminder, date(2026, 4, 3), age=keep + MINUTE,
                      push=ChannelState.PENDING)
    _added(db, InboxMessage(user_id=parent.id, delivery_id=old.id, title="Practice time",
                            body="Sam's step"))
    assert retention.blank_delivered_payloads(db, NOW, keep) == 1
    db.expire_all()
    texts = {d.id: (d.title, d.body, d.link) for d in db.exec(select(Delivery))}
    assert texts == {old.id: ("", "", ""),
                     recent.id: ("Practice time", "Sam's step", "/children/1"),
                     owing.id: ("Practice time", "Sam's step", "/children/1")}
    assert db.exec(select(InboxMessage.body)).one() == "Sam's step"
    assert retention.blank_delivered_payloads(db, NOW, keep) == 0  # nothing left to blank


def test_reminders_over_a_month_past_their_last_day_go_with_their_deliveries(db, people):
    # One-offs (a therapist's, a re-rating question, a booster) and reminders given an end
    # stopped showing a week after their last day (reminders.ENDED_SHOWN) but stayed for good:
    # a hundred or more a year for a family. Their deliveries go too; inbox messages stay.
    parent, _, child = people
    today = NOW.date()

    def reminder(ends_on, kind="rerate"):
        return Reminder(user_id=parent.id, child_id=child.id, kind=kind, weekdays="1234567",
                        local_time="07:30", timezone="UTC", starts_on=ends_on, ends_on=ends_on)

    gone, kept, endless, owing = _added(
        db, reminder(today - timedelta(days=31)), reminder(today - timedelta(days=29)),
        reminder(None, kind="practice"), reminder(today - timedelta(days=90), kind="therapist"))
    sent = _delivery(db, gone, gone.ends_on, age=timedelta(days=31))
    _delivery(db, owing, owing.ends_on, age=timedelta(days=90), email=ChannelState.PENDING)
    _added(db, InboxMessage(user_id=parent.id, delivery_id=sent.id, title="How likely now?"))
    assert retention.prune_spent_reminders(db, NOW) == 1
    assert _remaining(db, Reminder) == {kept.id, endless.id, owing.id}
    assert _remaining(db, Delivery, "reminder_id") == {owing.id}
    assert db.exec(select(InboxMessage.title)).one() == "How likely now?"
    assert retention.prune(db, CONFIG, NOW)["spent_reminders"] == 0  # in the daily prune


def test_work_per_pass_is_bounded_and_the_next_pass_carries_on(db, monkeypatch):
    monkeypatch.setattr(retention, "CHUNK", 2)
    monkeypatch.setattr(retention, "MAX_CHUNKS", 2)
    _added(db, *(LoginAttempt(email=f"{n}@x", ip="ip", at=NOW - timedelta(days=40))
                 for n in range(5)))
    assert retention.prune_if_due(db, CONFIG, NOW)["login_attempts"] == 4
    # The limit was reached, so the prune is not done: the next minute's pass goes on.
    assert retention.prune_if_due(db, CONFIG, NOW + MINUTE)["login_attempts"] == 1
    assert retention.prune_if_due(db, CONFIG, NOW + 2 * MINUTE) is None
    assert _remaining(db, LoginAttempt) == set()


def test_a_complete_prune_runs_again_only_a_day_later(db):
    assert retention.prune_if_due(db, CONFIG, NOW) is not None
    assert retention.prune_if_due(db, CONFIG, NOW + timedelta(hours=23, minutes=59)) is None
    assert retention.prune_if_due(db, CONFIG, NOW + timedelta(days=1)) is not None


def test_a_prune_someone_else_holds_is_left_to_them(db):
    lease = timedelta(minutes=5)
    assert retention._claim(db, NOW, lease) is not None  # another process, still pruning
    assert retention.prune_if_due(db, CONFIG, NOW + MINUTE) is None
    # Its lease ran out (the process died): the prune is due again and this one takes it.
    assert retention.prune_if_due(db, CONFIG, NOW + lease) is not None
