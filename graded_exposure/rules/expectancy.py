"""Expectancy: what the child feared would happen, how likely it felt, and what happened.

Before a practice the child says what they think will happen and how likely it feels, on five
steps mapped to 0, 25, 50, 75 and 100 % ("It won't happen" to "It will for sure"). Afterwards
the family says whether it happened and, when it did, how bad it was (five steps, 0-100 %).
What happened scores 0 when it did not happen, its badness when it did, and half that when it
partly did. The difference between how likely it felt and what happened is what the child
learned: a surprise when the feared thing felt likely and things went at least SURPRISE_MIN_GAP
points better than feared. A surprise is a win however scared the child was: learning that
the feared thing does not happen (expectancy violation) is what makes exposure last (Craske
et al. 2014). A few days later the family re-rates how likely the feared thing feels now.
Every default here, and its source, is in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Sequence
from dataclasses import dataclass

LIKELIHOOD_STEPS = (0, 25, 50, 75, 100)
LIKELIHOOD_WORDS = {0: "It won't happen", 25: "Probably not", 50: "Maybe", 75: "Probably",
                    100: "It will for sure"}
BADNESS_WORDS = {0: "Not bad at all", 25: "A little bad", 50: "Quite bad", 75: "Very bad",
                 100: "As bad as feared"}
HAPPENED = ("yes", "partly")  # the prediction_came_true answers that say it happened

# How much of its badness a feared thing that only partly happened counts for.
PARTLY_SHARE = 0.5
# Points (of 100) by which what happened must be better than the likelihood to be a surprise.
SURPRISE_MIN_GAP = 50
# Days after a practice with a prediction that the family is asked to re-rate it, and when
# (their local time) if they have no practice reminder whose time to follow.
RERATE_AFTER_DAYS = 3
RERATE_TIME = "18:00"


@dataclass(frozen=True)
class Learning:
    """What one practice taught: the gap between feared and real, and the words for it."""

    gap: int  # likelihood minus what happened, -100..100; above 0: better than feared
    surprise: bool
    sentence: str


@dataclass(frozen=True)
class ExpectancyPoint:
    """One practice with a likelihood: before, re-rated later (or None), and what happened."""

    likelihood: int
    rerated: int | None = None
    came_true: str = ""
    badness: int | None = None

    @property
    def latest(self) -> int:
        """How likely the feared thing felt last time it was asked."""
        return self.likelihood if self.rerated is None else self.rerated


@dataclass(frozen=True)
class ExpectancyTrend:
    """How likely a step's feared thing felt at first and lately, and the surprises so far."""

    first: int
    latest: int
    predictions: int
    surprises: int

    @property
    def change(self) -> int:
        """Points the likelihood moved, negative when it fell."""
        return self.latest - self.first


def likelihood_problem(value) -> str | None:
    """Return why a likelihood cannot be stored, or None (None itself means not asked)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)
                         and value in LIKELIHOOD_STEPS):
        return None
    return "Choose how likely it felt from the five steps."


def badness_problem(came_true: str, badness) -> str | None:
    """Return why "how bad was it" cannot be stored with this answer to "did it happen"."""
    if badness is None:
        return None
    if not isinstance(badness, int) or isinstance(badness, bool) or badness not in BADNESS_WORDS:
        return "Choose how bad it was from the five steps."
    if came_true not in HAPPENED:
        return "“How bad was it” is only for when the feared thing happened."
    return None


def what_happened(came_true: str, badness: int | None) -> int | None:
    """Score what happened from 0 (the feared thing did not happen) to 100 (as bad as feared);
    None when nobody said. Happened with no badness given counts as fully bad."""
    if came_true == "no":
        return 0
    if came_true not in HAPPENED:
        return None
    bad = 100 if badness is None else badness
    return round(bad * PARTLY_SHARE) if came_true == "partly" else bad


def expectancy_gap(likelihood: int, came_true: str, badness: int | None) -> int | None:
    """Return how much better things went than feared (likelihood minus what happened)."""
    happened = what_happened(came_true, badness)
    return None if happened is None else likelihood - happened


def learning(name: str, likelihood: int | None, came_true: str,
             badness: int | None) -> Learning | None:
    """Return what the practice taught, in warm words; None without a likelihood and answer."""
    if likelihood is None:
        return None
    gap = expectancy_gap(likelihood, came_true, badness)
    if gap is None:
        return None
    surprise = gap >= SURPRISE_MIN_GAP
    feared = LIKELIHOOD_WORDS[likelihood].lower() if likelihood in LIKELIHOOD_WORDS else ""
    if came_true == "no" and surprise:
        sentence = (f"{name} thought it would happen ({feared}), and it did not. That surprise "
                    f"is a win, however scared {name} felt: it is how brave brains learn.")
    elif came_true == "no":
        sentence = f"{name} thought it probably would not happen, and it did not. Well spotted."
    elif surprise:
        sentence = (f"It happened, and it was less bad than {name} feared. {name} coped with "
                    "it: that is a win and real learning.")
    else:
        sentence = (f"It happened, and {name} got through it. Getting through a hard moment "
                    "is learning too.")
    return Learning(gap=gap, surprise=surprise, sentence=sentence)


def expectancy_trend(points: Sequence[ExpectancyPoint]) -> ExpectancyTrend | None:
    """Sum up a step's practices with a likelihood, oldest first; None when there are none."""
    if not points:
        return None
    surprises = sum(1 for p in points
                    if (gap := expectancy_gap(p.likelihood, p.came_true, p.badness)) is not None
                    and gap >= SURPRISE_MIN_GAP)
    return ExpectancyTrend(first=points[0].likelihood, latest=points[-1].latest,
                           predictions=len(points), surprises=surprises)


def change_words(trend: ExpectancyTrend) -> str:
    """Say how the likelihood moved, e.g. 'from 75 % to 25 %'."""
    if trend.predictions == 1 and trend.change == 0:
        return f"{trend.first} % so far"
    return f"from {trend.first} % to {trend.latest} %"
