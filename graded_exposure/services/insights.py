"""Insights for one child: the avoidance trap, weekly avoidance, flags, streaks and stars.

Loads rows in a fixed number of queries, turns them into local-day facts, and hands them to
the pure rules in graded_exposure/rules/.
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..models import Child, DayCheckIn, Ladder, Practice, utcnow
from ..rules import avoidance_trap, flags, streaks
from ..rules.facts import CheckInFact, PracticeFact
from ..rules.timezones import local_date

HISTORY_WEEKS = 8


@dataclass
class ChildInsights:
    today: date
    trap: avoidance_trap.CalmSplit
    trap_sentence: str
    weeks: list[avoidance_trap.WeekOfAvoidance]
    accommodation_trend: str
    flags: list[flags.Flag]
    current_streak: int
    longest_streak: int
    practice_days_last_7: int
    small_wins: Counter
    stars: int


def practice_fact(practice: Practice, tz: str) -> PracticeFact:
    """Turn a stored practice into a fact dated on the family's local calendar."""
    return PracticeFact(day=local_date(practice.practiced_at, tz), step_id=practice.step_id,
                        fear_before=practice.fear_before, fear_peak=practice.fear_peak,
                        fear_after=practice.fear_after, outcome=practice.outcome)


def checkin_fact(checkin: DayCheckIn) -> CheckInFact:
    """Turn a stored check-in into a fact: what was avoided and how it was accommodated."""
    return CheckInFact(day=checkin.day, child_distress=checkin.child_distress,
                       avoided=tuple(a.kind for a in checkin.avoidances),
                       accommodations=tuple(kind for a in checkin.avoidances
                                            for kind in a.accommodations))


def load_checkin_facts(session: Session, child: Child, since: date) -> list[CheckInFact]:
    """Return the child's check-ins from `since` on as facts."""
    rows = session.exec(select(DayCheckIn).where(DayCheckIn.child_id == child.id,
                                                 DayCheckIn.day >= since)
                        .options(selectinload(DayCheckIn.avoidances)))
    return [checkin_fact(c) for c in rows]


def for_child(session: Session, child: Child, today: date | None = None) -> ChildInsights:
    """Compute every insight for the child, as of today in the family's time zone."""
    tz = child.family.timezone
    today = today or local_date(utcnow(), tz)
    since = avoidance_trap.week_start(today) - timedelta(weeks=HISTORY_WEEKS)
    checkins = load_checkin_facts(session, child, since)
    practices = list(session.exec(select(Practice).where(Practice.child_id == child.id)))
    ladders = list(session.exec(select(Ladder).where(Ladder.child_id == child.id,
                                                     Ladder.status == "active")
                                .options(selectinload(Ladder.steps))))
    facts = [practice_fact(p, tz) for p in practices]
    days = {f.day for f in facts}
    trap = avoidance_trap.calm_days_bought_by_avoidance(checkins, today)
    weeks = avoidance_trap.weekly_avoidance(checkins, today, HISTORY_WEEKS)
    return ChildInsights(
        today=today, trap=trap, trap_sentence=avoidance_trap.trap_sentence(trap),
        weeks=weeks, accommodation_trend=avoidance_trap.accommodation_trend(weeks),
        flags=_flags(facts, checkins, ladders, today, tz),
        current_streak=streaks.current_streak(days, today),
        longest_streak=streaks.longest_streak(days),
        practice_days_last_7=sum(1 for d in days if (today - d).days < 7),
        small_wins=Counter(w for p in practices for w in p.small_wins),
        stars=sum(streaks.stars_for(f) for f in facts))


def _flags(facts: list[PracticeFact], checkins: list[CheckInFact], ladders: list[Ladder],
           today: date, tz: str) -> list[flags.Flag]:
    found = []
    if ladders:
        since = min(local_date(ladder.created_at, tz) for ladder in ladders)
        found.append(flags.no_practice_flag({f.day for f in facts}, since, today))
    for ladder in ladders:
        for step in ladder.steps:
            if step.status == "current":
                since = local_date(step.current_since, tz) if step.current_since else None
                found.append(flags.stuck_easy_flag(step.title, step.predicted_fear, since, today))
            step_facts = [f for f in facts if f.step_id == step.id]
            if step.status != "mastered":
                found.append(flags.fear_not_falling_flag(step.title, step_facts))
    found.append(flags.avoidance_rising_flag(checkins, today))
    return [f for f in found if f is not None]
