"""When hopelessness shows: a flag that points the therapist to more help.

Definitions:
- A session *counts* when it was recorded as attended or declined (the child came but would
  not join in); a cancelled session says nothing about how the child felt, so it is passed
  over. Sessions on the same day keep the order given (the order they were recorded).
- The flag is raised when "hopeless" was marked in at least HOPELESS_SESSIONS of the last
  RECENT_SESSIONS counted sessions, or when a caregiver's check-in within the last
  HOPEFUL_WORDS_DAYS days (today included) noted that the child said things like "nothing
  will help" or talked about not wanting to be here.
- One hopeless session among the last three, or an ordinary bad day (high distress, a lot of
  avoidance), never raises it.

Source: the thresholds are the team's default (Brave Steps team 2026), leaning on NICE
guideline NG134 (2019) "Depression in children and young people: identification and
management", which asks professionals to refer on when there are signs of risk. The flag is a
prompt to follow the practice's referral pathway, not an assessment of risk.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..vocabulary import Attendance
from .flags import Flag

RECENT_SESSIONS = 3
HOPELESS_SESSIONS = 2
HOPEFUL_WORDS_DAYS = 14
COUNTED_ATTENDANCE = (Attendance.ATTENDED, Attendance.DECLINED)


@dataclass(frozen=True)
class SessionMark:
    """A recorded session as this rule sees it: its day, attendance and whether "hopeless"
    was marked."""

    held_on: date
    attendance: str
    hopeless: bool


def hopeless_in_recent_sessions(sessions: Iterable[SessionMark]) -> int:
    """How many of the last RECENT_SESSIONS counted sessions were marked hopeless."""
    counted = sorted((s for s in sessions if s.attendance in COUNTED_ATTENDANCE),
                     key=lambda s: s.held_on)
    return sum(s.hopeless for s in counted[-RECENT_SESSIONS:])


def words_noted_recently(checkin_days: Iterable[date], today: date) -> bool:
    """True when a check-in noting hopeless words falls within the last HOPEFUL_WORDS_DAYS."""
    return any(0 <= (today - day).days < HOPEFUL_WORDS_DAYS for day in checkin_days)


def hopelessness_flag(sessions: Sequence[SessionMark], words_days: Iterable[date],
                      today: date) -> Flag | None:
    """The hopelessness flag, or None. words_days: days of check-ins noting hopeless words."""
    return flag_from_facts(hopeless_in_recent_sessions(sessions),
                           max(words_days, default=None), today)


def flag_from_facts(hopeless_sessions: int, words_day: date | None, today: date) -> Flag | None:
    """The flag from the stored facts: hopeless marks among the last RECENT_SESSIONS counted
    sessions, and the latest day a check-in noted hopeless words (services/child_summary.py)."""
    from_sessions = hopeless_sessions >= HOPELESS_SESSIONS
    from_words = words_day is not None and words_noted_recently([words_day], today)
    if not (from_sessions or from_words):
        return None
    if from_sessions:
        message = (f"Hopelessness was noted in {hopeless_sessions} of the "
                   f"last {RECENT_SESSIONS} sessions.")
    else:
        message = ("A caregiver noted this fortnight that the child said things like "
                   "\u201cnothing will help\u201d.")
    return Flag("hopelessness", message,
                "Check in with the family soon and follow your practice's referral pathway.")
