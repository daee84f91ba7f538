"""Ladder rules: areas, limits, calming strategies, step order and the one current step.

Pure functions and constants only: no Flask, no database.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Sequence

from .chip_lists import ChipList

AREAS: dict[str, str] = {
    "school": "School",
    "outings": "Shops and outings",
    "social": "Friends and social",
    "separation": "Separation",
    "sleep": "Sleep and night-time",
    "other": "Something else",
}

GOAL_MAX = 120
TITLE_MAX = 120
DETAIL_MAX = 1000
STORY_MAX = 1000
SENSORY_STORY_MAX = 500
SUBSTEP_MAX = 120
CUSTOM_CALMING_MAX = 60
CALMING_PLAN_MAX = 20
MAX_STEPS = 30
MAX_SUBSTEPS = 12
FEAR_MIN, FEAR_MAX = 0, 10
# Neighbouring steps further apart than this feel like a cliff, not a rung.
BIG_JUMP = 3

# Body first: an anxious child's stress response settles through the body before words help.
CALMING_STRATEGIES: tuple[str, ...] = (
    "Deep pressure hug",
    "Weighted lap pad",
    "Roll a therapy ball",
    "Slow breathing: smell the flower, blow the candle",
    "Push the wall",
    "Cold water on hands",
    "Count 5 things you can see",
    "Squeeze a stress ball",
    "Listen to a favourite song",
)

ARCHIVED_MESSAGE = "This ladder is archived. Unarchive it to change it."

UPCOMING, CURRENT, MASTERED = "upcoming", "current", "mastered"


def area_label(area: str) -> str:
    """Return the words shown for an area key."""
    return AREAS.get(area, AREAS["other"])


def goal_problem(goal: str) -> str | None:
    """Return why a ladder goal is refused, or None."""
    if not goal.strip():
        return "Write the goal the ladder leads to."
    if len(goal.strip()) > GOAL_MAX:
        return f"Keep the goal to {GOAL_MAX} characters or fewer."
    return None


def area_problem(area: str) -> str | None:
    """Return why an area is refused, or None."""
    return None if area in AREAS else "Choose an area from the list."


def step_problem(title: str, detail: str, predicted_fear: object, social_story: str,
                 sensory_story: str = "") -> str | None:
    """Return why a step's fields are refused, or None."""
    if not title.strip():
        return "Give the step a short title."
    if len(title.strip()) > TITLE_MAX:
        return f"Keep the step title to {TITLE_MAX} characters or fewer."
    if len(detail) > DETAIL_MAX:
        return f"Keep the details to {DETAIL_MAX} characters or fewer."
    if len(social_story) > STORY_MAX:
        return f"Keep the social story to {STORY_MAX} characters or fewer."
    if len(sensory_story) > SENSORY_STORY_MAX:
        return f"Keep the sensory story to {SENSORY_STORY_MAX} characters or fewer."
    return fear_problem(predicted_fear)


def fear_problem(fear: object) -> str | None:
    """Return why a predicted fear rating is refused, or None."""
    # bool is an int in Python; True is not a fear rating.
    if isinstance(fear, bool) or not isinstance(fear, int) or not FEAR_MIN <= fear <= FEAR_MAX:
        return f"Predicted fear must be a whole number from {FEAR_MIN} to {FEAR_MAX}."
    return None


def substep_problem(text: str) -> str | None:
    """Return why a sub-step's text is refused, or None."""
    if not text.strip():
        return "Write the small step."
    if len(text.strip()) > SUBSTEP_MAX:
        return f"Keep each small step to {SUBSTEP_MAX} characters or fewer."
    return None


CALMING_PLAN = ChipList(
    CALMING_STRATEGIES, CUSTOM_CALMING_MAX, CALMING_PLAN_MAX,
    off_list="Choose strategies from the list.",
    own_too_long=f"Keep your own strategy to {CUSTOM_CALMING_MAX} characters or fewer.",
    too_many=f"A calming plan works best short: choose {CALMING_PLAN_MAX} or fewer.")


def calming_plan_after(current: Sequence[str], chosen: Sequence[str], custom: str) -> list[str]:
    """Return the new calming plan, or raise ValueError with a user-safe message."""
    return CALMING_PLAN.after(current, chosen, custom)


def neighbour_index(index: int, count: int, direction: str) -> int | None:
    """Return the index a step at `index` swaps with when moved, or None at either end."""
    if direction not in ("up", "down"):
        raise ValueError("Move a step up or down.")
    other = index - 1 if direction == "up" else index + 1
    return other if 0 <= other < count else None


def insert_index(fears: Sequence[int], fear: int) -> int:
    """Return where a new step with this predicted fear goes: before the first harder step,
    after every step as hard as it (so a ladder stays easy to hard as it grows)."""
    return next((i for i, existing in enumerate(fears) if existing > fear), len(fears))


def moved_to(items: Sequence, index: int, position: int) -> list:
    """Return the items with the one at `index` taken out and put back at 1-based `position`.

    Raises ValueError with a user-safe message when the position is not on the ladder.
    """
    if not 1 <= position <= len(items):
        raise ValueError(f"Choose a place from 1 to {len(items)}.")
    rest = list(items[:index]) + list(items[index + 1:])
    return [*rest[:position - 1], items[index], *rest[position - 1:]]


def skipped_by(statuses: Sequence[str], index: int) -> list[int]:
    """Return the indices of the waiting steps below `index`: the ones a jump to it would leave
    out. Moving on from the current step to the next skips nothing, nor does going back down."""
    return [i for i in range(index) if statuses[i] == UPCOMING]


def with_one_current(statuses: Sequence[str], prefer_from: int = 0) -> list[str]:
    """Return statuses with exactly one current step, unless every step is mastered.

    An existing current step stays current (the first one, if somehow there are several).
    Otherwise the first non-mastered step at or after `prefer_from` becomes current, falling back
    to the first non-mastered step from the top.
    """
    result = list(statuses)
    currents = [i for i, s in enumerate(result) if s == CURRENT]
    for extra in currents[1:]:
        result[extra] = UPCOMING
    if currents:
        return result
    open_steps = [i for i, s in enumerate(result) if s != MASTERED]
    later = [i for i in open_steps if i >= prefer_from]
    if chosen := (later or open_steps):
        result[chosen[0]] = CURRENT
    return result


def after_make_current(statuses: Sequence[str], index: int, *,
                       later_wait: bool = False) -> list[str]:
    """Return statuses after the step at `index` is chosen as the current one.

    With `later_wait` (a finished ladder reopened) the steps above it wait again, mastered or not.
    """
    if not 0 <= index < len(statuses):
        raise IndexError(index)
    result = [UPCOMING if s == CURRENT or (later_wait and i > index) else s
              for i, s in enumerate(statuses)]
    result[index] = CURRENT
    return result


def after_removal(statuses: Sequence[str], index: int) -> list[str]:
    """Return the remaining statuses once the step at `index` is removed.

    If the removed step was current, the next non-mastered step after it takes over.
    """
    remaining = list(statuses[:index]) + list(statuses[index + 1:])
    return with_one_current(remaining, prefer_from=index)


def big_jumps(fears: Sequence[int], limit: int = BIG_JUMP) -> list[int]:
    """Return the indices of steps whose predicted fear jumps more than `limit` above the last."""
    return [i for i in range(1, len(fears)) if fears[i] - fears[i - 1] > limit]


def suggested_next_fear(fears: Sequence[int]) -> int:
    """Return a gentle guess for a new last step's predicted fear: one above the last."""
    return min(FEAR_MAX, fears[-1] + 1) if fears else 2
