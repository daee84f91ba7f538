"""How a plan is going: the days tracked, whether it has held, the expected rise, the chart.

Two statements whatever the plan's age: the plan's days and the check-ins of the charted
window (MAX_DAYS at most), so the cost does not grow with a family's history.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from ..models import AccommodationPlan, Avoidance, Child, DayCheckIn, PlanDay, User
from ..rules import accommodation_plan as rules
from ..rules.plan_chart import MAX_DAYS, ChartDay, PlanChart, plan_chart
from ..vocabulary import PlanKept, PlanStatus

# Days before the start shown for comparison, when there are that many.
BEFORE_DAYS = 14
_KEPT_VALUE = {PlanKept.YES: 0.0, PlanKept.PARTLY: 0.5, PlanKept.NO: 1.0}


@dataclass(frozen=True)
class PlanProgress:
    days: list[PlanDay]  # newest first, within the charted window
    kept_recently: int  # days kept in the plan's hold window
    held: bool
    rise_message: str | None
    chart: PlanChart
    chart_days: list[ChartDay]
    running: bool  # agreed by all and started

    @property
    def tracked(self) -> int:
        return len(self.days)


def for_plan(session: Session, child: Child, plan: AccommodationPlan, today: date) -> PlanProgress:
    """Return how the plan is going up to `today`."""
    first = max(plan.starts_on - timedelta(days=BEFORE_DAYS), today - timedelta(days=MAX_DAYS - 1))
    first = min(first, today)
    days = list(session.exec(select(PlanDay).where(PlanDay.plan_id == plan.id,
                                                   PlanDay.day >= first)
                             .order_by(PlanDay.day.desc())))
    checkins = session.exec(
        select(DayCheckIn.day, DayCheckIn.child_distress, Avoidance.kind,
               Avoidance.accommodations)
        .outerjoin(Avoidance, Avoidance.checkin_id == DayCheckIn.id)
        .where(DayCheckIn.child_id == child.id, DayCheckIn.day >= first))
    distress: dict[date, int] = {}
    accommodated: dict[date, float] = {}
    for day, child_distress, kind, accs in checkins:
        distress[day] = child_distress
        hit = (plan.accommodation and kind == plan.avoidance_kind
               and plan.accommodation in (accs or []))
        accommodated[day] = max(accommodated.get(day, 0.0), 1.0 if hit else 0.0)
    for d in days:
        accommodated[d.day] = _KEPT_VALUE[d.kept]
        if d.child_upset is not None:
            distress[d.day] = d.child_upset
    if not plan.accommodation:  # the family's own words: only the plan's days say it
        accommodated = {d.day: _KEPT_VALUE[d.kept] for d in days}
    chart_days = [ChartDay(first + timedelta(days=n),
                           accommodated.get(first + timedelta(days=n)),
                           distress.get(first + timedelta(days=n)))
                  for n in range((today - first).days + 1)]
    tracked = [rules.TrackedDay(d.day, d.kept == PlanKept.YES, d.child_upset) for d in days]
    baseline = [v for k, v in distress.items() if k < plan.starts_on]
    return PlanProgress(
        days=days, kept_recently=rules.days_stuck(tracked, today, plan.hold_window),
        held=rules.has_held(tracked, today, plan.hold_days, plan.hold_window),
        # The child's distress since the start as charted: the plan's answer, else the day's.
        rise_message=rules.expected_rise_message(
            baseline, [rules.TrackedDay(d.day, False, d.distress) for d in chart_days],
            plan.starts_on, today),
        chart=plan_chart(chart_days, plan.starts_on), chart_days=chart_days,
        running=plan.status == PlanStatus.ACTIVE and plan.starts_on <= today)


@dataclass
class PlanDayInput:
    kept: str
    child_upset: int | None = None
    parent_hard: int | None = None
    helped: str = ""


def trackable_plan(session: Session, child: Child, day: date) -> AccommodationPlan | None:
    """Return the child's running plan if the check-in for `day` should ask about it."""
    plan = session.exec(select(AccommodationPlan).where(
        AccommodationPlan.child_id == child.id,
        AccommodationPlan.status == PlanStatus.ACTIVE)).first()
    return plan if plan is not None and plan.starts_on <= day else None


def plan_day(session: Session, plan: AccommodationPlan, day: date) -> PlanDay | None:
    """Return what was tracked for the plan on a day, if anything."""
    return session.exec(select(PlanDay).where(PlanDay.plan_id == plan.id,
                                              PlanDay.day == day)).first()


def stage_plan_day(session: Session, child: Child, user: User, day: date,
                   data: PlanDayInput) -> None:
    """Add or replace the plan's day in the session (committed with the check-in)."""
    plan = trackable_plan(session, child, day)
    if plan is None:
        return  # no running plan that day: an older form's answers are not kept
    row = plan_day(session, plan, day) or PlanDay(plan_id=plan.id, day=day)
    row.kept, row.child_upset, row.parent_hard = data.kept, data.child_upset, data.parent_hard
    row.helped, row.logged_by_id = data.helped.strip(), user.id
    session.add(row)
