"""Two voices on one try: the child's faces and the caregiver's numbers, and how far apart they are.

One practice carries both ratings of a try: the child's (faces in the child view, on the 0-10
scale through rules/faces.py) and the caregiver's (numbers). Which one counts for mastery,
stars and charts is decided here, once: the caregiver's numbers when they are given, else the
child's faces (`counted_fears`). A try is one practice whoever rates it, so it is never counted
twice.

Agreement: a try rated by both has a gap, the child's rating minus the caregiver's, each the
average of fear before and after (the child rates no peak). A gap of LARGE_GAP points or more
is a large one. The therapist sees the last AGREEMENT_TRIES tries rated by both; when at least
TALKING_POINT_TRIES of them have a large gap the same way, that is a talking point. Children
and parents often see a child's fear differently, and the difference is informative, never an
error. Each default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Sequence
from dataclasses import dataclass

from . import practice_rules

LARGE_GAP = 3  # points on the 0-10 scale: more than a face's rounding (at most 1)
AGREEMENT_TRIES = 5  # the latest tries rated by both that the therapist sees
TALKING_POINT_TRIES = 2  # large gaps the same way, in that window, that make a talking point

SCARIER, LESS_SCARY = "scarier", "less_scary"


@dataclass(frozen=True)
class Fears:
    """A try's fear before, peak and after; peak None means "not given"."""

    before: int | None
    peak: int | None
    after: int | None


def counted_fears(caregiver: Fears, child_before: int | None,
                  child_after: int | None) -> Fears:
    """Return the fears that count: the caregiver's numbers when given, else the child's faces."""
    if caregiver.before is not None and caregiver.after is not None:
        return caregiver
    if child_before is not None and child_after is not None:
        return Fears(child_before, None, child_after)
    return caregiver


def caregiver_has_rated(caregiver: Fears) -> bool:
    """True when the caregiver gave their numbers (before and after) for the try."""
    return caregiver.before is not None and caregiver.after is not None


def child_fear_problem(before: int | None, after: int | None) -> str | None:
    """Return why a child's faces cannot be stored, or None (both, or neither, on 0-10)."""
    if before is None and after is None:
        return None
    for value in (before, after):
        if not isinstance(value, int) or isinstance(value, bool) or not (
                practice_rules.FEAR_MIN <= value <= practice_rules.FEAR_MAX):
            return "Tap a face for before and a face for after."
    return None


@dataclass(frozen=True)
class RatedTry:
    """One try rated by both voices, for the agreement view."""

    child_before: int
    child_after: int
    caregiver_before: int
    caregiver_after: int

    @property
    def child_level(self) -> float:
        return (self.child_before + self.child_after) / 2

    @property
    def caregiver_level(self) -> float:
        return (self.caregiver_before + self.caregiver_after) / 2

    @property
    def gap(self) -> float:
        """The child's rating minus the caregiver's: above 0, the child found it scarier."""
        return self.child_level - self.caregiver_level

    @property
    def direction(self) -> str | None:
        """SCARIER or LESS_SCARY when the gap is a large one, else None."""
        if self.gap >= LARGE_GAP:
            return SCARIER
        if self.gap <= -LARGE_GAP:
            return LESS_SCARY
        return None


@dataclass(frozen=True)
class Agreement:
    """The latest tries rated by both (oldest first) and what they say together."""

    tries: tuple[RatedTry, ...]

    @property
    def mean_gap(self) -> float | None:
        """The average gap (child minus caregiver), or None with no tries."""
        if not self.tries:
            return None
        return sum(t.gap for t in self.tries) / len(self.tries)

    @property
    def scarier(self) -> int:
        """Tries the child rated scarier by a large gap."""
        return sum(t.direction == SCARIER for t in self.tries)

    @property
    def less_scary(self) -> int:
        """Tries the child rated less scary by a large gap."""
        return sum(t.direction == LESS_SCARY for t in self.tries)

    @property
    def talking_point(self) -> str | None:
        """SCARIER or LESS_SCARY when enough large gaps go that way (scarier first), else None."""
        if self.scarier >= TALKING_POINT_TRIES and self.scarier >= self.less_scary:
            return SCARIER
        if self.less_scary >= TALKING_POINT_TRIES:
            return LESS_SCARY
        return None


def agreement(tries: Sequence[RatedTry]) -> Agreement:
    """Return the agreement over the last AGREEMENT_TRIES of these tries (oldest first)."""
    return Agreement(tuple(tries)[-AGREEMENT_TRIES:])
