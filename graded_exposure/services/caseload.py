"""A therapist's caseload: every linked child with last activity, adherence, current steps, flags.

Loads everything for all linked children in a fixed number of queries (never one set per
child), turns rows into local-day facts and hands them to the pure rules (flags, attention).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import (
    Avoidance,
    Child,
    DayCheckIn,
    Family,
    Ladder,
    Practice,
    Step,
    TherapistLink,
    TherapistNote,
    User,
    utcnow,
)
from ..rules import attention, flags
from ..rules.facts import TRIED_OUTCOMES, CheckInFact
from ..rules.flags import Flag
from ..rules.timezones import local_date
from ..vocabulary import LinkStatus
from . import audit
from .insights import practice_fact

TARGET_MIN, TARGET_MAX = 1, 7


@dataclass
class CurrentStep:
    ladder: Ladder
    step: Step


@dataclass
class CaseloadRow:
    """One linked child as the caseload shows it."""

    child: Child
    link: TherapistLink
    tz: str  # the family's time zone
    today: date
    last_activity: datetime | None
    days_last_7: int
    days_last_28: int
    current_steps: list[CurrentStep] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    open_homework: int = 0

    @property
    def target(self) -> int:
        return self.link.practice_target_days

    @property
    def behind(self) -> bool:
        return attention.is_behind_target(self.days_last_7, self.target)

    @property
    def needs_attention(self) -> bool:
        return attention.needs_attention(len(self.flags), self.days_last_7, self.target)


def _linked_child_ids(therapist: User):
    """A subquery of the children this therapist is actively linked to."""
    return select(TherapistLink.child_id).where(TherapistLink.therapist_id == therapist.id,
                                                TherapistLink.status == LinkStatus.ACTIVE)


def for_therapist(session: Session, therapist: User,
                  now: datetime | None = None) -> list[CaseloadRow]:
    """Return the therapist's linked children, those needing attention first."""
    now = now or utcnow()
    linked = _linked_child_ids(therapist)
    rows = session.exec(
        select(TherapistLink, Child, Family)
        .join(Child, Child.id == TherapistLink.child_id).join(Family, Family.id == Child.family_id)
        .where(TherapistLink.therapist_id == therapist.id,
               TherapistLink.status == LinkStatus.ACTIVE)
        .order_by(Child.id)).all()
    if not rows:
        return []
    ladders = _active_ladders(session, linked)
    recent = _recent_practices(session, linked, now - timedelta(days=attention.FOUR_WEEKS + 1))
    last_practice = _latest(session, Practice.child_id, Practice.practiced_at, linked)
    last_checkin = _latest(session, DayCheckIn.child_id, DayCheckIn.updated_at, linked)
    windows = _fear_windows(session, linked)
    checkins = _recent_checkins(session, linked, now.date() - timedelta(days=15))
    homework = _open_homework(session, linked)
    caseload = []
    for link, child, family in {row[1].id: row for row in rows}.values():
        tz = family.timezone
        today = local_date(now, tz)
        days = [local_date(moment, tz) for moment in recent[child.id]]
        found = _flags(ladders[child.id], windows, checkins[child.id], last_practice.get(child.id),
                       today, tz)
        moments = [m for m in (last_practice.get(child.id), last_checkin.get(child.id)) if m]
        caseload.append(CaseloadRow(
            child=child, link=link, tz=tz, today=today, last_activity=max(moments, default=None),
            days_last_7=attention.practice_days_within(days, today, attention.WEEK),
            days_last_28=attention.practice_days_within(days, today, attention.FOUR_WEEKS),
            current_steps=[CurrentStep(ladder, step) for ladder in ladders[child.id]
                           for step in ladder.steps if step.status == "current"],
            flags=found, open_homework=homework.get(child.id, 0)))
    return sorted(caseload, key=lambda r: attention.attention_key(
        len(r.flags), r.days_last_7, r.target, r.child.display_name))


def _active_ladders(session: Session, linked) -> dict[int, list[Ladder]]:
    found: dict[int, list[Ladder]] = defaultdict(list)
    for ladder in session.exec(select(Ladder).where(Ladder.child_id.in_(linked),
                                                    Ladder.status == "active")
                               .options(selectinload(Ladder.steps)).order_by(Ladder.id)):
        found[ladder.child_id].append(ladder)
    return found


def _recent_practices(session: Session, linked, since: datetime) -> dict[int, list[datetime]]:
    found: dict[int, list[datetime]] = defaultdict(list)
    for child_id, moment in session.exec(
            select(Practice.child_id, Practice.practiced_at)
            .where(Practice.child_id.in_(linked), Practice.practiced_at >= since)):
        found[child_id].append(moment)
    return found


def _latest(session: Session, child_column, moment_column, linked) -> dict[int, datetime]:
    """Return the latest moment per child, in one grouped query."""
    query = (select(child_column, func.max(moment_column))
             .where(child_column.in_(linked)).group_by(child_column))
    return {child_id: moment for child_id, moment in session.exec(query) if moment}


