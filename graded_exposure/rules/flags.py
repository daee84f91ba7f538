"""Flags: patterns that deserve attention, each with a plain suggestion of what to try.

Definitions:
- no_practice: no practice logged for `days` (default 3) days or more, counted from the last
  practice day (or from when the child's first active ladder was made) to today.
- stuck_easy: an active ladder's current step has predicted fear 3 or below and has been the
  current step for 14 days or more.
- fear_not_falling: a step has 5 or more practices and, over its last 5, the peak fear has no
  downward trend (least-squares slope >= 0).
- avoidance_rising: more avoidances were recorded in the last 7 days than in the 7 days before,
  and at least 2 in the last 7; it speaks only when the family was already checking in for the
  whole week before (its first check-in is on or before that week's first day), so a first
  week never reads as "rising from 0".

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from dataclasses import dataclass
from datetime import date, timedelta

from .facts import CheckInFact, PracticeFact

NO_PRACTICE_DAYS = 3
STUCK_EASY_FEAR = 3
STUCK_EASY_DAYS = 14
FEAR_WINDOW = 5


@dataclass(frozen=True)
class Flag:
    kind: str
    message: str
    suggestion: str


def no_practice_flag(practice_days: set[date], since: date | None, today: date,
                     days: int = NO_PRACTICE_DAYS) -> Flag | None:
    """Flag when no practice was logged for `days` days or more."""
    last = max(practice_days) if practice_days else since
    if last is None or (today - last).days < days:
        return None
    gap = (today - last).days
    return Flag("no_practice", f"No practice logged for {gap} days.",
                "Pick the easiest step and do it once today, even for a minute. Small and "
                "often beats big and rare.")


def stuck_easy_flag(step_title: str, predicted_fear: int, current_since: date | None,
                    today: date) -> Flag | None:
    """Flag an easy current step that has stayed current for two weeks or more."""
    if current_since is None or predicted_fear > STUCK_EASY_FEAR:
        return None
    days = (today - current_since).days
    if days < STUCK_EASY_DAYS:
        return None
    return Flag("stuck_easy", f"“{step_title}” is an easy step and has been the current step "
                f"for {days} days.",
                "If it feels easy now, try the next step. If the next one feels too big, "
                "add a smaller step in between.")


def _slope(values: list[int]) -> float:
    n = len(values)
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in enumerate(values))
    den = sum((x - mean_x) ** 2 for x in range(n))
    return num / den


def fear_not_falling_flag(step_title: str, practices: list[PracticeFact]) -> Flag | None:
    """Flag a step whose peak fear shows no downward trend over its last five practices."""
    return fear_not_falling(step_title) if fear_is_not_falling(practices) else None


def fear_is_not_falling(practices: list[PracticeFact]) -> bool:
    """True when the last five tried practices' peak fear has no downward trend.

    It depends on those practices alone, not on the day it is asked: the caseload's stored
    summary keeps the answer (services/child_summary.py).
    """
    tried = [p for p in sorted(practices, key=lambda p: p.day) if p.tried]
    return peaks_not_falling([p.fear_peak for p in tried])


def peaks_not_falling(peaks: list[int]) -> bool:
    """fear_is_not_falling, from the peak fears of a step's tried practices, oldest first."""
    return len(peaks) >= FEAR_WINDOW and _slope(peaks[-FEAR_WINDOW:]) >= 0


def fear_not_falling(step_title: str) -> Flag:
    """The fear-not-falling flag of a step."""
    return Flag("fear_not_falling", f"Fear is not falling on “{step_title}” over the last "
                f"{FEAR_WINDOW} practices.",
                "Stay in the situation until fear drops a little before leaving, cut back on "
                "reassurance and safety behaviours, or split the step into smaller ones.")


def has_week_before(first_checkin: date | None, today: date) -> bool:
    """True when check-ins reach back over the whole 7 days before the last 7."""
    return first_checkin is not None and first_checkin <= today - timedelta(days=13)


def avoidance_rising_flag(checkins: list[CheckInFact], today: date,
                          first_checkin: date | None) -> Flag | None:
    """Flag when avoidance in the last 7 days rose above the 7 days before (given a week
    before to compare with: first_checkin is the family's first check-in day)."""
    if not has_week_before(first_checkin, today):
        return None

    def count(start: date, end: date) -> int:
        return sum(len(c.avoided) for c in checkins if start <= c.day <= end)

    recent = count(today - timedelta(days=6), today)
    before = count(today - timedelta(days=13), today - timedelta(days=7))
    if recent < 2 or recent <= before:
        return None
    return Flag("avoidance_rising", f"Avoidance is rising: {recent} times in the last 7 days, "
                f"{before} in the week before.",
                "Choose one avoided situation and turn it into a small ladder step to practise "
                "this week; keep accommodations the same or fewer, not more.")
