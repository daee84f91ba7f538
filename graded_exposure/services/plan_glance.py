"""The open plan at a glance, for a therapist: adherence and distress over a period.

Two statements (the plan, its days in the period), whatever the plan's age.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from ..models import AccommodationPlan, Child, PlanDay
from ..rules import accommodation_plan as rules
from ..vocabulary import PlanKept
from .accommodation_plans import open_plan


@dataclass(frozen=True)
class PlanGlance:
    plan: AccommodationPlan
    since: date
    kept: int  # tracked days in the period, by answer
    partly: int
    not_kept: int
    mean_child_upset: float | None
    mean_parent_hard: float | None
    helped: list[str]  # the latest few "what helped", newest first
    kept_recently: int  # days kept in the plan's hold window
    held: bool

    @property
    def tracked(self) -> int:
        return self.kept + self.partly + self.not_kept


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def glance(session: Session, child: Child, since: date, today: date) -> PlanGlance | None:
    """Return the child's open plan with its days from `since` to `today`, or None."""
    plan = open_plan(session, child, with_agreements=False)
    if plan is None:
        return None
    first = min(since, today - timedelta(days=plan.hold_window - 1))
    days = list(session.exec(select(PlanDay).where(PlanDay.plan_id == plan.id,
                                                   PlanDay.day >= first, PlanDay.day <= today)
                             .order_by(PlanDay.day.desc())))
    tracked = [rules.TrackedDay(d.day, d.kept == PlanKept.YES, d.child_upset) for d in days]
    period = [d for d in days if d.day >= since]
    answers = [d.kept for d in period]
    return PlanGlance(
        plan=plan, since=since, kept=answers.count(PlanKept.YES),
        partly=answers.count(PlanKept.PARTLY), not_kept=answers.count(PlanKept.NO),
        mean_child_upset=_mean([d.child_upset for d in period if d.child_upset is not None]),
        mean_parent_hard=_mean([d.parent_hard for d in period if d.parent_hard is not None]),
        helped=[d.helped for d in period if d.helped][:3],
        kept_recently=rules.days_stuck(tracked, today, plan.hold_window),
        held=rules.has_held(tracked, today, plan.hold_days, plan.hold_window))
