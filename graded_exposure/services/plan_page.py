"""Everything the plan page shows of one child, read in a fixed number of statements."""
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from ..models import AccommodationPlan, Child, User
from ..rules.accommodation_plan import TargetCandidate
from . import accommodation_plans as plans
from . import families, plan_progress
from .plan_progress import PlanProgress


@dataclass(frozen=True)
class PlanPage:
    plan: AccommodationPlan | None
    waiting: list[User]  # caregivers who have not agreed yet
    agreed: list[User]
    changed_by: str  # who last wrote the plan
    progress: PlanProgress | None
    candidates: list[TargetCandidate]
    past: list[AccommodationPlan]


def for_child(session: Session, child: Child, today: date) -> PlanPage:
    """Return the open plan with its agreement, progress and author, or the suggestions."""
    plan = plans.open_plan(session, child)
    past = plans.past_plans(session, child)
    if plan is None:
        return PlanPage(None, [], [], "", None, plans.target_candidates(session, child, today),
                        past)
    family = families.caregivers(session, child.family_id)
    agreed_ids = {a.user_id for a in plan.agreements}
    author = (next((u for u in family if u.id == plan.changed_by_id), None)
              or session.exec(select(User).where(User.id == plan.changed_by_id)).first())
    return PlanPage(plan, [u for u in family if u.id not in agreed_ids],
                    [u for u in family if u.id in agreed_ids],
                    author.display_name if author else "someone no longer linked",
                    plan_progress.for_plan(session, child, plan, today), [], past)
