"""Both voices on one try: which rating counts, and how far apart the child and caregiver are."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.two_voices import (
    AGREEMENT_TRIES,
    LARGE_GAP,
    LESS_SCARY,
    SCARIER,
    TALKING_POINT_TRIES,
    Fears,
    RatedTry,
    agreement,
    caregiver_has_rated,
    child_fear_problem,
    counted_fears,
)

fear = st.integers(0, 10)
NONE = Fears(None, None, None)
tries = st.builds(RatedTry, fear, fear, fear, fear)


# Which voice counts

@given(fear, st.one_of(st.none(), fear), fear, fear, fear)
def test_the_caregivers_numbers_count_when_given(before, peak, after, child_before, child_after):
    given_fears = Fears(before, peak, after)
    assert counted_fears(given_fears, child_before, child_after) == given_fears
    assert caregiver_has_rated(given_fears)


@given(fear, fear)
def test_the_childs_faces_count_when_the_caregiver_gave_no_numbers(child_before, child_after):
    assert counted_fears(NONE, child_before, child_after) == Fears(child_before, None,
                                                                   child_after)
    assert not caregiver_has_rated(NONE)


def test_with_no_voice_nothing_is_made_up():
    assert counted_fears(NONE, None, None) == NONE
    assert counted_fears(Fears(4, None, None), 3, None) == Fears(4, None, None)


@pytest.mark.parametrize(("before", "after"), [(None, None), (0, 10), (10, 0), (5, 5)])
def test_child_faces_on_the_scale_or_none_at_all_are_fine(before, after):
    assert child_fear_problem(before, after) is None


@pytest.mark.parametrize(("before", "after"), [
    (3, None), (None, 3), (-1, 3), (3, 11), (True, 3), ("3", 3), (2.5, 3)])
def test_half_a_rating_or_off_the_scale_is_refused(before, after):
    assert child_fear_problem(before, after) == "Tap a face for before and a face for after."


# Agreement

def test_the_gap_is_the_childs_average_minus_the_caregivers():
    one = RatedTry(child_before=7, child_after=5, caregiver_before=4, caregiver_after=2)
    assert (one.child_level, one.caregiver_level, one.gap) == (6, 3, 3)
    assert one.direction == SCARIER
    assert RatedTry(0, 3, 4, 5).direction == LESS_SCARY  # 1.5 - 4.5 = -3
    assert RatedTry(5, 3, 3, 2).direction is None  # 1.5 apart: within a face's rounding


@given(tries)
def test_a_large_gap_is_large_gap_points_or_more_either_way(one):
    expected = SCARIER if one.gap >= LARGE_GAP else LESS_SCARY if one.gap <= -LARGE_GAP else None
    assert one.direction == expected


@given(fear, fear)
def test_the_same_rating_has_no_gap(before, after):
    assert RatedTry(before, after, before, after).gap == 0


@given(st.lists(tries, max_size=12))
def test_agreement_reads_the_latest_window_only(rated):
    found = agreement(rated)
    assert found.tries == tuple(rated[-AGREEMENT_TRIES:])
    assert 0 <= found.scarier + found.less_scary <= len(found.tries) <= AGREEMENT_TRIES
    if not rated:
        assert found.mean_gap is None and found.talking_point is None
    else:
        assert found.mean_gap == pytest.approx(sum(t.gap for t in found.tries) / len(found.tries))
        assert -10 <= found.mean_gap <= 10


@given(st.lists(tries, max_size=12))
def test_a_talking_point_needs_enough_large_gaps_the_same_way(rated):
    found = agreement(rated)
    if found.talking_point == SCARIER:
        assert found.scarier >= TALKING_POINT_TRIES
    elif found.talking_point == LESS_SCARY:
        assert found.less_scary >= TALKING_POINT_TRIES
    else:
        assert found.scarier < TALKING_POINT_TRIES and found.less_scary < TALKING_POINT_TRIES


def test_three_of_the_last_five_scarier_is_a_talking_point():
    scarier, same = RatedTry(8, 7, 3, 2), RatedTry(5, 3, 5, 3)
    found = agreement([scarier] * 4 + [same, scarier, same, scarier, scarier])
    assert (found.scarier, len(found.tries), found.talking_point) == (3, 5, SCARIER)


def test_one_large_gap_alone_is_not_a_talking_point():
    found = agreement([RatedTry(10, 10, 2, 2), RatedTry(3, 3, 3, 3)])
    assert (found.scarier, found.talking_point) == (1, None)


def test_less_scary_tries_make_their_own_talking_point():
    calmer = RatedTry(0, 0, 7, 5)
    assert agreement([calmer, calmer, RatedTry(10, 10, 0, 0)]).talking_point == LESS_SCARY
