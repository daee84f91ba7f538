"""A family's plan to reduce one accommodation (SPACE): choose, write, agree, change, finish.

The rules and their sources are in rules/accommodation_plan.py; this module loads and stores.
A plan runs only once every caregiver of the family has agreed to it as it stands; any change
to it asks them again. A linked therapist may write or change a plan (it waits for the family).
"""
from dataclasses import dataclass, fields
from datetime import date, timedelta

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import (
    AVOIDANCE_KINDS,
    AccommodationPlan,
    Avoidance,
    Child,
    DayCheckIn,
    PlanAgreement,
    User,
    utcnow,
)
from ..rules import accommodation_plan as rules
from ..vocabulary import OPEN_PLAN_STATUSES, PlanStatus, Role
from . import audit
from .families import caregivers
from .unique_wins import write_or_winner

LATEST_START_DAYS = 60  # a plan starts within two months, or it is not a plan yet
MAX_HOLD_WINDOW = 30


@dataclass
class PlanInput:
    target: str
    instead: str
    starts_on: date
    acceptance: str
    confidence: str
    if_upset: str
    avoidance_kind: str = ""
    accommodation: str = ""
    hold_days: int = rules.HOLD_DAYS_NEEDED
    hold_window: int = rules.HOLD_WINDOW_DAYS


_LIMITS = {"target": 200, "instead": 500, "acceptance": 150, "confidence": 150, "if_upset": 500}
_MISSING = {"target": "Choose a target or write your own.",
            "instead": "Say what you will do instead.",
            "acceptance": "Write the acceptance part of what you will say.",
            "confidence": "Write the confidence part of what you will say.",
            "if_upset": "Say what you will do if your child gets very upset."}


def _validate(data: PlanInput, today: date) -> None:
    for name, limit in _LIMITS.items():
        value = getattr(data, name).strip()
        if not value:
            raise DomainError(_MISSING[name])
        if len(value) > limit:
            raise DomainError(f"Keep it under {limit} characters.")
    if data.accommodation and (data.accommodation not in rules.TARGETABLE
                               or data.avoidance_kind not in AVOIDANCE_KINDS):
        raise DomainError("Choose a target from the list, or write your own.")
    if not 1 <= data.hold_days <= data.hold_window <= MAX_HOLD_WINDOW:
        raise DomainError(f"Choose how many days out of how many (at most {MAX_HOLD_WINDOW}) "
                          "count as held, the first no larger than the second.")
    if not today <= data.starts_on <= today + timedelta(days=LATEST_START_DAYS):
        raise DomainError(f"Choose a start from today to {LATEST_START_DAYS} days ahead.")


# Built once: the therapist's page asks on every visit, and building the statement anew cost
# SQLAlchemy twice what running it did.
_OPEN_PLAN = select(AccommodationPlan).where(AccommodationPlan.child_id == bindparam("child_id"),
                                             AccommodationPlan.status.in_(OPEN_PLAN_STATUSES))
_OPEN_PLAN_AGREED = _OPEN_PLAN.options(selectinload(AccommodationPlan.agreements))


def open_plan(session: Session, child: Child, *,
              with_agreements: bool = True) -> AccommodationPlan | None:
    """Return the child's plan waiting for agreement or running (with its agreements, unless
    the caller shows none)."""
    query = _OPEN_PLAN_AGREED if with_agreements else _OPEN_PLAN
    return session.exec(query, params={"child_id": child.id}).first()


def past_plans(session: Session, child: Child) -> list[AccommodationPlan]:
    """Return the child's finished plans, newest first."""
    return list(session.exec(select(AccommodationPlan).where(
        AccommodationPlan.child_id == child.id,
        AccommodationPlan.status == PlanStatus.FINISHED)
        .order_by(AccommodationPlan.finished_at.desc())))


def target_candidates(session: Session, child: Child, today: date) -> list[rules.TargetCandidate]:
    """Suggest targets from the accommodations in the child's recent check-ins."""
    first = today - timedelta(days=rules.SUGGEST_WINDOW_DAYS - 1)
    rows = session.exec(select(DayCheckIn.day, Avoidance.kind, Avoidance.accommodations)
                        .join(Avoidance, Avoidance.checkin_id == DayCheckIn.id)
                        .where(DayCheckIn.child_id == child.id, DayCheckIn.day >= first))
    history = [rules.Accommodated(day, kind, acc) for day, kind, accs in rows for acc in accs]
    return rules.suggest_targets(history, today)


def _is_caregiver(user: User, child: Child) -> bool:
    return user.role == Role.CAREGIVER and user.family_id == child.family_id


def create_plan(session: Session, child: Child, user: User, data: PlanInput,
                today: date) -> AccommodationPlan:
    """Write a plan for the child; refused while another is open (one target at a time)."""
    _validate(data, today)
    current = open_plan(session, child)
    if current is not None:
        return _same_as_open(current, data)
    plan = AccommodationPlan(child_id=child.id, created_by_id=user.id, changed_by_id=user.id,
                             agreements=[], **_cleaned(data))

    def store() -> AccommodationPlan:
        session.add(plan)
        session.flush()
        _after_change(session, child, plan, user)
        return plan

    def theirs() -> AccommodationPlan | None:
        current = open_plan(session, child)
        return None if current is None else _same_as_open(current, data)

    # Another caregiver's plan was stored after the look-up: the one-open-plan index
    # (models.AccommodationPlan) decides, and theirs is the open one.
    return write_or_winner(session, store, theirs)


