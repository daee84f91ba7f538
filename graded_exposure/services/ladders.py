"""Ladders: create (from scratch or a template), edit, archive, and the calming plan."""
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, Ladder, Step, SubStep, User, utcnow
from ..rules import ladder_rules as rules
from ..rules.ladder_templates import template_by_key


def ensure_changeable(ladder: Ladder) -> None:
    """Raise DomainError if the ladder is archived (archived ladders are read-only)."""
    if ladder.status == "archived":
        raise DomainError(rules.ARCHIVED_MESSAGE)


def _checked_goal_and_area(goal: str, area: str) -> str:
    if problem := rules.goal_problem(goal) or rules.area_problem(area):
        raise DomainError(problem)
    return goal.strip()


def create_ladder(session: Session, child: Child, user: User | None, *, goal: str,
                  area: str) -> Ladder:
    """Create an empty ladder for a child."""
    ladder = Ladder(child_id=child.id, goal=_checked_goal_and_area(goal, area), area=area,
                    created_by_id=user.id if user else None)
    session.add(ladder)
    session.commit()
    return ladder


def create_ladder_from_template(session: Session, child: Child, user: User | None,
                                template_key: str) -> Ladder:
    """Create a ladder with every step, sub-step, social story and calming plan of a template."""
    template = template_by_key(template_key)
    if template is None:
        raise DomainError("Choose one of the ladders on this page.")
    ladder = Ladder(child_id=child.id, goal=template.goal, area=template.area,
                    template_key=template.key, calming_plan=list(template.calming),
                    created_by_id=user.id if user else None)
    now = utcnow()
    for position, item in enumerate(template.steps, start=1):
        ladder.steps.append(Step(
            position=position, title=item.title, detail=item.detail,
            predicted_fear=item.fear, social_story="\n".join(item.story),
            status=rules.CURRENT if position == 1 else rules.UPCOMING,
            current_since=now if position == 1 else None,
            substeps=[SubStep(position=n, text=text) for n, text in enumerate(item.substeps, 1)],
        ))
    session.add(ladder)
    session.commit()
    return ladder


def update_ladder(session: Session, ladder: Ladder, *, goal: str, area: str) -> Ladder:
    """Change a ladder's goal and area."""
    ensure_changeable(ladder)
    ladder.goal, ladder.area = _checked_goal_and_area(goal, area), area
    session.commit()
    return ladder


def archive_ladder(session: Session, ladder: Ladder) -> Ladder:
    """Put a ladder away: it stays readable but can no longer be changed."""
    if ladder.status != "archived":
        ladder.status, ladder.archived_at = "archived", utcnow()
        session.commit()
    return ladder


def unarchive_ladder(session: Session, ladder: Ladder) -> Ladder:
    """Bring an archived ladder back into use."""
    if ladder.status != "active":
        ladder.status, ladder.archived_at = "active", None
        session.commit()
    return ladder


def set_calming_plan(session: Session, ladder: Ladder, chosen: list[str],
                     custom: str = "") -> Ladder:
    """Replace the calming plan with the chosen strategies plus one optional custom one."""
    ensure_changeable(ladder)
    try:
        ladder.calming_plan = rules.calming_plan_after(ladder.calming_plan, chosen, custom)
    except ValueError as e:
        raise DomainError(str(e)) from e
    session.commit()
    return ladder


def ladders_for_child(session: Session, child: Child) -> tuple[list[Ladder], list[Ladder]]:
    """Return a child's active and archived ladders, steps loaded, newest first."""
    ladders = session.exec(select(Ladder).where(Ladder.child_id == child.id)
                           .options(selectinload(Ladder.steps))
                           .order_by(Ladder.id.desc())).all()
    active = [ladder for ladder in ladders if ladder.status == "active"]
    return active, [ladder for ladder in ladders if ladder.status != "active"]


def with_steps(session: Session, ladder_id: int) -> Ladder:
    """Return the ladder with its steps and their sub-steps loaded in a fixed number of queries."""
    return session.exec(select(Ladder).where(Ladder.id == ladder_id)
                        .options(selectinload(Ladder.steps).selectinload(Step.substeps))
                        .execution_options(populate_existing=True)).one()
