"""Who needs a therapist's attention first: flags and practice days against the target.

Definitions:
- Practice *adherence* compares practice days (local calendar days with at least one practice)
  with the target the therapist set: `target` days in the last 7 days, and `target * 4` days in
  the last 28.
- A child is *behind target* when the last 7 days hold fewer practice days than the target.
- A child *needs attention* when any flag is raised or they are behind target. The caseload
  lists those children first: most flags first, then furthest behind, then by name.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable
from datetime import date

WEEK, FOUR_WEEKS = 7, 28


def practice_days_within(days: Iterable[date], today: date, window: int) -> int:
    """Count distinct practice days in the `window` days ending today (today included)."""
    return len({d for d in days if 0 <= (today - d).days < window})


def is_behind_target(days_last_7: int, target: int) -> bool:
    """True when the last seven days hold fewer practice days than the target."""
    return days_last_7 < target


def needs_attention(flag_count: int, days_last_7: int, target: int) -> bool:
    """True when a flag is raised or practice is behind the target."""
    return flag_count > 0 or is_behind_target(days_last_7, target)


def attention_key(flag_count: int, days_last_7: int, target: int, name: str) -> tuple:
    """Sort key: children needing attention first, most flags, furthest behind, then by name."""
    return (0 if needs_attention(flag_count, days_last_7, target) else 1, -flag_count,
            days_last_7 - target, name.casefold())
