"""Safety behaviours and places through the services: the ladder's list, the places the SQL
mastery count reads, the fading suggestions on the progress page, adding the variant."""
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graded_exposure.errors import DomainError
from graded_exposure.models import Ladder, Practice, Step
from graded_exposure.rules.mastery import mastery_progress
from graded_exposure.rules.practice_context import PLACES
from graded_exposure.services import ladders, progress, safety_fading, steps
from graded_exposure.vocabulary import Outcome
from tests.factories import make_ladder, practise_on_days

HAND = "Holding a hand"


@pytest.fixture
def ladder(db, family):
    return make_ladder(db, family.child, goal="School", steps=3, fears=[2, 4, 6], by=family.user,
                       safety_behaviours=[HAND])


def _master_with(db, ladder, used=(HAND,), **fields) -> Step:
    first = ladder.steps[0]
    practise_on_days(db, first, days=(0, 0, 1), safety_used=list(used), **fields)
    steps.confirm_mastered(db, first)
    db.expire_all()
    return db.get(Step, first.id)


def _fading(db, ladder):
    report = progress.ladder_progress(db, db.get(Ladder, ladder.id))
    return {sp.step.id: [f.behaviour for f in sp.fading] for sp in report.steps if sp.fading}


# ---- the ladder's list --------------------------------------------------------------------------

def test_the_family_sets_the_ladders_safety_behaviours(db, family, ladder):
    ladders.set_safety_behaviours(db, ladder, [HAND], "Mum's scarf", by=family.user)
    db.expire_all()
    assert db.get(Ladder, ladder.id).safety_behaviours == [HAND, "Mum's scarf"]


def test_a_list_off_the_suggestions_is_refused_and_nothing_changes(db, ladder):
    with pytest.raises(DomainError, match="Choose safety behaviours from the list"):
        ladders.set_safety_behaviours(db, ladder, ["Not offered"])
    db.expire_all()
    assert db.get(Ladder, ladder.id).safety_behaviours == [HAND]


def test_an_archived_ladders_list_cannot_change(db, ladder):
    ladders.archive_ladder(db, ladder)
    with pytest.raises(DomainError, match="archived"):
        ladders.set_safety_behaviours(db, ladder, [])


# ---- fading suggestions -------------------------------------------------------------------------

def test_a_step_mastered_while_holding_a_hand_suggests_the_step_without_it(db, ladder):
    first = _master_with(db, ladder)
    assert _fading(db, ladder) == {first.id: [HAND]}


def test_a_step_mastered_without_leaning_on_anything_suggests_nothing(db, ladder):
    _master_with(db, ladder, used=())
    assert _fading(db, ladder) == {}


def test_the_current_step_is_not_suggested_for_fading_before_it_is_mastered(db, ladder):
    practise_on_days(db, ladder.steps[0], days=(0, 0, 1), safety_used=[HAND])
    assert _fading(db, ladder) == {}


def test_adding_the_variant_places_it_after_the_steps_as_hard_and_stops_the_suggestion(db, ladder):
    first = _master_with(db, ladder)
    variant = safety_fading.add_faded_step(db, first, HAND)
    found = db.get(Ladder, ladder.id).steps
    assert [(s.title, s.status) for s in found] == [
        ("Step 1", "mastered"), ("Step 1 — without holding a hand", "upcoming"),
        ("Step 2", "current"), ("Step 3", "upcoming")]
    assert (variant.faded_from_id, variant.without_safety, variant.predicted_fear) == (
        first.id, HAND, first.predicted_fear)
    assert _fading(db, ladder) == {}


def test_a_second_tap_finds_the_variant_already_added(db, ladder):
    first = _master_with(db, ladder)
    one = safety_fading.add_faded_step(db, first, HAND)
    two = safety_fading.add_faded_step(db, db.get(Step, first.id), HAND)
    assert one.id == two.id and len(db.get(Ladder, ladder.id).steps) == 4


