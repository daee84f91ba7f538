"""Plain records the insight, mastery and flag rules read: no ORM, no time zones left to apply.

Services turn stored rows into these, with every moment already turned into the family's
local calendar day, so the rules below are pure and easy to test.
"""
from dataclasses import dataclass, field
from datetime import date

from ..vocabulary import Outcome

TRIED_OUTCOMES = frozenset({Outcome.DID_IT, Outcome.PARTLY, Outcome.LEFT_EARLY})


@dataclass(frozen=True)
class PracticeFact:
    day: date
    step_id: int
    fear_before: int
    fear_peak: int
    fear_after: int
    outcome: str
    place: str = ""  # the practice's context_where, "" when not told
    with_whom: str = ""  # its context_with
    safety_used: tuple[str, ...] = ()  # the safety behaviours the child leaned on

    @property
    def tried(self) -> bool:
        return self.outcome in TRIED_OUTCOMES


@dataclass(frozen=True)
class AvoidanceFact:
    """One thing avoided on a day: its kind, the family's note, and how they stepped in."""

    kind: str
    note: str = ""
    accommodations: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckInFact:
    day: date
    child_distress: int
    avoided: tuple[str, ...] = ()
    accommodations: tuple[str, ...] = field(default=())
    # Each avoidance with its note and its own accommodations, where a rule needs them paired.
    details: tuple[AvoidanceFact, ...] = ()
