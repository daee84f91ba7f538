"""Deleting for real: a child, a caregiver (and the family with the last one), a therapist."""
import pytest
from sqlalchemy import func, text
from sqlmodel import SQLModel, select

from graded_exposure.errors import DomainError
from graded_exposure.models import (
    AuditEvent,
    Child,
    Family,
    InboxMessage,
    LoginAttempt,
    Practice,
    Reminder,
    TherapistLink,
    TherapistNote,
    User,
)
from graded_exposure.services import (
    account_deletion,
    accounts,
    families,
    therapist_links,
    therapist_notes,
)
from tests.conftest import PASSWORD
from tests.factories import fill_child, link


def _references(db, table_name: str, ids: list[int]) -> dict[str, int]:
    """Count, in every table, the rows whose foreign key points at one of these rows."""
    counts = {}
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == table_name and ids:
                column = fk.parent
                n = db.exec(select(func.count()).select_from(table).where(column.in_(ids))).one()
                if n:
                    counts[f"{table.name}.{column.name}"] = n
    return counts


@pytest.fixture
def tara(db):
    return accounts.register(db, email="tara@example.com", password=PASSWORD,
                             display_name="Tara", role="therapist")


def test_deleting_a_child_removes_its_rows_everywhere(db, family, other_family, tara):
    fill_child(db, family.child, family.user, tara)
    fill_child(db, other_family.child, other_family.user, tara)
    child_id = family.child.id
    others_before = _references(db, "child", [other_family.child.id])
    assert {"practice.child_id", "daycheckin.child_id", "therapistnote.child_id", "ladder.child_id",
            "therapistlink.child_id", "reminder.child_id"} <= _references(db, "child", [child_id]).keys()
    families.delete_child(db, family.user, family.child)
    db.expire_all()
    assert db.get(Child, child_id) is None
    assert _references(db, "child", [child_id]) == {}
    assert db.exec(select(InboxMessage).where(InboxMessage.title.contains("Sam"))).all() == []
    # Nothing of the other family's child went with it.
    assert _references(db, "child", [other_family.child.id]) == others_before
    assert db.exec(select(InboxMessage).where(InboxMessage.title.contains("Other"))).one()


def test_deleting_a_child_takes_inbox_messages_whose_reminder_went_before(db, family):
    """Found from outside: an inbox message about the child outlived its reminder (deleted by
    the family, or pruned when spent), and then the child deleted "for real": it was found
    only through its reminder. Each message names its child now."""
    from datetime import UTC, datetime, timedelta

    from graded_exposure.models import Reminder
    from graded_exposure.services import dispatch, reminders
    from tests.factories import DISPATCH_CONFIG, add_reminder

    now = datetime(2026, 5, 6, 11, 0, tzinfo=UTC)
    reminder = add_reminder(db, family.user, family.child, created=now - timedelta(hours=1),
                            local_time="11:30")
    dispatch.run_pass(db, DISPATCH_CONFIG, now=now)
    [message] = db.exec(select(InboxMessage)).all()
    assert message.child_id == family.child.id and "Sam" in message.title
    reminders.delete(db, db.get(Reminder, reminder.id))  # its past messages stay, unlinked
    db.expire_all()
    assert db.exec(select(InboxMessage)).one().delivery_id is None
    families.delete_child(db, family.user, family.child)
    db.expire_all()
    assert db.exec(select(InboxMessage)).all() == []


def test_the_last_caregiver_takes_the_whole_family_with_them(db, family, other_family, tara):
    second = families.add_child(db, family.user, display_name="Mia")
    for child in (family.child, second):
        fill_child(db, child, family.user, tara)
    fill_child(db, other_family.child, other_family.user, tara)
    family_id, user_id = family.user.family_id, family.user.id
    child_ids = [family.child.id, second.id]
    assert db.exec(select(LoginAttempt).where(LoginAttempt.email == "alex@example.com")).all()
    account_deletion.delete_account(db, family.user, PASSWORD)
    db.expire_all()
    assert db.get(Family, family_id) is None and db.get(User, user_id) is None
    assert _references(db, "child", child_ids) == {}
    assert _references(db, "family", [family_id]) == {}
    assert _references(db, "user", [user_id]) == {}
    assert db.exec(select(LoginAttempt).where(LoginAttempt.email == "alex@example.com")).all() == []
    assert db.exec(select(AuditEvent).where(AuditEvent.family_id == family_id)).all() == []
    # Raw SQL as well: no row anywhere still names the deleted child.
    for table in SQLModel.metadata.sorted_tables:
        if "child_id" in table.c:
            rows = db.exec(text(f"SELECT count(*) FROM \"{table.name}\" WHERE child_id IN "  # noqa: S608
                                f"({child_ids[0]}, {child_ids[1]})")).one()
            assert rows[0] == 0, table.name
    assert db.exec(select(InboxMessage).where(InboxMessage.user_id == user_id)).all() == []
    assert db.get(Child, other_family.child.id) is not None
    assert db.exec(select(Practice).where(Practice.child_id == other_family.child.id)).all()