def test_not_now_stops_the_suggestion_and_adds_no_step(db, ladder):
    first = _master_with(db, ladder)
    safety_fading.dismiss_fading(db, first, HAND)
    safety_fading.dismiss_fading(db, first, HAND)
    db.expire_all()
    assert db.get(Step, first.id).fading_dismissed == [HAND]
    assert _fading(db, ladder) == {} and len(db.get(Ladder, ladder.id).steps) == 3


@pytest.mark.parametrize("behaviour", ["", "   ", "x" * 61])
def test_a_missing_or_overlong_behaviour_is_refused(db, ladder, behaviour):
    first = _master_with(db, ladder)
    with pytest.raises(DomainError, match="Choose one of the suggestions"):
        safety_fading.add_faded_step(db, first, behaviour)
    assert len(db.get(Ladder, ladder.id).steps) == 3


def test_a_step_not_mastered_is_not_faded(db, ladder):
    with pytest.raises(DomainError, match="not mastered yet"):
        safety_fading.add_faded_step(db, ladder.steps[0], HAND)
    with pytest.raises(DomainError, match="not mastered yet"):
        safety_fading.dismiss_fading(db, ladder.steps[0], HAND)


def test_deleting_the_variant_brings_the_suggestion_back(db, ladder):
    first = _master_with(db, ladder)
    variant = safety_fading.add_faded_step(db, first, HAND)
    steps.delete_step(db, variant)
    assert _fading(db, ladder) == {first.id: [HAND]}


# ---- places, counted in SQL as the pure rule counts them -----------------------------------------

def test_a_step_needing_two_places_is_not_ready_at_home_only(db, family, ladder):
    progress.set_mastery_rule(db, ladder, min_practices=3, min_days=2, max_peak=3,
                              count_halving=True, min_contexts=2)
    practise_on_days(db, ladder.steps[0], days=(0, 0, 1), context_where="home")
    sp = progress.ladder_progress(db, ladder).steps[0]
    assert not sp.mastery.met and sp.mastery.needs_another_place
    assert sp.words == "3 of 3 practices, on 2 of 2 days, in 1 of 2 places"
    assert sp.another_place == "Try it at a relative's house or with a parent."
    assert sp.places == "Home"
    assert progress.ready_steps(db, family.child) == []
    practise_on_days(db, ladder.steps[0], days=(2,), context_where="park", context_with="friend")
    assert [s.id for s in progress.ready_steps(db, family.child)] == [ladder.steps[0].id]
    sp = progress.ladder_progress(db, ladder).steps[0]
    assert (sp.places, sp.people, sp.another_place) == ("Home, The park", "A friend", "")


def test_set_mastery_rule_refuses_more_places_than_allowed(db, ladder):
    with pytest.raises(DomainError, match="from 1 to 3"):
        progress.set_mastery_rule(db, ladder, min_practices=3, min_days=2, max_peak=3,
                                  count_halving=True, min_contexts=4)
    db.expire_all()
    assert db.get(Ladder, ladder.id).mastery_min_contexts == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(0, 3 * 24 * 60), st.integers(0, 10),
                               st.sampled_from(["", *PLACES]), st.sampled_from(list(Outcome))),
                     max_size=10),
       needed=st.integers(1, 3))
def test_the_sql_count_of_places_agrees_with_the_rule(db, family, ladder, rows, needed):
    progress.set_mastery_rule(db, ladder, min_practices=3, min_days=1, max_peak=3,
                              count_halving=False, min_contexts=needed)
    step = ladder.steps[0]
    db.execute(Practice.__table__.delete().where(Practice.step_id == step.id))
    start = datetime(2026, 10, 5, 6, tzinfo=UTC)
    for n, (minutes, peak, place, outcome) in enumerate(rows):
        db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=2,
                        fear_peak=peak, fear_after=0, outcome=outcome, context_where=place,
                        practiced_at=start + timedelta(minutes=minutes), idempotency_key=f"p{n}"))
    db.commit()
    facts = progress.facts_by_step(db, [step.id], family.child.family.timezone)[step.id]
    expected = mastery_progress(facts, progress.mastery_rule(ladder)).met
    assert bool(progress.ready_steps(db, family.child)) == expected
