"""Practice streaks and the stars a child earns for brave tries.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from datetime import date, timedelta

from .facts import PracticeFact


def current_streak(practice_days: set[date], today: date) -> int:
    """Count consecutive practice days ending today (or yesterday, while today is still open)."""
    day = today if today in practice_days else today - timedelta(days=1)
    streak = 0
    while day in practice_days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def longest_streak(practice_days: set[date]) -> int:
    """Return the longest run of consecutive practice days."""
    best = 0
    for day in practice_days:
        if day - timedelta(days=1) in practice_days:
            continue  # not the start of a run
        length = 1
        while day + timedelta(days=length) in practice_days:
            length += 1
        best = max(best, length)
    return best


# Highest fear faced in a try from which it earns one more star, and one more again.
BRAVER_FROM, BRAVEST_FROM = 4, 7


def fear_faced(practice: PracticeFact) -> int:
    """The highest fear the child faced in a try: before it, or at its peak."""
    return max(practice.fear_before, practice.fear_peak)


def stars_for(practice: PracticeFact) -> int:
    """Stars for one practice: bravery at higher fear earns more than a calm try.

    1 star for trying at all, +1 when the highest fear faced (before or at the peak) was 4 or
    more, +1 more when it was 7 or more: a child calm at the start who stayed through a fear
    of 9 was as brave as one who started at 9. A practice that was not tried earns none.
    """
    if not practice.tried:
        return 0
    faced = fear_faced(practice)
    return 1 + (faced >= BRAVER_FROM) + (faced >= BRAVEST_FROM)
