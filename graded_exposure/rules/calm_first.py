"""Calm the body first: the ladder's calming plan as a few big pictures a child can follow.

An anxious child's stress response settles through the body before words help, so the child
view offers the calming plan before a try. Each strategy becomes a card: a picture and a few
words in the child's voice. Strategies from the app's list have their own picture and words; a
family's own strategy gets a picture from a word in it ("ball", "hug", "song"...) or a star,
and its own words. Only the first few are shown: a long list is one more thing to manage.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Sequence
from dataclasses import dataclass

MAX_CARDS = 4


@dataclass(frozen=True)
class CalmCard:
    strategy: str
    name: str  # what the child reads: the strategy, or a shorter name for a long one
    picture: str  # a key of the pictures macro in templates/_macros/calm_pictures.html
    words: str


# The words a child hears for each of the app's calming strategies (ladder_rules).
_KNOWN: dict[str, tuple[str, str]] = {
    "Deep pressure hug": ("hug", "Ask for a big, tight hug. Feel it squeeze."),
    "Weighted lap pad": ("lap_pad", "Put the heavy pad on your lap. Feel it hold you."),
    "Roll a therapy ball": ("ball", "Roll the big ball slowly, back and forth."),
    "Slow breathing: smell the flower, blow the candle": (
        "flower", "Smell the flower… blow out the candle."),
    "Count 5 things you can see": ("eye", "Look around. Find 5 things you can see."),
    "Push the wall": ("push", "Push the wall hard with both hands. Count to 5."),
    "Cold water on hands": ("water", "Feel cool water on your hands."),
    "Squeeze a stress ball": ("squeeze", "Squeeze the ball tight… then let go."),
    "Listen to a favourite song": ("music", "Listen to your favourite song."),
}
# Shorter names a child can read at a glance.
_SHORT_NAMES = {"Slow breathing: smell the flower, blow the candle": "Flower and candle breaths",
                "Count 5 things you can see": "Spot 5 things"}
# A family's own strategy: the first of these words found in it chooses the picture.
_WORD_PICTURES: tuple[tuple[str, str], ...] = (
    ("ball", "ball"), ("hug", "hug"), ("squeeze", "squeeze"), ("push", "push"),
    ("breath", "flower"), ("blow", "flower"), ("bubble", "flower"), ("song", "music"),
    ("music", "music"), ("water", "water"), ("blanket", "lap_pad"), ("look", "eye"),
)
# With no plan yet, something every child can do anywhere, without anything to hold.
PUSH_HANDS = CalmCard("Push your hands together", "Push your hands together", "push",
                      "Push your hands together hard. Count to 5. Let go.")


def picture_for(strategy: str) -> str:
    """Return the picture key for a calming strategy; a star when nothing fits."""
    if strategy in _KNOWN:
        return _KNOWN[strategy][0]
    lowered = strategy.lower()
    return next((picture for word, picture in _WORD_PICTURES if word in lowered), "star")


def calm_cards(plan: Sequence[str], limit: int = MAX_CARDS) -> list[CalmCard]:
    """Return the cards for the first `limit` strategies of a plan; push-hands when it is empty."""
    cards = [CalmCard(strategy, _SHORT_NAMES.get(strategy, strategy), picture_for(strategy),
                      _KNOWN.get(strategy, ("", strategy))[1])
             for strategy in list(dict.fromkeys(s for s in plan if s.strip()))[:limit]]
    return cards or [PUSH_HANDS]
