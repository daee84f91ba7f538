"""The avoidance trap: calm bought by avoiding versus calm earned by facing.

Definitions (shown to families in plain words on the insights page):
- A *calm day* is a day with a check-in whose child distress is CALM_MAX (3) or less on 0-10.
- A calm day is *bought by avoidance* when that day's check-in records anything avoided or any
  accommodation (keeping home, excusing, speaking for the child, repeated reassurance,
  changing a routine, other).
- Every other calm day is *earned by facing*: nothing was avoided or accommodated (whether or
  not a practice was logged that day). So bought + earned = calm days, always.
- Weeks start on Monday, in the family's local calendar.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from .facts import CheckInFact

CALM_MAX = 3


def is_calm(checkin: CheckInFact) -> bool:
    """True when the child's distress that day was low enough to look like a good day."""
    return checkin.child_distress <= CALM_MAX


def is_bought_by_avoidance(checkin: CheckInFact) -> bool:
    """True for a calm day on which something was avoided or accommodated."""
    return is_calm(checkin) and bool(checkin.avoided or checkin.accommodations)


@dataclass(frozen=True)
class CalmSplit:
    calm: int
    bought: int
    earned: int
    checkins: int


def calm_days_split(checkins: list[CheckInFact], start: date, end: date) -> CalmSplit:
    """Count calm days bought by avoidance and earned by facing from start to end inclusive."""
    days = [c for c in checkins if start <= c.day <= end]
    calm = [c for c in days if is_calm(c)]
    bought = sum(1 for c in calm if is_bought_by_avoidance(c))
    return CalmSplit(calm=len(calm), bought=bought, earned=len(calm) - bought, checkins=len(days))


def calm_days_bought_by_avoidance(checkins: list[CheckInFact], today: date,
                                  days: int = 7) -> CalmSplit:
    """Split the calm days of the last `days` days (today included)."""
    return calm_days_split(checkins, today - timedelta(days=days - 1), today)


def trap_sentence(split: CalmSplit, days: int = 7) -> str:
    """Say in one honest sentence how much of the recent calm came from avoidance."""
    if split.checkins == 0:
        return (f"No day check-ins in the last {days} days yet. A one-minute check-in shows "
                "whether calm days were earned by facing fears or bought by avoiding them.")
    if split.calm == 0:
        return f"None of the last {days} days with a check-in was a calm day."
    if split.calm == 1:
        how = ("a day something was avoided or accommodated" if split.bought
               else "earned: nothing was avoided on it")
        return f"The one calm day in the last {days} days was {how}."
    if split.bought == 0:
        return (f"All {split.calm} calm days in the last {days} days were earned: "
                "nothing was avoided on them.")
    return (f"{split.bought} of the last {split.calm} calm days were days something was "
            "avoided or accommodated.")


def week_start(day: date) -> date:
    """Return the Monday of the week that holds day."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekOfAvoidance:
    start: date
    calm: CalmSplit
    avoidances: int
    accommodations: int
    accommodation_kinds: dict[str, int]


def weekly_avoidance(checkins: list[CheckInFact], today: date,
                     weeks: int = 8) -> list[WeekOfAvoidance]:
    """Per week (oldest first, the current week last): calm split, avoidances, accommodations."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    result = []
    for i in range(weeks):
        start = first + timedelta(weeks=i)
        end = start + timedelta(days=6)
        days = [c for c in checkins if start <= c.day <= end]
        kinds = Counter(kind for c in days for kind in c.accommodations)
        result.append(WeekOfAvoidance(
            start=start, calm=calm_days_split(days, start, end),
            avoidances=sum(len(c.avoided) for c in days),
            accommodations=sum(kinds.values()), accommodation_kinds=dict(kinds)))
    return result


def accommodation_trend(weeks: list[WeekOfAvoidance]) -> str:
    """'rising', 'falling' or 'steady': the last two full weeks against the two before them.

    The current (partial) week is left out so a Monday never looks like a sudden fall.
    """
    full = weeks[:-1]
    if len(full) < 4:
        return "steady"
    recent = sum(w.accommodations for w in full[-2:])
    before = sum(w.accommodations for w in full[-4:-2])
    if recent > before:
        return "rising"
    if recent < before:
        return "falling"
    return "steady"