def test_a_caregiver_leaving_a_shared_family_leaves_the_family_data(app, db, family):
    partner = accounts.register(db, email="pat@example.com", password=PASSWORD,
                                display_name="Pat", role="caregiver")
    partner.family_id = family.user.family_id
    db.commit()
    fill_child(db, family.child, partner)
    account_deletion.delete_account(db, partner, PASSWORD)
    db.expire_all()
    assert db.get(User, partner.id) is None
    assert db.get(Child, family.child.id) is not None
    practices = db.exec(select(Practice)).all()
    assert practices and all(p.logged_by_id is None for p in practices)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "account_deleted",
                                            AuditEvent.family_id == family.user.family_id)).one()


def test_a_deleted_therapist_leaves_anonymous_notes_and_ended_consent_records(db, family, tara):
    fill_child(db, family.child, family.user, tara)
    account_deletion.delete_account(db, tara, PASSWORD)
    db.expire_all()
    assert db.get(User, tara.id) is None
    [link] = db.exec(select(TherapistLink)).all()
    assert link.status == "ended" and link.therapist_id is None and link.ended_at
    assert link.consented_by_id == family.user.id
    [note] = db.exec(select(TherapistNote)).all()
    assert note.author_id is None and note.text == "Practise the gate twice"
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "consent_ended",
                                            AuditEvent.family_id == family.user.family_id)).one()
    assert _references(db, "user", [tara.id]) == {}


def test_a_deleted_therapists_private_session_notes_go_with_the_account(db, family, tara):
    """Found from outside: the therapist's own note on a session ("only you see it") stayed in
    the database, with no author, readable by no one and kept for ever. The session's
    structured record stays, unnamed (what clicked with the child counts for later help)."""
    from datetime import date

    from graded_exposure.models import TherapySession

    db.add(TherapySession(child_id=family.child.id, therapist_id=tara.id, held_on=date(2026, 5, 5),
                          mode="in_person", attendance="attended", engagement=3,
                          note="Mother mentions a hard month", idempotency_key="s" * 32))
    db.commit()
    account_deletion.delete_account(db, tara, PASSWORD)
    db.expire_all()
    [kept] = db.exec(select(TherapySession)).all()
    assert (kept.therapist_id, kept.note, kept.engagement) == (None, "", 3)


def test_a_leaving_caregivers_open_invitations_go_with_them(app, db, family):
    """Found from outside: a caregiver invited a therapist by email (consenting for the child)
    and made a join link, then deleted their account. The therapist still got in, on a consent
    that now named nobody, and a newcomer still joined the family on the link."""
    from datetime import timedelta

    from graded_exposure.errors import TokenInvalid
    from graded_exposure.services import therapist_links

    token = families.create_invite(db, family.user, "", timedelta(days=1))
    jo = families.join_family(db, token, email="jo@example.com", password=PASSWORD,
                              display_name="Jo")
    invitation = therapist_links.invite_by_email(db, jo, family.child, "dr.x@example.com",
                                                 timedelta(days=7))
    join_link = families.create_invite(db, jo, "", timedelta(days=1))
    theirs = families.create_invite(db, family.user, "", timedelta(days=1))
    account_deletion.delete_account(db, jo, PASSWORD)
    with pytest.raises(TokenInvalid):
        therapist_links.live_invite(db, invitation)
    with pytest.raises(TokenInvalid):
        families.live_invite(db, join_link)
    assert families.live_invite(db, theirs)  # the other caregiver's link still works
    db.expire_all()
    [cancelled] = db.exec(select(TherapistLink)).all()
    assert cancelled.status == "ended"


