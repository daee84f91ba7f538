"""Expectancy: the re-rating reminder days after a prediction, and the re-rating itself."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import Delivery, ExpectancyRerating, InboxMessage, Reminder
from graded_exposure.rules import expectancy as rules
from graded_exposure.rules.timezones import local_date
from graded_exposure.services import expectancy, practices, reminder_content
from graded_exposure.services.dispatch import run_pass
from graded_exposure.services.practices import PracticeDetails
from tests.factories import DISPATCH_CONFIG, add_reminder, current_step, make_ladder, make_therapist


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def _log(db, family, step, key="k1", likelihood=75, prediction="They will laugh at me",
         came_true="no", badness=None, by=None, when=None):
    details = PracticeDetails(fear_before=6, fear_after=3, prediction=prediction,
                              expected_likelihood=likelihood, prediction_came_true=came_true,
                              outcome_badness=badness, practiced_at=when)
    return practices.log_practice(db, family.child, step, by or family.user, details, key)


def _rerates(db):
    return list(db.exec(select(Reminder).where(Reminder.kind == "rerate")))


def test_a_prediction_schedules_one_rerating_three_days_later_at_six(db, family, step):
    practice = _log(db, family, step)
    [reminder] = _rerates(db)
    day = local_date(practice.practiced_at, "Europe/London")
    assert reminder.starts_on == day + timedelta(days=rules.RERATE_AFTER_DAYS)
    assert (reminder.user_id, reminder.child_id, reminder.local_time) == (
        family.user.id, family.child.id, rules.RERATE_TIME)
    assert reminder.channels == ["inbox", "email"]


def test_it_follows_the_caregivers_practice_reminder_time_and_channels(db, family, step):
    add_reminder(db, family.user, family.child, created=datetime.now(UTC), local_time="07:45",
                 channels=("inbox", "push"))
    _log(db, family, step)
    [reminder] = _rerates(db)
    assert (reminder.local_time, reminder.channels) == ("07:45", ["inbox", "push"])


@pytest.mark.parametrize("changes", [{"prediction": ""}, {"likelihood": None},
                                     {"likelihood": 0}])
def test_no_prediction_or_no_fear_of_it_asks_nothing(db, family, step, changes):
    _log(db, family, step, **changes)
    assert _rerates(db) == []


def test_a_later_prediction_replaces_the_pending_question(db, family, step):
    _log(db, family, step, key="k1")
    _log(db, family, step, key="k2", when=datetime.now() + timedelta(minutes=30))
    assert len(_rerates(db)) == 1


def test_a_retried_form_schedules_once(db, family, step):
    first = _log(db, family, step, key="same")
    again = _log(db, family, step, key="same")
    assert first.id == again.id and len(_rerates(db)) == 1


def test_a_practice_logged_by_a_therapist_asks_every_caregiver(db, family, step):
    therapist = make_therapist(db)
    _log(db, family, step, by=therapist)
    assert [r.user_id for r in _rerates(db)] == [family.user.id]


def test_an_old_practice_logged_late_schedules_nothing(db, family, step):
    _log(db, family, step, when=datetime.now() - timedelta(days=10))
    assert _rerates(db) == []


def test_adding_a_prediction_when_editing_schedules_it(db, family, step):
    practice = _log(db, family, step, prediction="", likelihood=None)
    details = PracticeDetails(fear_before=6, fear_after=3, prediction="Dogs bite",
                              expected_likelihood=50)
    practices.edit_practice(db, practice, step, details)
    assert len(_rerates(db)) == 1


def test_taking_the_prediction_out_when_editing_takes_its_question_away(db, family, step):
    practice = _log(db, family, step)
    details = PracticeDetails(fear_before=6, fear_after=3, prediction="",
                              expected_likelihood=None)
    practices.edit_practice(db, practice, step, details)
    assert _rerates(db) == []


def test_moving_the_practice_to_another_day_moves_its_question(db, family, step):
    """Found from outside: a practice edited to two days earlier kept its question on the
    old day, five days after the practice instead of three."""
    practice = _log(db, family, step)
    earlier = datetime.now() - timedelta(days=2)
    details = PracticeDetails(fear_before=6, fear_after=3, prediction="They will laugh at me",
                              expected_likelihood=75, prediction_came_true="no",
                              practiced_at=earlier)
    practices.edit_practice(db, practice, step, details)
    db.expire_all()
    [reminder] = [r for r in _rerates(db) if r.next_due_at is not None]
    assert reminder.starts_on == earlier.date() + timedelta(days=rules.RERATE_AFTER_DAYS)


def test_deleting_the_practice_takes_its_question_away(db, family, step):
    practice = _log(db, family, step)
    practices.delete_practice(db, practice, family.user)
    assert _rerates(db) == []


def test_the_question_goes_back_to_the_newest_prediction_left(db, family, step):
    """One question waits at a time, about the newest prediction: when that one goes, the one
    before it is asked about on its own day (if that day is still to come)."""
    older = _log(db, family, step, key="k1", when=datetime.now(UTC) - timedelta(hours=30))
    newer = _log(db, family, step, key="k2")
    practices.delete_practice(db, newer, family.user)
    [reminder] = _rerates(db)
    assert reminder.starts_on == local_date(older.practiced_at, "Europe/London") + timedelta(
        days=rules.RERATE_AFTER_DAYS)


def test_the_reminder_goes_out_once_on_its_day_with_a_link_to_the_page(db, family, step):
    _log(db, family, step)
    [reminder] = _rerates(db)
    due = reminder.next_due_at
    run_pass(db, DISPATCH_CONFIG, now=due - timedelta(days=1))
    assert db.exec(select(Delivery)).all() == []
    run_pass(db, DISPATCH_CONFIG, now=due + timedelta(minutes=1))
    run_pass(db, DISPATCH_CONFIG, now=due + timedelta(days=7))
    [message] = db.exec(select(InboxMessage)).all()
    assert message.link == f"/children/{family.child.id}/rerate"
    assert "Sam" in message.title and "likely" in message.title


def test_rerating_stores_one_row_and_a_second_tap_changes_it(db, family, step):
    practice = _log(db, family, step)
    expectancy.rerate(db, family.child, practice, 25, family.user)
    expectancy.rerate(db, family.child, practice, 0, family.user)
    [row] = db.exec(select(ExpectancyRerating)).all()
    assert (row.practice_id, row.likelihood, row.rated_by_id) == (practice.id, 0, family.user.id)
    [shown] = expectancy.predictions_to_rerate(db, family.child)
    assert (shown.likelihood, shown.rerated) == (75, 0)


@pytest.mark.parametrize("value", [None, 10, -25, 125, "25", True])
def test_a_rerating_off_the_scale_is_refused(db, family, step, value):
    practice = _log(db, family, step)
    with pytest.raises(DomainError, match="five steps"):
        expectancy.rerate(db, family.child, practice, value, family.user)
    assert db.exec(select(ExpectancyRerating)).all() == []


def test_a_practice_without_prediction_cannot_be_rerated(db, family, step):
    practice = _log(db, family, step, prediction="")
    with pytest.raises(DomainError, match="no prediction"):
        expectancy.rerate(db, family.child, practice, 25, family.user)


def test_badness_without_it_happening_is_refused_and_nothing_stored(db, family, step):
    with pytest.raises(DomainError, match="only for when"):
        _log(db, family, step, came_true="no", badness=50)
    assert _rerates(db) == [] and expectancy.predictions_to_rerate(db, family.child) == []


def test_what_the_practice_taught_names_the_child(db, family, step):
    practice = _log(db, family, step)
    learned = expectancy.learning_of(family.child, practice)
    assert learned.surprise and learned.sentence.startswith("Sam thought")


def test_the_page_lists_the_newest_predictions_first(db, family, step):
    _log(db, family, step, key="a", prediction="First", when=datetime.now() - timedelta(hours=2))
    _log(db, family, step, key="b", prediction="Second")
    assert [p.prediction for p in expectancy.predictions_to_rerate(db, family.child)] == [
        "Second", "First"]


def test_the_push_text_names_nobody_and_says_what_it_is():
    title, body = reminder_content.push_text("rerate")
    assert (title, body) != reminder_content.push_text("practice")
    assert "Sam" not in body and "practice" in body


def test_deleting_a_step_takes_the_question_about_its_practices_with_it(db, family, step):
    """Found from outside: the step went with its practices, and the question about one of
    them stayed, to arrive days later and open a page saying "No predictions yet"."""
    from graded_exposure.services import steps

    _log(db, family, step)
    assert len(_rerates(db)) == 1
    steps.delete_step(db, step, family.user)
    db.expire_all()
    assert [r for r in _rerates(db) if r.next_due_at is not None] == []


def test_deleting_a_step_moves_the_question_to_the_newest_prediction_left(db, family, step):
    from graded_exposure.services import steps
    from tests.factories import make_ladder as another_ladder

    kept_step = current_step(another_ladder(db, family.child))
    kept = _log(db, family, kept_step, key="kept", prediction="They stare at me",
                when=datetime.now() - timedelta(days=1))
    _log(db, family, step, key="gone")
    steps.delete_step(db, step, family.user)
    db.expire_all()
    [pending] = [r for r in _rerates(db) if r.next_due_at is not None]
    assert pending.starts_on == local_date(kept.practiced_at, "Europe/London") + timedelta(
        days=rules.RERATE_AFTER_DAYS)
