"""Boosters after a finished ladder: the offer, the plan's dated reminders, cancelling, and what
a booster reminder says."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import BoosterPlan, Reminder, User
from graded_exposure.services import boosters, dispatch, ladders, reminder_content, steps
from tests.factories import DISPATCH_CONFIG, finished_ladder, make_ladder, person
from tests.lookups import inbox

# The top step was mastered on Tuesday 20 October 2026 (BST); London leaves summer time on the
# 25th, so every booster after it is at 18:00 GMT.
DONE = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)
NOW = datetime(2026, 10, 21, 9, 0, tzinfo=UTC)
DAYS = [date(2026, 10, 27), date(2026, 11, 3), date(2026, 11, 17), date(2026, 12, 15)]


@pytest.fixture
def family_ladder(db):
    user, child = person(db, child_name="Zara")
    partner = User(email="partner@example.com", display_name="Sam", password_hash="x",
                   role="caregiver", family_id=child.family_id)
    db.add(partner)
    db.commit()
    return user, partner, finished_ladder(db, child, mastered_at=DONE, goal="Lifts")


def _reminders(db):
    db.expire_all()
    return db.exec(select(Reminder).where(Reminder.kind == "booster")
                   .order_by(Reminder.user_id, Reminder.starts_on)).all()


def test_accepting_adds_four_dated_boosters_for_every_caregiver(db, family_ladder):
    user, partner, ladder = family_ladder
    plan = boosters.accept(db, ladder, user, "18:00", now=NOW)
    found = _reminders(db)
    assert [(r.user_id, r.starts_on) for r in found] == [
        (u.id, day) for u in (user, partner) for day in DAYS]
    assert {r.next_due_at.time().isoformat() for r in found} == {"18:00:00"}  # GMT: UTC+0
    assert all(r.ends_on == r.starts_on and r.message == "Lifts" for r in found)
    assert sorted(plan.reminder_ids) == sorted(r.id for r in found)
    assert (plan.counted_from, plan.local_time, plan.child_id) == (date(2026, 10, 20), "18:00",
                                                                    ladder.child_id)
    assert boosters.plan_dates(plan) == DAYS


def test_accepting_twice_keeps_one_plan(db, family_ladder):
    user, partner, ladder = family_ladder
    first = boosters.accept(db, ladder, user, "18:00", now=NOW)
    again = boosters.accept(db, ladder, partner, "07:00", now=NOW)
    assert again.id == first.id
    assert len(_reminders(db)) == 8
    assert len(db.exec(select(BoosterPlan)).all()) == 1


@pytest.mark.parametrize("bad", ["", "25:00", "18:60", "6pm", "x" * 100])
def test_a_bad_time_is_refused_and_nothing_is_stored(db, family_ladder, bad):
    user, _, ladder = family_ladder
    with pytest.raises(DomainError):
        boosters.accept(db, ladder, user, bad, now=NOW)
    db.rollback()
    assert _reminders(db) == [] and db.exec(select(BoosterPlan)).all() == []


def test_an_unfinished_ladder_has_no_boosters(db):
    user, child = person(db)
    ladder = make_ladder(db, child, steps=3, mastered=2)
    with pytest.raises(DomainError, match="every step"):
        boosters.accept(db, ladder, user, "18:00", now=NOW)
    assert _reminders(db) == []
    assert boosters.state_for(db, ladder, ladder.steps, user) is None


def test_boosters_already_past_are_left_out(db, family_ladder):
    user, _, ladder = family_ladder
    three_weeks_on = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    boosters.accept(db, ladder, user, "18:00", now=three_weeks_on)
    assert sorted({r.starts_on for r in _reminders(db)}) == DAYS[2:]


def test_a_family_back_after_the_last_booster_day_counts_from_today(db, family_ladder):
    user, _, ladder = family_ladder
    next_spring = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)
    plan = boosters.accept(db, ladder, user, "18:00", now=next_spring)
    assert plan.counted_from == date(2027, 3, 2)
    assert sorted({r.starts_on for r in _reminders(db)}) == [
        date(2027, 3, 9), date(2027, 3, 16), date(2027, 3, 30), date(2027, 4, 27)]
    # Summer time from 28 March: the last two are at 18:00 BST, 17:00 UTC.
    assert {r.next_due_at.hour for r in _reminders(db) if r.starts_on.month == 4} == {17}


def test_cancelling_deletes_the_boosters_not_yet_sent_and_keeps_the_rest(db, family_ladder):
    user, _, ladder = family_ladder
    plan = boosters.accept(db, ladder, user, "18:00", now=NOW)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=datetime(2026, 10, 27, 18, 1, tzinfo=UTC))
    assert boosters.cancel(db, ladder).id == plan.id
    left = _reminders(db)
    assert [r.starts_on for r in left] == [DAYS[0], DAYS[0]]  # sent: kept with its delivery
    assert all(r.next_due_at is None for r in left)
    assert db.get(BoosterPlan, plan.id).cancelled_at is not None
    assert boosters.cancel(db, ladder) is None
    assert boosters.accept(db, ladder, user, "19:00", now=NOW).id != plan.id  # a new offer


def test_a_booster_reminder_names_the_ladder_in_the_inbox_and_no_one_in_a_push(db, family_ladder):
    user, _, ladder = family_ladder
    boosters.accept(db, ladder, user, "18:00", now=NOW)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=datetime(2026, 10, 27, 18, 1, tzinfo=UTC))
    [message] = inbox(db, user)
    assert message.title == "Time for Zara's booster practice"
    assert "“Lifts”" in message.body and "creeping back" in message.body
    assert message.link == f"/children/{ladder.child_id}/booster"
    title, body = reminder_content.push_text("booster")
    assert "Zara" not in title + body and "Lifts" not in title + body
    assert boosters.newest_open_ladder_id(db, ladder.child_id) == ladder.id


def test_the_offer_uses_the_caregivers_practice_reminder_time(db, family_ladder):
    user, _, ladder = family_ladder
    state = boosters.state_for(db, ladder, ladder.steps, user)
    assert state.offer_time == "18:00" and state.plan is None
    assert state.completed_on == date(2026, 10, 20)
    db.add(Reminder(user_id=user.id, child_id=ladder.child_id, kind="practice", weekdays="12345",
                    local_time="07:30", timezone="Europe/London"))
    db.commit()
    assert boosters.state_for(db, ladder, ladder.steps, user).offer_time == "07:30"


def test_the_offer_dates_move_on_once_all_have_passed(db, family_ladder):
    user, _, ladder = family_ladder
    state = boosters.state_for(db, ladder, ladder.steps, user)
    today = state.today
    expected = DAYS if DAYS[-1] > today else [today + timedelta(weeks=w) for w in (1, 2, 4, 8)]
    assert state.dates == expected


def test_a_step_added_to_a_finished_ladder_stops_its_boosters(db, family_ladder):
    user, _, ladder = family_ladder
    plan = boosters.accept(db, ladder, user, "18:00", now=NOW)
    steps.add_step(db, ladder, title="Ride with a friend", predicted_fear=9, by=user)
    assert db.get(BoosterPlan, plan.id).cancelled_at is not None
    assert _reminders(db) == []


def test_choosing_a_current_step_on_a_finished_ladder_stops_its_boosters(db, family_ladder):
    user, _, ladder = family_ladder
    plan = boosters.accept(db, ladder, user, "18:00", now=NOW)
    other = finished_ladder(db, ladder.child, goal="Stairs")
    kept = boosters.accept(db, other, user, "18:00", now=NOW)
    steps.make_current(db, ladders.with_steps(db, ladder.id).steps[1], by=user)
    assert db.get(BoosterPlan, plan.id).cancelled_at is not None
    assert db.get(BoosterPlan, kept.id).cancelled_at is None  # another ladder's stay
    assert {r.message for r in _reminders(db)} == {"Stairs"}


def test_archiving_a_finished_ladder_stops_its_boosters(db, family_ladder):
    """A ladder put away sends no more booster reminders; another ladder's plan stays, and the
    ladder brought back can take a new plan."""
    user, _, ladder = family_ladder
    plan = boosters.accept(db, ladder, user, "18:00", now=NOW)
    other = finished_ladder(db, ladder.child, goal="Stairs")
    kept = boosters.accept(db, other, user, "18:00", now=NOW)
    ladders.archive_ladder(db, ladder, by=user)
    assert db.get(BoosterPlan, plan.id).cancelled_at is not None
    assert db.get(BoosterPlan, kept.id).cancelled_at is None
    assert {r.message for r in _reminders(db)} == {"Stairs"}
    ladders.unarchive_ladder(db, ladder, by=user)
    assert boosters.accept(db, ladder, user, "19:00", now=NOW).id != plan.id
