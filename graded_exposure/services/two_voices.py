"""Both voices on one try: the child adds faces, the caregiver adds numbers, to one practice.

Neither adds a practice, so a try is counted once; which voice counts is
rules/two_voices.counted_fears. The agreement between the two is read from rows the pages
already load (the practice log, the summary's period), never by a query of its own.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, Practice, Step, UTCDateTime, utcnow
from ..rules import practice_rules, two_voices
from ..rules.timezones import local_date, local_midnight


@dataclass
class TryToRate:
    """A try the grown-ups logged today that the child has not rated yet."""

    practice_id: int
    step_title: str


@dataclass
class VoicesView:
    """The latest tries rated by both, as rows to list, and their agreement (same order)."""

    rows: list
    agreement: two_voices.Agreement
    large_gap: int = two_voices.LARGE_GAP

    @property
    def pairs(self) -> list[tuple]:
        """Each listed row with its rated try."""
        return list(zip(self.rows, self.agreement.tries, strict=True))


def add_child_rating(session: Session, practice: Practice, before: int, after: int) -> Practice:
    """Store the child's faces on a try; the faces a try already has are kept."""
    if problem := two_voices.child_fear_problem(before, after):
        raise DomainError(problem)
    if practice.child_fear_before is not None:
        if (practice.child_fear_before, practice.child_fear_after) == (before, after):
            return practice  # the same faces sent twice
        raise DomainError("You told us about this try already. Thank you!")
    _store(practice, two_voices.Fears(practice.fear_before, practice.fear_peak,
                                      practice.fear_after)
           if practice.caregiver_rated else two_voices.Fears(None, None, None), before, after)
    session.commit()
    return practice


def add_caregiver_rating(session: Session, practice: Practice, before: int, peak: int | None,
                         after: int) -> Practice:
    """Store the caregiver's numbers on a try only the child has rated."""
    if peak is None and isinstance(before, int) and isinstance(after, int):
        peak = practice_rules.default_peak(before, after)
    if problem := practice_rules.fear_problem(before, peak, after):
        raise DomainError(problem)
    if practice.caregiver_rated:
        if (practice.fear_before, practice.fear_peak, practice.fear_after) == (before, peak, after):
            return practice  # the same rating sent twice
        raise DomainError("This try has your rating already. To change it, edit the practice.")
    _store(practice, two_voices.Fears(before, peak, after), practice.child_fear_before,
           practice.child_fear_after)
    session.commit()
    return practice


def _store(practice: Practice, caregiver: two_voices.Fears, child_before: int | None,
           child_after: int | None) -> None:
    counted = two_voices.counted_fears(caregiver, child_before, child_after)
    practice.fear_before, practice.fear_after = counted.before, counted.after
    practice.fear_peak = (counted.peak if counted.peak is not None
                          else practice_rules.default_peak(counted.before, counted.after))
    practice.child_fear_before, practice.child_fear_after = child_before, child_after
    practice.caregiver_rated = two_voices.caregiver_has_rated(caregiver)
    practice.updated_at = utcnow()


_UNRATED_TODAY = (
    select(Practice.id, Step.title).join(Step, Step.id == Practice.step_id)
    .where(Practice.child_id == bindparam("child_id"), Practice.child_fear_before.is_(None),
           Practice.practiced_at >= bindparam("since", type_=UTCDateTime))
    .order_by(Practice.practiced_at.desc(), Practice.id.desc()).limit(1))


def try_to_rate_today(session: Session, child: Child,
                      now: datetime | None = None) -> TryToRate | None:
    """Return the latest try of the child's local today without the child's faces, if any."""
    tz = child.family.timezone
    since = local_midnight(local_date(now or utcnow(), tz), tz)
    row = session.connection().execute(_UNRATED_TODAY,
                                       {"child_id": child.id, "since": since}).first()
    return TryToRate(practice_id=row.id, step_title=row.title) if row else None


def rated_by_both(practice) -> bool:
    """True when a practice (or a listed row of it) has the child's faces and caregiver numbers."""
    return practice.child_fear_before is not None and practice.caregiver_rated


def voices_of(rows: list) -> VoicesView:
    """The agreement over PracticeRows (oldest first) of the latest tries rated by both."""
    both = [row for row in rows if rated_by_both(row.practice)]
    found = two_voices.agreement([
        two_voices.RatedTry(row.practice.child_fear_before, row.practice.child_fear_after,
                            row.practice.fear_before, row.practice.fear_after) for row in both])
    return VoicesView(rows=both[len(both) - len(found.tries):], agreement=found)
