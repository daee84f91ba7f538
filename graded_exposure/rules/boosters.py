"""Boosters after the top of a ladder, and the check that can reopen it.

Definitions:
- A ladder is *complete* when it has steps and every one is mastered; it was completed on the
  family's local date of the newest mastery (the top step's, in the usual order).
- Fear that was learned away can come back with time, a new place or a hard week. So the
  family is offered a booster practice BOOSTER_WEEKS after that date (1, 2, 4 and 8 weeks),
  each on its own local date at the wall time the family chose, whatever the clocks do. A
  family that comes back after the last of those days counts from the day it accepts.
- The relapse check asks three questions answered No (0), A little (1), Yes (2), A lot (3):
  avoiding again, fear back, stepping in again. The old avoidance is *creeping back* when one
  answer is at least CREEPING_ANSWER or the three add up to at least CREEPING_TOTAL.
- Reopening starts again at the lowest step the family marks as hard again (or the top step
  when none is marked): that step becomes current, the steps above it wait again, the ones
  below stay mastered. Starting any higher would skip a step that is hard again.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from .ladder_rules import MASTERED
from .schedule import occurrence_utc

BOOSTER_WEEKS = (1, 2, 4, 8)
CREEPING_ANSWER = 2
CREEPING_TOTAL = 3

DEFAULT_TIME = "18:00"
ANSWERS = ((0, "No"), (1, "A little"), (2, "Yes"), (3, "A lot"))
ANSWER_MAX = 3
QUESTIONS = (
    ("avoiding", "Has {name} started avoiding this again?"),
    ("fear", "Has the fear come back on steps that had become easy?"),
    ("accommodating", "Have you found yourselves stepping in again (doing it for {name}, "
                      "excusing, reassuring)?"),
)
REOPEN_WORDS = ("We start again at the lowest step that feels hard again: the steps above it "
                "are practised again, and the ones below stay mastered.")


class StepLike(Protocol):
    id: int
    position: int
    status: str


def is_complete(statuses: Iterable[str]) -> bool:
    """Return True when a ladder has steps and every one of them is mastered."""
    statuses = list(statuses)
    return bool(statuses) and all(status == MASTERED for status in statuses)


def booster_dates(completed_on: date, weeks: Sequence[int] = BOOSTER_WEEKS) -> list[date]:
    """Return the local dates of the boosters: that many weeks after the completion day."""
    return [completed_on + timedelta(weeks=w) for w in weeks]


def counted_from(completed_on: date, today: date) -> date:
    """Return the day boosters count from: the finishing day, or today once all its days passed."""
    return completed_on if booster_dates(completed_on)[-1] > today else today


def booster_moments(completed_on: date, local_time: str, tz: str) -> list[tuple[date, datetime]]:
    """Return (local date, UTC moment) of each booster, at `local_time` on its own date."""
    return [(day, occurrence_utc(day, local_time, tz)) for day in booster_dates(completed_on)]


@dataclass(frozen=True)
class RelapseAnswers:
    """The three answers of a relapse check, each 0 (No) to 3 (A lot)."""

    avoiding: int
    fear: int
    accommodating: int

    def __post_init__(self):
        for value in (self.avoiding, self.fear, self.accommodating):
            if not (isinstance(value, int) and 0 <= value <= ANSWER_MAX):
                raise ValueError(f"an answer is 0 to {ANSWER_MAX}: {value!r}")

    @property
    def total(self) -> int:
        return self.avoiding + self.fear + self.accommodating


def is_creeping_back(answers: RelapseAnswers) -> bool:
    """Return True when one answer is "Yes" or more, or the answers add up to the threshold."""
    highest = max(answers.avoiding, answers.fear, answers.accommodating)
    return highest >= CREEPING_ANSWER or answers.total >= CREEPING_TOTAL


def reopen_position(steps: Sequence[StepLike], hard_again: Iterable[int]) -> int:
    """Return the position to start again at: the lowest step marked hard, else the top one."""
    positions = {step.position for step in steps}
    marked = [p for p in hard_again if p in positions]
    return min(marked) if marked else max(positions)
