"""The quick check on a finished ladder, and opening the ladder again at the right step."""
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import AuditEvent, BoosterPlan, RelapseCheck, Reminder
from graded_exposure.rules.boosters import RelapseAnswers
from graded_exposure.services import boosters, ladders, relapse_checks
from tests.factories import finished_ladder, make_ladder, person

BACK = RelapseAnswers(avoiding=2, fear=1, accommodating=0)
HOLDING = RelapseAnswers(avoiding=1, fear=0, accommodating=0)


@pytest.fixture
def setup(db):
    user, child = person(db, child_name="Zara")
    return user, finished_ladder(db, child, steps=5)


def _check(db, user, ladder, answers=BACK, hard=(), key="k1"):
    return relapse_checks.record_check(db, ladder, user, answers, list(hard), key)


def _statuses(db, ladder):
    return [s.status for s in ladders.with_steps(db, ladder.id).steps]


def test_a_check_is_stored_with_its_verdict(db, setup):
    user, ladder = setup
    check = _check(db, user, ladder, hard=[ladder.steps[3].id, ladder.steps[2].id])
    stored = db.get(RelapseCheck, check.id)
    assert (stored.avoiding, stored.fear, stored.accommodating) == (2, 1, 0)
    assert stored.creeping_back and stored.child_id == ladder.child_id
    assert stored.hard_step_ids == [ladder.steps[3].id, ladder.steps[2].id]
    assert not _check(db, user, ladder, HOLDING, key="k2").creeping_back


def test_the_same_form_sent_twice_is_stored_once(db, setup):
    user, ladder = setup
    first = _check(db, user, ladder)
    assert _check(db, user, ladder, HOLDING).id == first.id
    assert len(db.exec(select(RelapseCheck)).all()) == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * 65])
def test_a_lost_key_is_refused(db, setup, key):
    user, ladder = setup
    with pytest.raises(DomainError, match="lost its key"):
        _check(db, user, ladder, key=key)
    assert db.exec(select(RelapseCheck)).all() == []


def test_steps_of_another_ladder_are_refused(db, setup):
    user, ladder = setup
    other = finished_ladder(db, ladder.child, steps=2)
    with pytest.raises(DomainError, match="this ladder"):
        _check(db, user, ladder, hard=[other.steps[0].id])
    db.rollback()
    assert db.exec(select(RelapseCheck)).all() == []


def test_an_unfinished_ladder_has_no_check(db):
    user, child = person(db)
    ladder = make_ladder(db, child, steps=3, mastered=1)
    with pytest.raises(DomainError, match="every step"):
        _check(db, user, ladder)


def test_reopening_starts_at_the_lowest_step_marked_hard_and_the_rest_wait(db, setup):
    user, ladder = setup
    check = _check(db, user, ladder, hard=[ladder.steps[3].id, ladder.steps[2].id])
    step = relapse_checks.reopen(db, ladder, check, user)
    assert step.position == 3
    assert _statuses(db, ladder) == ["mastered", "mastered", "current", "upcoming", "upcoming"]
    fresh = ladders.with_steps(db, ladder.id)
    assert [s.mastered_at is None for s in fresh.steps] == [False, False, True, True, True]
    assert db.get(RelapseCheck, check.id).reopened_step_id == step.id
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "ladder_reopened")).all()
    assert event.actor_id == user.id and f"ladder {ladder.id} at step 3" in event.subject


def test_with_no_step_marked_it_reopens_at_the_top_step(db, setup):
    user, ladder = setup
    step = relapse_checks.reopen(db, ladder, _check(db, user, ladder), user)
    assert step.position == 5
    assert _statuses(db, ladder) == ["mastered"] * 4 + ["current"]


def test_reopening_cancels_the_boosters_still_to_come(db, setup):
    user, ladder = setup
    now = datetime(2026, 10, 6, 9, 0, tzinfo=UTC)
    plan = boosters.accept(db, ladder, user, "18:00", now=now)
    relapse_checks.reopen(db, ladder, _check(db, user, ladder), user)
    assert db.get(BoosterPlan, plan.id).cancelled_at is not None
    assert db.exec(select(Reminder).where(Reminder.kind == "booster")).all() == []


def test_it_reopens_once_and_only_when_the_check_says_so(db, setup):
    user, ladder = setup
    holding = _check(db, user, ladder, HOLDING, key="k-holding")
    with pytest.raises(DomainError, match="holding"):
        relapse_checks.reopen(db, ladder, holding, user)
    assert _statuses(db, ladder) == ["mastered"] * 5
    check = _check(db, user, ladder)
    relapse_checks.reopen(db, ladder, check, user)
    with pytest.raises(DomainError, match="open again already"):
        relapse_checks.reopen(db, ladders.with_steps(db, ladder.id), check, user)


def test_an_archived_finished_ladder_comes_back_into_use(db, setup):
    user, ladder = setup
    ladders.archive_ladder(db, ladder, by=user)
    relapse_checks.reopen(db, ladder, _check(db, user, ladder), user)
    assert ladders.with_steps(db, ladder.id).status == "active"
