"""Expectancy: the gap between how likely the feared thing felt and what happened."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import expectancy as ex
from graded_exposure.rules.expectancy import ExpectancyPoint

likelihoods = st.sampled_from(ex.LIKELIHOOD_STEPS)
answers = st.sampled_from(["", "yes", "partly", "no"])
badness = st.one_of(st.none(), st.sampled_from(sorted(ex.BADNESS_WORDS)))


@given(likelihoods, answers, badness)
def test_the_gap_stays_within_the_scale_and_is_none_without_an_answer(likely, came, bad):
    gap = ex.expectancy_gap(likely, came, bad)
    if came == "":
        assert gap is None
    else:
        assert -100 <= gap <= 100


@given(st.sampled_from(ex.LIKELIHOOD_STEPS[:-1]), answers.filter(bool), badness)
def test_the_more_likely_it_felt_the_bigger_the_gap(likely, came, bad):
    higher = ex.LIKELIHOOD_STEPS[ex.LIKELIHOOD_STEPS.index(likely) + 1]
    assert ex.expectancy_gap(higher, came, bad) > ex.expectancy_gap(likely, came, bad)


@given(likelihoods, st.sampled_from(ex.HAPPENED), st.sampled_from(sorted(ex.BADNESS_WORDS)[1:]))
def test_a_less_bad_outcome_never_gives_a_smaller_gap(likely, came, bad):
    milder = bad - 25
    assert ex.expectancy_gap(likely, came, milder) >= ex.expectancy_gap(likely, came, bad)


@given(likelihoods, badness)
def test_not_happening_beats_happening_partly_beats_happening(likely, bad):
    none, partly, fully = (ex.expectancy_gap(likely, c, bad) for c in ("no", "partly", "yes"))
    assert none >= partly >= fully


@given(likelihoods, answers, badness)
def test_a_surprise_is_exactly_a_gap_of_at_least_the_threshold(likely, came, bad):
    found = ex.learning("Mia", likely, came, bad if came in ex.HAPPENED else None)
    if came == "":
        assert found is None
    else:
        assert found.surprise == (found.gap >= ex.SURPRISE_MIN_GAP)
        assert "Mia" in found.sentence


def test_a_likely_fear_that_did_not_happen_is_a_surprise_and_a_win():
    found = ex.learning("Mia", 75, "no", None)
    assert found.surprise and found.gap == 75
    assert "did not" in found.sentence and "win" in found.sentence


def test_an_unlikely_fear_that_did_not_happen_is_no_surprise():
    found = ex.learning("Mia", 25, "no", None)
    assert not found.surprise


def test_it_happened_but_less_bad_than_feared_is_a_surprise():
    found = ex.learning("Mia", 100, "yes", 25)
    assert found.surprise and "less bad" in found.sentence


def test_it_happened_as_badly_as_feared_says_she_got_through_it():
    found = ex.learning("Mia", 100, "yes", 100)
    assert not found.surprise and "got through" in found.sentence


def test_partly_with_no_badness_counts_half_of_the_worst():
    assert ex.what_happened("partly", None) == 50
    assert ex.what_happened("yes", None) == 100


def test_no_likelihood_no_learning():
    assert ex.learning("Mia", None, "no", None) is None


@pytest.mark.parametrize("value", [1, -25, 101, 33, "50", True, 50.0])
def test_a_likelihood_off_the_scale_is_refused(value):
    assert ex.likelihood_problem(value)


@pytest.mark.parametrize("value", [None, *ex.LIKELIHOOD_STEPS])
def test_the_five_steps_and_nothing_are_fine(value):
    assert ex.likelihood_problem(value) is None


def test_badness_needs_the_thing_to_have_happened():
    assert ex.badness_problem("no", 50)
    assert ex.badness_problem("", 50)
    assert ex.badness_problem("yes", 50) is None
    assert ex.badness_problem("partly", 60)
    assert ex.badness_problem("no", None) is None


def test_the_trend_runs_from_the_first_likelihood_to_the_latest_rerating():
    trend = ex.expectancy_trend([ExpectancyPoint(100, None, "no"),
                                 ExpectancyPoint(75, 25, "partly", 25),
                                 ExpectancyPoint(50, 25, "")])
    assert (trend.first, trend.latest, trend.predictions, trend.surprises) == (100, 25, 3, 2)
    assert trend.change == -75
    assert ex.change_words(trend) == "from 100 % to 25 %"
    assert ex.expectancy_trend([]) is None


@given(st.lists(st.builds(ExpectancyPoint, likelihoods, st.one_of(st.none(), likelihoods),
                          answers, st.none()), min_size=1, max_size=12))
def test_the_trend_counts_never_exceed_the_predictions(points):
    trend = ex.expectancy_trend(points)
    assert 0 <= trend.surprises <= trend.predictions == len(points)
    assert -100 <= trend.change <= 100
