"""Two requests writing the same thing at once (a double tap, two phones, two people): each
reads first, one writes first, and the other (read before, written after) must neither get
through a single-use link again nor write over or drop what the first wrote. Each test
interleaves two sessions in that order, on SQLite and PostgreSQL (found by an outside audit)."""
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from graded_exposure.errors import TokenInvalid
from graded_exposure.models import FamilyInvite, User
from graded_exposure.services import accounts, families
from graded_exposure.services.accounts import check_password
from tests.conftest import PASSWORD


def test_an_invitation_used_since_it_was_read_lets_nobody_else_in(app, db, family):
    """Two people open the same link: each reads it unused, one joins first. The other's join
    (read before, written after) is refused and leaves nothing, on PostgreSQL as on SQLite."""
    token = families.create_invite(db, family.user, "", timedelta(days=1))
    invite = families.live_invite(db, token)  # the slower joiner has read it, unused
    db.commit()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as faster:
        families.join_family(faster, token, email="kim@example.com", password=PASSWORD,
                             display_name="Kim")
    sam = accounts.create_account(db, email="sam@example.com", password_hash="x",
                                  display_name="Sam", role="caregiver", timezone="UTC",
                                  family_id=invite.family_id)
    with pytest.raises(TokenInvalid):
        families.use_invite(db, invite, sam)
    db.expire_all()
    assert db.exec(select(User.email).where(User.family_id == family.user.family_id)
                   ).all() == [family.user.email, "kim@example.com"]
    used = db.exec(select(FamilyInvite)).one()
    assert used.used_by_id == db.exec(select(User.id).where(User.email == "kim@example.com")).one()


def test_a_reset_link_tapped_twice_at_once_resets_once(app, db, family, monkeypatch):
    """Found on PostgreSQL from outside: both requests set a password and were told so."""
    sent = []
    accounts.start_password_reset(db, family.user.email, timedelta(hours=1),
                                  lambda _user, token: sent.append(token))
    stale = accounts._live_reset_token(db, sent[0])  # the slower request has read it, unused
    db.commit()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as faster:
        accounts.reset_password(faster, sent[0], "the first new password")
    monkeypatch.setattr(accounts, "_live_reset_token", lambda _session, _token: stale)
    with pytest.raises(TokenInvalid):
        accounts.reset_password(db, sent[0], "the second new password")
    db.expire_all()
    user = db.get(User, family.user.id)
    assert check_password(user.password_hash, "the first new password")


def test_two_unsubscribes_at_once_both_stay(app, db, family):
    """Found on PostgreSQL from outside: two one-click unsubscribes at once (a mail provider's
    and the person's) each read the list, and the later commit wrote over the earlier one."""
    from graded_exposure.services import notification_settings as settings

    settings.opt_out_of_email(db, family.user, "weekly_digest")  # the row exists
    with Session(app.extensions["db_engine"], expire_on_commit=False) as slower:
        user = slower.get(User, family.user.id)
        # The slower request has read the list, and holds it (a session keeps only what is
        # referenced: an object let go would be read afresh, hiding the race).
        read = settings.settings_for(slower, user.id)
        with Session(app.extensions["db_engine"], expire_on_commit=False) as faster:
            settings.opt_out_of_email(faster, faster.get(User, user.id), "practice")
        settings.opt_out_of_email(slower, user, "missed_nudge")
        del read
    db.expire_all()
    assert set(settings.settings_for(db, family.user.id).email_opt_out) == {
        "weekly_digest", "practice", "missed_nudge"}


def test_two_caregivers_first_check_in_of_the_day_at_once_the_later_is_kept(
        app, db, family, monkeypatch):
    """Found on PostgreSQL from outside: both got "saved", and the later one's ratings and
    avoidances were dropped for the winner's row. Saved one after the other, the later
    replaces the earlier; at once, the same."""
    from graded_exposure.models import Child
    from graded_exposure.services import checkins

    day = checkins.today_for(family.child)
    real = checkins._day_row

    def read_then_lose_the_race(session, child, on):
        found = real(session, child, on)  # nothing yet for the day
        monkeypatch.setattr(checkins, "_day_row", real)
        with Session(app.extensions["db_engine"], expire_on_commit=False) as faster:
            checkins.save_checkin(faster, faster.get(Child, child.id),
                                  faster.get(User, family.user.id),
                                  checkins.CheckInInput(day=day, child_distress=2,
                                                        caregiver_distress=2), "key-first")
        return found

    monkeypatch.setattr(checkins, "_day_row", read_then_lose_the_race)
    saved = checkins.save_checkin(db, family.child, family.user, checkins.CheckInInput(
        day=day, child_distress=7, caregiver_distress=6), "key-later")
    db.expire_all()
    stored = checkins.checkin_for_day(db, family.child, day)
    assert (saved.id, stored.child_distress, stored.caregiver_distress,
            stored.idempotency_key) == (stored.id, 7, 6, "key-later")