def _same_as_open(current: AccommodationPlan, data: PlanInput) -> AccommodationPlan:
    """The open plan, when `data` is that plan sent again; else refused: one target at a time."""
    if all(getattr(current, f.name) == getattr(data, f.name) for f in fields(PlanInput)):
        return current  # the same form sent twice
    raise DomainError("One target at a time: finish or change the current plan first. "
                      + rules.WHY_ONE_TARGET)


def update_plan(session: Session, child: Child, plan: AccommodationPlan, user: User,
                data: PlanInput, today: date) -> None:
    """Change the plan; a real change asks every caregiver to agree again."""
    if data.starts_on == plan.starts_on and plan.starts_on < today:
        data.starts_on = today  # a running plan keeps its start; only a new one is checked
        _validate(data, today)
        data.starts_on = plan.starts_on
    else:
        _validate(data, today)
    cleaned = _cleaned(data)
    if all(getattr(plan, name) == value for name, value in cleaned.items()):
        return
    for name, value in cleaned.items():
        setattr(plan, name, value)
    plan.changed_by_id, plan.changed_at = user.id, utcnow()
    plan.status, plan.agreements = PlanStatus.DRAFT, []
    if user.role == Role.THERAPIST:
        audit.record(session, "plan_changed", actor_id=user.id, family_id=child.family_id,
                     subject=f"child {child.id}")
    session.flush()
    _after_change(session, child, plan, user)


def _cleaned(data: PlanInput) -> dict:
    return {f.name: (getattr(data, f.name).strip() if isinstance(getattr(data, f.name), str)
                     else getattr(data, f.name)) for f in fields(PlanInput)}


def _after_change(session: Session, child: Child, plan: AccommodationPlan, user: User) -> None:
    # Whoever writes the plan in the family agrees to it by writing it.
    if _is_caregiver(user, child):
        plan.agreements.append(PlanAgreement(plan_id=plan.id, user_id=user.id))
    _activate_if_all_agreed(session, child, plan)
    session.commit()


def agree(session: Session, child: Child, plan: AccommodationPlan, user: User) -> None:
    """Record that this caregiver agrees to the plan; it runs once all of them have.

    The plan's row is locked and read afresh first: the last two caregivers agreeing at the
    same moment would each count the agreements without the other's, and the plan would
    stay a draft with everyone agreed. The later one waits, then counts both."""
    session.refresh(plan, ["status"], with_for_update=True)
    if plan.status == PlanStatus.FINISHED or not _is_caregiver(user, child):
        raise DomainError("Only the family's caregivers agree to an open plan.")
    if user.id not in _agreed(session, plan):
        plan.agreements.append(PlanAgreement(plan_id=plan.id, user_id=user.id))
    _activate_if_all_agreed(session, child, plan)
    session.commit()


def _agreed(session: Session, plan: AccommodationPlan) -> set[int]:
    """Who has agreed, read from the database (another caregiver's may have come since)."""
    return set(session.exec(select(PlanAgreement.user_id)
                            .where(PlanAgreement.plan_id == plan.id)))


def waiting_for(session: Session, child: Child, plan: AccommodationPlan,
                agreed: set[int] | None = None) -> list[User]:
    """Return the caregivers who have not yet agreed to the plan as it stands (by its loaded
    agreements, or by `agreed`, the ids of those who have)."""
    if agreed is None:
        agreed = {a.user_id for a in plan.agreements}
    return [u for u in caregivers(session, child.family_id) if u.id not in agreed]


def _activate_if_all_agreed(session: Session, child: Child, plan: AccommodationPlan) -> None:
    session.flush()
    # Counted from the database once this writer's own row is in: on SQLite the flush waited
    # for another caregiver's agreement being committed, and that one counts too.
    if plan.status == PlanStatus.DRAFT and not waiting_for(session, child, plan,
                                                           _agreed(session, plan)):
        plan.status = PlanStatus.ACTIVE


def save_announcement(session: Session, plan: AccommodationPlan, text: str) -> None:
    """Keep the family's own words for the announcement ("" goes back to ours)."""
    if len(text) > 2000:
        raise DomainError("Keep the announcement under 2000 characters.")
    plan.announcement = text.strip()
    session.commit()


def announcement_text(child: Child, plan: AccommodationPlan, today: date) -> str:
    """Return the family's announcement, or the one written from the plan."""
    return plan.announcement or rules.announcement(child.display_name, plan.starts_on,
                                                   plan.instead, plan.statement, today)


def finish(session: Session, plan: AccommodationPlan) -> None:
    """Close the plan; it stays in the history and the next target can be chosen."""
    plan.status, plan.finished_at = PlanStatus.FINISHED, utcnow()
    session.commit()
