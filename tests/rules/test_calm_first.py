"""Calm-first cards: the calming plan as pictures and child-sized words."""
import pytest

from graded_exposure.rules.calm_first import MAX_CARDS, PUSH_HANDS, calm_cards, picture_for
from graded_exposure.rules.ladder_rules import CALMING_STRATEGIES


@pytest.mark.parametrize("strategy", CALMING_STRATEGIES)
def test_every_strategy_the_app_offers_has_its_own_picture_and_words(strategy):
    (card,) = calm_cards([strategy])
    assert card.strategy == strategy
    assert card.picture != "star"
    assert card.words and card.words != strategy
    assert len(card.name) <= 30  # readable at a glance on a 360 px card


def test_a_long_strategy_gets_a_short_name_a_child_can_read():
    (card,) = calm_cards(["Slow breathing: smell the flower, blow the candle"])
    assert (card.name, card.picture) == ("Flower and candle breaths", "flower")


def test_the_cards_follow_the_plan_in_order():
    plan = ["Roll a therapy ball", "Deep pressure hug"]
    assert [(c.strategy, c.picture) for c in calm_cards(plan)] == [
        ("Roll a therapy ball", "ball"), ("Deep pressure hug", "hug")]


@pytest.mark.parametrize(("strategy", "picture"), [
    ("Blow bubbles", "flower"), ("Bounce the BALL", "ball"), ("Sing our song", "music"),
    ("Wrap in the heavy blanket", "lap_pad"), ("Stroke the cat", "star")])
def test_a_familys_own_strategy_gets_a_picture_from_its_words(strategy, picture):
    assert picture_for(strategy) == picture
    (card,) = calm_cards([strategy])
    assert card.words == card.name == strategy  # their own words, said back to the child


def test_only_the_first_few_are_shown_without_repeats():
    plan = ["Push the wall", "Push the wall", *CALMING_STRATEGIES]
    cards = calm_cards(plan)
    assert len(cards) == MAX_CARDS
    assert [c.strategy for c in cards][:2] == ["Push the wall", CALMING_STRATEGIES[0]]


@pytest.mark.parametrize("plan", [[], ["", "   "]])
def test_no_plan_offers_pushing_the_hands_together(plan):
    assert calm_cards(plan) == [PUSH_HANDS]
