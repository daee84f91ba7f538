"""Ids kept outside foreign keys must not come to name someone else. SQLite hands a deleted
table's highest id out again (no AUTOINCREMENT), so an id kept in text, a JSON list or a
signed link can point at a stranger's row later. Found from outside (a data-lifecycle audit);
on PostgreSQL ids are never reused and these hold trivially."""
from datetime import UTC, datetime

from sqlmodel import select

from graded_exposure.models import NotificationSettings, Reminder, User
from graded_exposure.services import account_deletion, accounts, boosters, notification_settings
from tests.conftest import PASSWORD, Therapist, link_by_code
from tests.factories import finished_ladder, person

DONE = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
NOW = datetime(2026, 10, 21, 9, 0, tzinfo=UTC)


def test_the_audit_log_never_names_a_later_account_with_a_former_therapists_id(
        app, db, family):
    tara = Therapist(app, db)
    link_by_code(family, tara)
    assert "Tara" in family.client.get("/family/audit").get_data(as_text=True)
    assert tara.post("/account/delete", {"password": PASSWORD, "understood": "y"}
                     ).status_code == 303
    db.expunge_all()  # the deleted therapist's object, whose id is about to be given again
    accounts.register(db, email="mallory@example.org", password=PASSWORD,
                      display_name="Mallory Stranger", role="caregiver")
    page = family.client.get("/family/audit").get_data(as_text=True)
    assert "Mallory Stranger" not in page
    assert "a former therapist" in page


def test_stopping_boosters_deletes_only_this_childs_reminders(db):
    first, first_child = person(db, child_name="Ana")
    second = User(email="a2@example.com", display_name="A2", role="caregiver",
                  password_hash=accounts.hash_password(PASSWORD), family_id=first_child.family_id)
    db.add(second)
    db.commit()
    ladder = finished_ladder(db, first_child, mastered_at=DONE, goal="Lifts")
    boosters.accept(db, ladder, first, "18:00", now=NOW)
    # The second caregiver leaves: their booster reminders go, their ids free to be reused.
    account_deletion.delete_account(db, db.get(User, second.id), PASSWORD)
    other, other_child = person(db, child_name="Bea")
    theirs = boosters.accept(db, finished_ladder(db, other_child, mastered_at=DONE,
                                                 goal="Shops"), other, "18:00", now=NOW)
    db.expire_all()
    boosters.cancel(db, db.get(type(ladder), ladder.id))
    db.expire_all()
    assert sorted(db.exec(select(Reminder.id).where(Reminder.user_id == other.id)).all()
                  ) == sorted(theirs.reminder_ids)


def test_a_deleted_accounts_unsubscribe_link_does_nothing_to_a_later_account(app, db):
    old = accounts.register(db, email="old@example.com", password=PASSWORD, display_name="Old",
                            role="caregiver")
    token = notification_settings.unsubscribe_token(app.config["SECRET_KEY"], old.id, "practice",
                                                   old.email)
    account_deletion.delete_account(db, old, PASSWORD)
    new = accounts.register(db, email="new@example.com", password=PASSWORD, display_name="New",
                            role="caregiver")
    response = app.test_client().post(f"/unsubscribe/{token}")
    assert response.status_code == 404
    db.expire_all()
    settings = db.get(NotificationSettings, new.id)
    assert settings is None or settings.email_opt_out == []
