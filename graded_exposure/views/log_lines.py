"""The therapist's practice log, each practice's line written out once in Python.

The log lists a page of practices with their time, labels, prediction and context; the same
words built per row in the template (filters, tests, nested blocks) cost more than the rest of
the therapist's page template together. The words come from the same filters the other pages
use, so a label is still decided in one place.
"""
from typing import NamedTuple

from ..services.practices import PracticeRow
from .filters import machine_time, outcome_label, practice_context, win_label, zoned_when


class LogLine(NamedTuple):
    """One practice as the log shows it: every field plain text, "" when there is nothing."""

    id: int
    step_title: str
    iso_time: str  # for <time datetime>
    when: str  # 'Tue 6 May, 14:05' in the family's zone
    fears: str  # '5 → 6 → 2' (before, peak, after)
    outcome: str  # the stored key, for the badge's class
    outcome_words: str
    logged_by: str
    wins: str  # 'Eye contact, Laughed'
    predicted: str  # the prediction, how likely it felt, whether and how badly it came true
    leaned_on: str  # the safety behaviours chosen from the ladder's list
    safety_behaviours: str  # free text from before the list
    context: str  # where, with whom, when
    note: str


def _predicted(p) -> str:
    if not p.prediction:
        return ""
    words = p.prediction
    if p.expected_likelihood is not None:
        words += f" ({p.expected_likelihood} % likely)"
    if p.prediction_came_true:
        bad = f", how bad: {p.outcome_badness} %" if p.outcome_badness is not None else ""
        words += f" (came true: {p.prediction_came_true}{bad})"
    return words


def log_line(row: PracticeRow, tz: str) -> LogLine:
    """The log's line for one listed practice, its time in the zone `tz`."""
    p = row.practice
    return LogLine(
        id=p.id, step_title=row.step_title, iso_time=machine_time(p.practiced_at),
        when=zoned_when(p.practiced_at, tz),
        fears=f"{p.fear_before} → {p.fear_peak} → {p.fear_after}", outcome=p.outcome,
        outcome_words=outcome_label(p.outcome), logged_by=row.logged_by,
        wins=", ".join(win_label(win) for win in p.small_wins or ()),
        predicted=_predicted(p), leaned_on=", ".join(p.safety_used or ()),
        safety_behaviours=p.safety_behaviours or "", context=practice_context(p),
        note=p.note or "")


def log_lines(rows: list[PracticeRow], tz: str) -> list[LogLine]:
    """The log's lines for listed practices, in their order."""
    return [log_line(row, tz) for row in rows]
