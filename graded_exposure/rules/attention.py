"""Who needs a therapist's attention first: flags and practice days against the target.

Definitions:
- Practice *adherence* compares practice days (local calendar days with at least one practice)
  with the target the therapist set: `target` days in the last 7 days, and `target * 4` days in
  the last 28.
- A child is *behind target* when the last 7 days hold fewer practice days than the target,
  once the family consented to the link a week or more ago (before that, the 7 days reach back
  to before the target was agreed).
- A child *needs attention* when any flag is raised or they are behind target, and every mark
  names its *reasons*: hopelessness first (rules/hopelessness.py: it points to more help),
  then behind target, then each other flag. The caseload and the
  since-last-session summary both show attention_reasons, so they can never disagree. The
  caseload lists a child with a FIRST_KINDS flag first, then those needing attention: most
  flags first, then furthest behind, then by name.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .flags import Flag
from .timezones import local_date

WEEK, FOUR_WEEKS = 7, 28
# Reasons shown before every other: a sign the child may need more help than practice.
FIRST_KINDS = ("hopelessness",)


def practice_days_within(days: Iterable[date], today: date, window: int) -> int:
    """Count distinct practice days in the `window` days ending today (today included)."""
    return len({d for d in days if 0 <= (today - d).days < window})


def is_behind_target(days_last_7: int, target: int, days_linked: int = WEEK) -> bool:
    """True when the last seven days hold fewer practice days than the target, once the link
    has a whole week behind it: before that, those days reach back to before the target was
    agreed (a family linked today is not behind)."""
    return days_linked >= WEEK and days_last_7 < target


def days_linked(consented_at: datetime | None, tz: str, today: date) -> int:
    """Whole days since the family consented to the link, on the family's calendar (a week
    when the link does not say)."""
    return WEEK if consented_at is None else (today - local_date(consented_at, tz)).days


@dataclass(frozen=True)
class Reason:
    """Why a child needs attention, in a few words: a flag's kind or behind_target."""

    kind: str
    text: str
    suggestion: str


def attention_reasons(flags: list[Flag], days_last_7: int, target: int,
                      days_linked: int = WEEK) -> list[Reason]:
    """Every reason a child needs attention today (none: on track)."""
    first = [Reason(f.kind, f.message, f.suggestion) for f in flags if f.kind in FIRST_KINDS]
    found = []
    if is_behind_target(days_last_7, target, days_linked):
        days = "day" if target == 1 else "days"
        found.append(Reason("behind_target", f"Behind target: practised on {days_last_7} of "
                                             f"{target} {days} in the last 7 days.",
                            "Agree with the family on days and times that fit their week; "
                            "a short practice counts."))
    return first + found + [Reason(flag.kind, flag.message, flag.suggestion) for flag in flags
                            if flag.kind not in FIRST_KINDS]


def needs_attention(flag_count: int, days_last_7: int, target: int,
                    days_linked: int = WEEK) -> bool:
    """True when a flag is raised or practice is behind the target."""
    return flag_count > 0 or is_behind_target(days_last_7, target, days_linked)


def attention_key(flag_count: int, days_last_7: int, target: int, name: str, *,
                  first_kind_raised: bool = False, days_linked: int = WEEK) -> tuple:
    """Sort key: a FIRST_KINDS flag before anything else (however many flags others have),
    then children needing attention, most flags, furthest behind, then by name."""
    return (0 if first_kind_raised else 1,
            0 if needs_attention(flag_count, days_last_7, target, days_linked) else 1,
            -flag_count, days_last_7 - target, name.casefold())