def test_two_predictions_logged_at_once_leave_one_question(app, db, family):
    """Found on PostgreSQL from outside: two practices with predictions logged at once (two
    caregivers, two phones) each replaced the pending re-rating question before the other
    committed, and two questions waited. The first writer holds its transaction open while the
    second logs; the second must wait for it, then replace its question."""
    import threading

    from graded_exposure.models import Child, Practice, Reminder, Step
    from graded_exposure.services import expectancy, practices
    from tests.factories import current_step, make_ladder

    step = current_step(make_ladder(db, family.child))
    details = practices.PracticeDetails(fear_before=6, fear_after=3, prediction="They laugh",
                                        expected_likelihood=75, prediction_came_true="no")
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as first:
        child, user = first.get(Child, family.child.id), first.get(User, family.user.id)
        _ = child.family.timezone
        practice = Practice(child_id=child.id, step_id=step.id, idempotency_key="first",
                            logged_by_id=user.id, fear_before=6, fear_peak=6, fear_after=3,
                            prediction="They laugh", expected_likelihood=75, outcome="did_it")
        first.add(practice)
        first.flush()
        expectancy.schedule_rerating(first, child, practice, user)  # not yet committed

        def second_writer():
            with Session(engine, expire_on_commit=False) as second:
                practices.log_practice(second, second.get(Child, child.id),
                                       second.get(Step, step.id), second.get(User, user.id),
                                       details, "second")

        other = threading.Thread(target=second_writer)
        other.start()
        other.join(timeout=0.5)
        waited = other.is_alive()  # it must wait for the first writer's transaction
        first.commit()
    other.join(timeout=20)
    assert waited, "the second writer went ahead while the first's question was uncommitted"
    db.expire_all()
    assert len(db.exec(select(Reminder).where(Reminder.kind == "rerate",
                                              Reminder.next_due_at.is_not(None))).all()) == 1


def test_the_last_two_caregivers_agreeing_at_once_start_the_plan(app, db, family):
    """Found from outside (read, then reproduced on PostgreSQL): the last two caregivers to
    agree, at the same moment, each counted the agreements without the other's, and the plan
    stayed a draft with everyone agreed. The first holds its transaction open while the second
    agrees; the second must wait, then see both agreements and start the plan."""
    import threading
    from datetime import date

    from graded_exposure.models import AccommodationPlan, Child
    from graded_exposure.services import accommodation_plans as plans

    others = [accounts.create_account(db, email=f"{name}@example.com", password_hash="x",
                                      display_name=name, role="caregiver", timezone="UTC",
                                      family_id=family.user.family_id) for name in ("kim", "sam")]
    db.commit()
    plan = plans.create_plan(db, family.child, family.user, plans.PlanInput(
        target="Speaking for Sam", instead="We let Sam answer", starts_on=date.today(),
        acceptance="I know it is hard", confidence="I know you can do it",
        if_upset="We stay close"), date.today())
    engine = app.extensions["db_engine"]

    def agree(session: Session, name_index: int) -> None:
        plans.agree(session, session.get(Child, family.child.id),
                    session.get(AccommodationPlan, plan.id),
                    session.get(User, others[name_index].id))

    with Session(engine, expire_on_commit=False) as first:
        first.commit = lambda: None  # agreed, not yet committed
        agree(first, 0)

        def second_writer():
            with Session(engine, expire_on_commit=False) as second:
                agree(second, 1)

        other = threading.Thread(target=second_writer)
        other.start()
        other.join(timeout=0.5)
        waited = other.is_alive()
        Session.commit(first)
    other.join(timeout=20)
    db.expire_all()
    assert db.get(AccommodationPlan, plan.id).status == "active"
    assert waited, "the second caregiver's agreement went ahead of the first's commit"


def test_a_time_zone_change_and_a_replaced_question_at_once_both_go_through(app, db, family):
    """Found on PostgreSQL under load (four workers): a practice replacing the child's pending
    re-rating question took the child's lock, then deleted the question; a time-zone change
    updated the family's reminders, the question included, then took the child's lock to
    rebuild the summary. Opposite orders: a deadlock (a 500, the practice lost), or the time
    zone's UPDATE found the question gone (StaleDataError, a 500). The practice's writer holds
    its transaction open while the time zone changes; the change must wait, then go through."""
    import threading

    from graded_exposure.models import Child, Family, Reminder
    from graded_exposure.services import expectancy, practices
    from tests.factories import current_step, make_ladder

    step = current_step(make_ladder(db, family.child))
    practices.log_practice(db, family.child, step, family.user, practices.PracticeDetails(
        fear_before=6, fear_after=3, prediction="They laugh", expected_likelihood=75,
        prediction_came_true="no"), "with-a-question")
    assert db.exec(select(Reminder).where(Reminder.kind == "rerate")).one()
    engine = app.extensions["db_engine"]
    failed = []

    def change_zone():
        with Session(engine, expire_on_commit=False) as other:
            try:
                families.set_timezone(other, other.get(Family, family.user.family_id),
                                      "Europe/Paris")
            except Exception as e:
                failed.append(e)

    with Session(engine, expire_on_commit=False) as first:
        expectancy._drop_pending(first, family.child.id)  # the practice's writer, uncommitted
        zone = threading.Thread(target=change_zone)
        zone.start()
        zone.join(timeout=0.5)
        first.commit()
    zone.join(timeout=20)
    assert not zone.is_alive() and failed == []
    db.expire_all()
    assert db.get(Family, family.user.family_id).timezone == "Europe/Paris"
    assert db.exec(select(Reminder).where(Reminder.kind == "rerate")).all() == []
    assert all(r.timezone == "Europe/Paris" for r in db.exec(select(Reminder)))
    assert db.get(Child, family.child.id) is not None
