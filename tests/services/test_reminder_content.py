"""What each kind of reminder says, and the missed-practice nudge that is not needed."""
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from graded_exposure.models import Avoidance, DayCheckIn, Delivery, Practice
from graded_exposure.services import dispatch, reminder_content, weekly_summary
from tests.factories import DISPATCH_CONFIG, add_reminder, local, make_ladder, person
from tests.lookups import deliveries, inbox

LIFT = "Ride the lift one floor"


def practise(db, child, step, at, small_wins=()):
    db.add(Practice(child_id=child.id, step_id=step.id, practiced_at=at, fear_before=5,
                    fear_peak=6, fear_after=2, outcome="did_it", small_wins=list(small_wins),
                    idempotency_key=f"k-{child.id}-{at.isoformat()}"))
    db.commit()


def test_a_practice_reminder_names_the_child_and_the_current_step(db):
    user, child = person(db, child_name="Zara")
    make_ladder(db, child, goal="Lifts", area="places", titles=[LIFT])
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    [message] = inbox(db, user)
    assert message.title == "Time for Zara's brave practice"
    assert "Ride the lift one floor" in message.body
    assert message.link == f"/children/{child.id}/practices/new"


def test_the_missed_nudge_is_not_needed_after_a_practice_that_local_day(db):
    tz = "America/New_York"
    user, child = person(db, tz)
    step = make_ladder(db, child, goal="Lifts", area="places", titles=[LIFT]).steps[0]
    practise(db, child, step, local(tz, 2026, 6, 10, 16, 0))
    nudge = add_reminder(db, user, child, created=local(tz, 2026, 6, 10), tz=tz,
                         local_time="19:00", kind="missed_nudge")
    counts = dispatch.run_pass(db, DISPATCH_CONFIG, now=nudge.next_due_at)
    assert counts.not_needed == 1
    assert [d.status for d in deliveries(db, nudge)] == ["not_needed"]
    assert inbox(db, user) == []


def test_the_missed_nudge_goes_out_when_the_day_has_no_practice(db):
    tz = "America/New_York"
    user, child = person(db, tz)
    step = make_ladder(db, child, goal="Lifts", area="places", titles=[LIFT]).steps[0]
    # 22:00 the evening before in New York is already the 10th in UTC: not this local day.
    practise(db, child, step, local(tz, 2026, 6, 9, 22, 0))
    nudge = add_reminder(db, user, child, created=local(tz, 2026, 6, 10), tz=tz,
                         local_time="19:00", kind="missed_nudge", channels=("inbox", "push"))
    dispatch.run_pass(db, DISPATCH_CONFIG, now=nudge.next_due_at)
    [d] = deliveries(db, nudge)
    assert (d.status, d.push_state) == ("sent", "pending")
    assert inbox(db, user)[0].title == "Still time for Sam's practice today"


def test_the_weekly_digest_sums_up_the_week_with_the_avoidance_sentence(db):
    user, child = person(db)
    step = make_ladder(db, child, goal="Lifts", area="places", titles=[LIFT]).steps[0]
    practise(db, child, step, local("Europe/London", 2026, 6, 8, 17, 0), ["laughed"])
    practise(db, child, step, local("Europe/London", 2026, 6, 10, 17, 0), ["laughed"])
    checkin = DayCheckIn(child_id=child.id, day=date(2026, 6, 9), child_distress=2,
                         caregiver_distress=3, idempotency_key="c1")
    checkin.avoidances = [Avoidance(kind="school", accommodations=["kept_home"])]
    db.add(checkin)
    db.commit()
    sunday = local("Europe/London", 2026, 6, 14)
    digest = add_reminder(db, user, child, created=sunday, weekdays="7", local_time="18:00",
                          kind="weekly_digest")
    with time_machine.travel(digest.next_due_at + timedelta(minutes=1), tick=False):
        dispatch.run_pass(db, DISPATCH_CONFIG)
        summary = weekly_summary.for_week(db, child, date(2026, 6, 8))
    [message] = inbox(db, user)
    assert message.title == "Sam's week from 8 Jun"
    assert "2 practices on 2 days." in message.body
    assert "laughed ×2" in message.body
    assert summary.trap_sentence.startswith("1 of 1 calm days")
    assert summary.trap_sentence in message.body
    assert message.link == f"/children/{child.id}/week?start=2026-06-08"


@pytest.mark.parametrize(("day", "week_of"), [
    (date(2026, 6, 14), date(2026, 6, 14)), (date(2026, 6, 13), date(2026, 6, 13)),
    (date(2026, 6, 15), date(2026, 6, 8)), (date(2026, 6, 12), date(2026, 6, 5))])
def test_digest_week_is_this_week_at_the_weekend_else_last_week(day, week_of):
    assert reminder_content.digest_week(day) == week_of


def test_a_therapist_reminder_carries_the_therapists_words(db):
    user, child = person(db)
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     kind="therapist", message="Try the lift twice before Thursday.")
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    [message] = inbox(db, user)
    assert message.body == "Try the lift twice before Thursday."
    assert message.title == "From your therapist about Sam"


def test_long_text_is_clipped_to_the_columns(db):
    user, child = person(db, child_name="A" * 40)
    make_ladder(db, child, goal="Lifts", area="places", titles=["B" * 120])
    r = add_reminder(db, user, child, created=local("Europe/London", 2026, 6, 10),
                     kind="therapist", message="C" * 300)
    dispatch.run_pass(db, DISPATCH_CONFIG, now=r.next_due_at)
    [d] = db.exec(select(Delivery)).all()
    assert len(d.title) <= 120 and len(d.body) <= 2000


@pytest.mark.parametrize("kind", ["practice", "missed_nudge", "weekly_digest", "therapist"])
def test_push_text_never_names_anyone(kind):
    title, body = reminder_content.push_text(kind)
    assert title and body
    assert not {"{", "}"} & set(title + body)


def test_render_without_a_child_still_says_something(db):
    row = type("R", (), {"child_id": None, "kind": "practice", "message": ""})()
    content = reminder_content.render(reminder_content.ContentSources(), row,
                                      datetime(2026, 6, 10, tzinfo=UTC).date())
    assert content.title == "Time for brave practice" and content.link == "/"
