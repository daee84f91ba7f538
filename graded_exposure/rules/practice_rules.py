"""What a practice record may hold: the fear scale, outcomes, small wins, and when it happened."""
from datetime import datetime, timedelta

from ..vocabulary import Outcome
from .chip_lists import recorded_problem

FEAR_MIN, FEAR_MAX = 0, 10

OUTCOMES = {Outcome.DID_IT: "Did it", Outcome.PARTLY: "Partly",
            Outcome.LEFT_EARLY: "Left early", Outcome.DID_NOT_TRY: "Did not try"}
DEFAULT_OUTCOME = Outcome.DID_IT

PREDICTION_RESULTS = {"yes": "Yes", "partly": "Partly", "no": "No"}

SMALL_WINS = {"eye_contact": "Eye contact", "laughed": "Laughed",
              "own_strategy": "Used a strategy by themselves",
              "agreed_to_return": "Agreed to come back", "tried_new": "Tried something new"}

# Offered next to the ladder's own calming plan, so a family without one still has chips. The
# first three carry the names of the ladder presets, so the two lists never offer the same
# strategy twice under different names.
COMMON_CALMING = ("Slow breathing: smell the flower, blow the candle", "Deep pressure hug",
                  "Count 5 things you can see", "Comfort object", "Brave talk")
# Names these chips had before; practices stored with them read as the same strategy.
FORMER_CALMING_NAMES = {"Slow breathing": COMMON_CALMING[0], "Deep pressure": COMMON_CALMING[1],
                        "Counting": COMMON_CALMING[2]}
MAX_CALMING_ITEMS, MAX_CALMING_LENGTH = 12, 80

MAX_PREDICTION, MAX_SAFETY_BEHAVIOURS, MAX_NOTE = 500, 500, 2000

# A clock a little ahead on a phone is fine; a practice far in the future is a typo.
MAX_AHEAD = timedelta(hours=1)
MAX_AGE = timedelta(days=365)


def calming_name(name: str) -> str:
    """Return the name a calming strategy goes by now (a former chip name maps to its new one)."""
    return FORMER_CALMING_NAMES.get(name, name)


def default_peak(before: int, after: int) -> int:
    """Return the peak fear to assume when none was given: the higher of before and after."""
    return max(before, after)


def fear_problem(before: int, peak: int, after: int) -> str | None:
    """Return why these fear ratings cannot be stored, or None when they are fine."""
    for name, value in (("before", before), ("after", after), ("peak", peak)):
        if not isinstance(value, int) or isinstance(value, bool) or not (
                FEAR_MIN <= value <= FEAR_MAX):
            return f"Fear {name} must be a whole number from {FEAR_MIN} to {FEAR_MAX}."
    if peak < max(before, after):
        return ("The peak is the most scared the child felt, so it cannot be lower than the fear "
                "before or after. Leave it empty to use the higher of the two.")
    return None


TIME_BEYOND_CALENDAR = "The practice time is out of range. Check the date and time."


def practice_time_problem(when: datetime, now: datetime) -> str | None:
    """Return why a practice cannot have happened at this moment, or None when it can."""
    if when > now + MAX_AHEAD:
        return "The practice time is in the future. Check the date and time."
    if when < now - MAX_AGE:
        return "The practice time is more than a year ago. Check the date and time."
    return None


def calming_problem(items: list[str]) -> str | None:
    """Return why a list of calming strategies cannot be stored, or None."""
    return recorded_problem(items, most=MAX_CALMING_ITEMS, longest=MAX_CALMING_LENGTH,
                            plural="calming strategies", singular="calming strategy")
