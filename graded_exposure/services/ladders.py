"""Ladders: create (from scratch or a template), edit, archive, and the calming plan."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload, selectinload
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, Ladder, Step, SubStep, User, utcnow
from ..rules import ladder_rules as rules
from ..rules.ladder_templates import template_by_key
from ..rules.safety_fading import safety_list_after
from ..rules.timezones import local_date
from ..vocabulary import Role
from . import audit


@dataclass(frozen=True)
class Authorship:
    """Who made a ladder and who changed it last, with local days, as the ladder page says it."""

    made_by: str | None
    made_on: date
    changed_by: str | None
    changed_on: date | None


def ensure_changeable(ladder: Ladder) -> None:
    """Raise DomainError if the ladder is archived (archived ladders are read-only)."""
    if ladder.status == "archived":
        raise DomainError(rules.ARCHIVED_MESSAGE)


def record_change(session: Session, ladder: Ladder, by: User | None, what: str) -> None:
    """Note who last changed the ladder and when; a therapist's change also goes in the audit log.

    The family sees "Changed by … on …" on the ladder page; the audit log keeps each change a
    therapist made (never any text the change contained).
    """
    if by is None:
        return
    ladder.updated_by_id, ladder.updated_at = by.id, utcnow()
    if by.role == Role.THERAPIST:
        audit.record(session, "ladder_changed", actor_id=by.id, family_id=ladder.child.family_id,
                     subject=f"child:{ladder.child_id} · {what} (ladder {ladder.id})")


def _record_creation(session: Session, ladder: Ladder, child: Child, user: User | None) -> None:
    if user is not None and user.role == Role.THERAPIST:
        session.flush()  # the audit subject needs the new ladder's id
        audit.record(session, "ladder_created", actor_id=user.id, family_id=child.family_id,
                     subject=f"child:{child.id} · ladder {ladder.id}")


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
    _record_creation(session, ladder, child, user)
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
    _record_creation(session, ladder, child, user)
    session.commit()
    return ladder


def update_ladder(session: Session, ladder: Ladder, *, goal: str, area: str,
                  by: User | None = None) -> Ladder:
    """Change a ladder's goal and area."""
    ensure_changeable(ladder)
    ladder.goal, ladder.area = _checked_goal_and_area(goal, area), area
    record_change(session, ladder, by, "goal changed")
    session.commit()
    return ladder


def archive_ladder(session: Session, ladder: Ladder, by: User | None = None) -> Ladder:
    """Put a ladder away: it stays readable but can no longer be changed, and its boosters
    still to come are cancelled with it."""
    from .boosters import cancel as cancel_boosters  # boosters builds on this module

    if ladder.status != "archived":
        ladder.status, ladder.archived_at = "archived", utcnow()
        record_change(session, ladder, by, "archived")
        cancel_boosters(session, ladder)
        session.commit()
    return ladder


def unarchive_ladder(session: Session, ladder: Ladder, by: User | None = None) -> Ladder:
    """Bring an archived ladder back into use."""
    if ladder.status != "active":
        ladder.status, ladder.archived_at = "active", None
        record_change(session, ladder, by, "unarchived")
        session.commit()
    return ladder


def set_calming_plan(session: Session, ladder: Ladder, chosen: list[str],
                     custom: str = "", by: User | None = None) -> Ladder:
    """Replace the calming plan with the chosen strategies plus one optional custom one."""
    ensure_changeable(ladder)
    try:
        ladder.calming_plan = rules.calming_plan_after(ladder.calming_plan, chosen, custom)
    except ValueError as e:
        raise DomainError(str(e)) from e
    record_change(session, ladder, by, "calming plan changed")
    session.commit()
    return ladder


def set_safety_behaviours(session: Session, ladder: Ladder, chosen: list[str],
                          custom: str = "", by: User | None = None) -> Ladder:
    """Replace the ladder's safety behaviours with the chosen ones plus one optional own one."""
    ensure_changeable(ladder)
    try:
        ladder.safety_behaviours = safety_list_after(ladder.safety_behaviours, chosen, custom)
    except ValueError as e:
        raise DomainError(str(e)) from e
    record_change(session, ladder, by, "safety behaviours changed")
    session.commit()
    return ladder


_ALL_LADDERS = (select(Ladder).where(Ladder.child_id == bindparam("child_id"))
                .options(joinedload(Ladder.steps)).order_by(Ladder.id.desc()))


def ladders_for_child(session: Session, child: Child) -> tuple[list[Ladder], list[Ladder]]:
    """Return a child's active and archived ladders, steps loaded, newest first."""
    ladders = session.exec(_ALL_LADDERS, params={"child_id": child.id}).unique().all()
    active = [ladder for ladder in ladders if ladder.status == "active"]
    return active, [ladder for ladder in ladders if ladder.status != "active"]


def with_steps(session: Session, ladder_id: int) -> Ladder:
    """Return the ladder with its steps and their sub-steps loaded in a fixed number of queries."""
    return session.exec(select(Ladder).where(Ladder.id == ladder_id)
                        .options(selectinload(Ladder.steps).selectinload(Step.substeps),
                                 joinedload(Ladder.child).joinedload(Child.family))
                        .execution_options(populate_existing=True)).one()


# Built once: building the statement cost more than running it.
_NAMES = select(User.id, User.display_name).where(
    User.id.in_(bindparam("ids", expanding=True)))


def authorship(session: Session, ladder: Ladder, viewer: User | None = None) -> Authorship:
    """Return who made the ladder and who changed it last.

    Names in one query, or none when they are all the viewer's own (a family's own ladder)."""
    names = {viewer.id: viewer.display_name} if viewer is not None else {}
    ids = {i for i in (ladder.created_by_id, ladder.updated_by_id) if i is not None} - set(names)
    if ids:
        names.update(session.connection().execute(_NAMES, {"ids": sorted(ids)}).all())
    tz = ladder.child.family.timezone
    return Authorship(
        made_by=names.get(ladder.created_by_id), made_on=local_date(ladder.created_at, tz),
        changed_by=names.get(ladder.updated_by_id),
        changed_on=local_date(ladder.updated_at, tz) if ladder.updated_at else None)