def test_a_deleted_accounts_sign_ins_leave_no_address_behind(app, db, family):
    """Found from outside: a deleted therapist's sign-ins (address and all, in no family's log)
    stayed for ever, seen and exported by no one; a departed caregiver's stayed in the family's
    log with the address they signed in from. The first go; the family's keep no address."""
    from graded_exposure.services import audit

    tara = accounts.register(db, email="tara@example.com", password=PASSWORD,
                             display_name="Tara", role="therapist")
    token = families.create_invite(db, family.user, "", app.config["INVITE_TOKEN_LIFETIME"])
    jo = families.join_family(db, token, email="jo@example.com", password=PASSWORD,
                              display_name="Jo")
    audit.record(db, "login", actor_id=tara.id, ip="203.0.113.77")
    audit.record(db, "login", actor_id=jo.id, family_id=jo.family_id, ip="198.51.100.9")
    audit.record(db, "login", actor_id=family.user.id, family_id=jo.family_id, ip="192.0.2.1")
    db.commit()
    account_deletion.delete_account(db, tara, PASSWORD)
    account_deletion.delete_account(db, db.get(User, jo.id), PASSWORD)
    logins = db.exec(select(AuditEvent.actor_id, AuditEvent.ip).where(
        AuditEvent.action == "login").order_by(AuditEvent.id)).all()
    assert [row.ip for row in logins if row.actor_id is None] == [""]
    assert (family.user.id, "192.0.2.1") in [tuple(row) for row in logins]


def test_a_wrong_password_deletes_nothing(db, family):
    fill_child(db, family.child, family.user)
    before = _references(db, "child", [family.child.id])
    with pytest.raises(DomainError, match="nothing was deleted"):
        account_deletion.delete_account(db, family.user, "not my password")
    db.expire_all()
    assert db.get(User, family.user.id) is not None
    assert _references(db, "child", [family.child.id]) == before


def test_the_summary_says_what_would_go(db, family, tara):
    summary = account_deletion.deletion_summary(db, family.user)
    assert summary.last_caregiver and summary.children == ["Sam"]
    assert account_deletion.deletion_summary(db, tara).role == "therapist"


def test_a_deleted_therapists_scheduled_reminders_stop_with_the_account(db, family, tara):
    other_child = families.add_child(db, family.user, display_name="Kim")
    link(db, tara, family.child)
    link(db, tara, other_child)
    pending = link(db, tara, other_child, status="pending")  # a second, never consented
    therapist_links.end_link(db, pending, family.user)
    days = therapist_notes.reminder_days(family.child)
    for child in (family.child, other_child):
        therapist_notes.schedule_family_reminder(db, tara, child, message="Log it",
                                                 on=days[-1], at="18:30")
    own = families.add_child(db, family.user, display_name="Own")  # the family's own: untouched
    db.add(Reminder(user_id=family.user.id, child_id=own.id, created_by_id=family.user.id,
                    kind="practice", weekdays="1", local_time="07:30", timezone="UTC"))
    db.commit()
    account_deletion.delete_account(db, tara, PASSWORD)
    kinds = db.exec(select(Reminder.kind)).all()
    assert kinds == ["practice"]
    subjects = db.exec(select(AuditEvent.subject).where(
        AuditEvent.action == "consent_ended").order_by(AuditEvent.subject)).all()
    assert len(subjects) == 2
    assert all(s.endswith("therapist deleted their account; stopped 1 reminder, 0 messages")
               for s in subjects)


def test_upgrading_names_the_child_of_every_message_still_linked_to_its_reminder(
        migrated_database):
    from datetime import date

    from alembic import command
    from sqlmodel import Session

    from graded_exposure import schema
    from graded_exposure.db import make_engine
    from graded_exposure.models import Delivery, Reminder
    from tests.factories import person

    engine = make_engine(migrated_database)
    with Session(engine, expire_on_commit=False) as db:
        user, child = person(db)
        reminder = Reminder(user_id=user.id, child_id=child.id, kind="practice", weekdays="1",
                            local_time="07:30",
                            timezone="Europe/London")
        db.add(reminder)
        db.flush()
        delivery = Delivery(reminder_id=reminder.id, local_date=date(2026, 5, 6), status="sent")
        db.add(delivery)
        db.commit()
    command.downgrade(schema.alembic_config(migrated_database), "d4f6a8c0e2b4")
    with engine.begin() as connection:
        for delivery_id in (delivery.id, None):
            connection.execute(text(
                "INSERT INTO inboxmessage (user_id, delivery_id, title, body, link, created_at) "
                "VALUES (:user, :delivery, 'Time for Sam', '', '', CURRENT_TIMESTAMP)"),
                {"user": user.id, "delivery": delivery_id})
    schema.upgrade(migrated_database)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT delivery_id, child_id FROM inboxmessage ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [(delivery.id, child.id), (None, None)]
