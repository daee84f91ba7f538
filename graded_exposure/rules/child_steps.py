"""Which steps a child sees: only the next few, because a whole ladder can frighten.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Sequence
from typing import Protocol, TypeVar

from .ladder_rules import CURRENT, MASTERED, UPCOMING

MAX_SHOWN = 3


class StepLike(Protocol):
    position: int
    status: str


S = TypeVar("S", bound=StepLike)


def steps_for_child(steps: Sequence[S], limit: int = MAX_SHOWN) -> list[S]:
    """Return the current step, then the next upcoming ones: at most `limit`, never mastered.

    Without a current step the first upcoming one leads. Upcoming steps placed before the
    current one (after a reorder) are skipped: the child only looks forward.
    """
    limit = max(1, min(limit, MAX_SHOWN))
    ordered = sorted(steps, key=lambda step: step.position)
    current = next((step for step in ordered if step.status == CURRENT), None)
    after = current.position if current is not None else None
    upcoming = [step for step in ordered
                if step.status == UPCOMING and (after is None or step.position > after)]
    shown = [current] if current is not None else []
    return shown + upcoming[:limit - len(shown)]


def mastered_count(steps: Sequence[StepLike]) -> int:
    """Count the mastered steps, for the child's "you've mastered N steps" stars."""
    return sum(1 for step in steps if step.status == MASTERED)