def _fear_windows(session: Session, linked) -> dict[int, list]:
    """The last FEAR_WINDOW tried practices of each unmastered step on an active ladder."""
    steps = (select(Step.id).join(Ladder)
             .where(Ladder.child_id.in_(linked), Ladder.status == "active",
                    Step.status != "mastered"))
    rank = func.row_number().over(partition_by=Practice.step_id,
                                  order_by=(Practice.practiced_at.desc(), Practice.id.desc()))
    ranked = (select(Practice.step_id, Practice.practiced_at, Practice.fear_before,
                     Practice.fear_peak, Practice.fear_after, Practice.outcome,
                     rank.label("n"))
              .where(Practice.step_id.in_(steps), Practice.outcome.in_(TRIED_OUTCOMES))
              .subquery())
    found: dict[int, list] = defaultdict(list)
    columns = [c for c in ranked.c if c.name != "n"]
    for row in session.exec(select(*columns).where(ranked.c.n <= flags.FEAR_WINDOW)):
        found[row.step_id].append(row)
    return found


def _recent_checkins(session: Session, linked, since: date) -> dict[int, list[CheckInFact]]:
    # One statement with an outer join, not a selectinload: that would add a query for every
    # 500 check-ins, so the count would creep up with the size of the caseload.
    rows = session.exec(
        select(DayCheckIn.id, DayCheckIn.child_id, DayCheckIn.day, DayCheckIn.child_distress,
               Avoidance.kind, Avoidance.accommodations)
        .outerjoin(Avoidance, Avoidance.checkin_id == DayCheckIn.id)
        .where(DayCheckIn.child_id.in_(linked), DayCheckIn.day >= since)
        .order_by(DayCheckIn.id, Avoidance.id))
    parts: dict[int, tuple] = {}
    for checkin_id, child_id, day, distress, kind, accommodations in rows:
        *_, avoided, accommodated = parts.setdefault(checkin_id,
                                                     (child_id, day, distress, [], []))
        if kind is not None:
            avoided.append(kind)
            accommodated.extend(accommodations)
    found: dict[int, list[CheckInFact]] = defaultdict(list)
    for child_id, day, distress, avoided, accommodated in parts.values():
        found[child_id].append(CheckInFact(day, distress, tuple(avoided), tuple(accommodated)))
    return found


def _open_homework(session: Session, linked) -> dict[int, int]:
    query = (select(TherapistNote.child_id, func.count())
             .where(TherapistNote.child_id.in_(linked), TherapistNote.kind == "homework",
                    TherapistNote.done_at.is_(None))
             .group_by(TherapistNote.child_id))
    return dict(session.exec(query).all())


def _flags(ladders: list[Ladder], windows: dict, checkins: list, last_practice: datetime | None,
           today: date, tz: str) -> list[Flag]:
    """The same flags as insights.for_child, from the batched rows."""
    found = []
    if ladders:
        since = min(local_date(ladder.created_at, tz) for ladder in ladders)
        days = {local_date(last_practice, tz)} if last_practice else set()
        found.append(flags.no_practice_flag(days, since, today))
    for ladder in ladders:
        for step in ladder.steps:
            if step.status == "current":
                since = local_date(step.current_since, tz) if step.current_since else None
                found.append(flags.stuck_easy_flag(step.title, step.predicted_fear, since, today))
            if step.status != "mastered":
                facts = [practice_fact(row, tz) for row in reversed(windows.get(step.id, []))]
                found.append(flags.fear_not_falling_flag(step.title, facts))
    found.append(flags.avoidance_rising_flag(checkins, today))
    return [f for f in found if f is not None]


def active_link(session: Session, therapist: User, child: Child) -> TherapistLink:
    """Return the therapist's active link to the child, or raise DomainError."""
    link = session.exec(select(TherapistLink).where(
        TherapistLink.therapist_id == therapist.id, TherapistLink.child_id == child.id,
        TherapistLink.status == LinkStatus.ACTIVE)).first()
    if link is None:
        raise DomainError("You are not linked to this child any more.")
    return link


def set_practice_target(session: Session, therapist: User, child: Child, days: object,
                        ip: str = "") -> TherapistLink:
    """Set how many days a week the therapist asks the family to practise (1 to 7)."""
    if isinstance(days, bool) or not isinstance(days, int) or not (
            TARGET_MIN <= days <= TARGET_MAX):
        raise DomainError(f"The practice target must be a whole number of days from "
                          f"{TARGET_MIN} to {TARGET_MAX}.")
    link = active_link(session, therapist, child)
    link.practice_target_days = days
    audit.record(session, "practice_target_set", actor_id=therapist.id,
                 family_id=child.family_id, subject=f"child:{child.id} · {days} days a week",
                 ip=ip)
    session.commit()
    return link

