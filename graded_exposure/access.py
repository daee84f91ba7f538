"""The one home of access control: load an object the current user may see, or 404.

Every view that takes an id goes through these loaders; no view checks ownership by hand.
Another family's object is a 404, never a 403, so ids reveal nothing.
"""
from flask import abort
from flask_login import current_user
from sqlmodel import select

from .db import get_session
from .models import Child, Ladder, Practice, Step, SubStep


def visible_child_ids(user) -> list[int]:
    """Return the ids of the children this user may see."""
    if not user.is_authenticated or user.family_id is None:
        return []
    return list(get_session().exec(select(Child.id).where(Child.family_id == user.family_id)))


_MAX_ID = 2**63 - 1  # beyond this SQLite overflows; no row can have such an id anyway


def _get(model, object_id: int):
    if not 1 <= object_id <= _MAX_ID:
        abort(404)
    return get_session().get(model, object_id) or abort(404)


def _may_see(child: Child | None):
    if child is None or current_user.family_id is None or child.family_id != current_user.family_id:
        abort(404)
    return child


def child_for(child_id: int) -> Child:
    """Return the child with this id if the current user's family holds it."""
    return _may_see(_get(Child, child_id))


def ladder_for(ladder_id: int) -> Ladder:
    """Return the ladder if its child is visible to the current user."""
    ladder = _get(Ladder, ladder_id)
    _may_see(ladder.child)
    return ladder


def step_for(step_id: int) -> Step:
    """Return the step if its ladder's child is visible to the current user."""
    step = _get(Step, step_id)
    _may_see(step.ladder.child)
    return step


def substep_for(substep_id: int) -> SubStep:
    """Return the sub-step if its step is visible to the current user."""
    substep = _get(SubStep, substep_id)
    _may_see(substep.step.ladder.child)
    return substep


def practice_for(practice_id: int) -> Practice:
    """Return the practice if its child is visible to the current user."""
    practice = _get(Practice, practice_id)
    _may_see(get_session().get(Child, practice.child_id))
    return practice
