"""What a therapist's record of one session may hold, checked without a database.

A record says when the session was (not in the future, not more than two years back), where
(in person or telehealth) and whether it happened; what the child showed, how engaged they
were on a five-point scale with plain anchors, what calmed the body first, each approach tried
marked clicked / partly / didn't, small wins, and a private note. Only the date, the mode and
the attendance are required: the rest is optional, so the common case takes a few taps.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..vocabulary import (
    APPROACH_RESULTS,
    APPROACHES,
    ATTENDANCE,
    ENGAGEMENT_LEVELS,
    SESSION_MODES,
    SESSION_PRESENTATIONS,
    SESSION_WINS,
    Attendance,
)

OLDEST_DAYS = 730
MAX_NOTE = 2000
MAX_CUSTOM = 60
MAX_CALMING, MAX_CALMING_LENGTH = 12, 80
CUSTOM = "custom"  # the key of the therapist's own approach, named in `custom_approach`


@dataclass
class SessionDetails:
    """What the session form sends, as plain values."""

    held_on: date | None
    mode: str
    attendance: str
    presentations: list[str] = field(default_factory=list)
    engagement: int | None = None
    calming: list[str] = field(default_factory=list)
    approaches: dict[str, str] = field(default_factory=dict)
    custom_approach: str = ""
    wins: list[str] = field(default_factory=list)
    note: str = ""


def day_problem(day: date | None, today: date, what: str = "the session") -> str | None:
    """What is wrong with the date of a session (`what`: a record's, or the link's last one),
    or None: not in the future, not more than two years back. `today` is the newest date
    anywhere (rules/timezones.newest_date): a therapist may be a day ahead of the family."""
    if not isinstance(day, date):
        return f"Enter the date of {what}."
    if day > today:
        return f"{what[0].upper()}{what[1:]} can't be in the future. Enter the day it happened."
    if day < today - timedelta(days=OLDEST_DAYS):
        return "That date is more than two years ago. Check the year."
    return None


def problem_with(details: SessionDetails, today: date) -> str | None:
    """Return what is wrong with the record in plain words, or None when it may be stored."""
    if problem := day_problem(details.held_on, today):
        return problem
    if details.mode not in SESSION_MODES:
        return "Choose in person or telehealth."
    if details.attendance not in ATTENDANCE:
        return "Choose whether the session happened."
    return _problem_with_what_happened(details)


def _problem_with_what_happened(details: SessionDetails) -> str | None:
    if not set(details.presentations) <= set(SESSION_PRESENTATIONS):
        return "Choose what the child showed from the list."
    if details.engagement is not None and details.engagement not in ENGAGEMENT_LEVELS:
        return f"Engagement is a number from 1 to {max(ENGAGEMENT_LEVELS)}."
    if len(details.calming) > MAX_CALMING or any(
            not item or len(item) > MAX_CALMING_LENGTH for item in details.calming):
        return (f"Choose at most {MAX_CALMING} calming strategies, each at most "
                f"{MAX_CALMING_LENGTH} characters.")
    known = set(APPROACHES) | {CUSTOM}
    if not set(details.approaches) <= known or not set(
            details.approaches.values()) <= set(APPROACH_RESULTS):
        return "Mark each approach clicked, partly or didn't, from the list."
    if len(details.custom_approach) > MAX_CUSTOM:
        return f"Name your own approach in at most {MAX_CUSTOM} characters."
    if (CUSTOM in details.approaches) != bool(details.custom_approach):
        return "Name your own approach and mark how it went, or leave both empty."
    if not set(details.wins) <= set(SESSION_WINS):
        return "Choose the small wins from the list."
    if len(details.note) > MAX_NOTE:
        return f"The note can be at most {MAX_NOTE} characters; this one has {len(details.note)}."
    if details.attendance == Attendance.CANCELLED and _anything_observed(details):
        return "A cancelled session has nothing to record about the child. Choose attended."
    return None


def _anything_observed(details: SessionDetails) -> bool:
    return bool(details.presentations or details.engagement is not None or details.calming
                or details.approaches or details.wins)
