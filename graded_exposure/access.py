"""The one home of access control: load an object the current user may see, or 404.

Every view that takes an id goes through these loaders; no view checks ownership by hand.
Another family's object is a 404, never a 403, so ids reveal nothing.

Two circles of trust: the child's family (caregivers) may do everything; a therapist whose
link to the child is active (a caregiver consented, nobody ended it) may see the child and
assign or edit ladders, checked again on every request so that ending a link stops access at
once. `child_for` and `practice_for` are for the family only; `linked_child_for`, `ladder_for`,
`step_for` and `substep_for` also let a linked therapist in; `child_and_link_for` is for the
linked therapist only (their workspace), as is `therapy_session_of` (their own records).
`step_of_child` and `practice_of_child` also insist that the object belongs to the child named
in the same URL, and `substep_of_step` that a small step named in a form belongs to the step of
the URL.
"""
from functools import cache

from flask import abort
from flask_login import current_user
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import select

from .db import get_session
from .models import (
    ACTIVE_LINK,
    Child,
    Family,
    InboxMessage,
    Ladder,
    LiveSession,
    Practice,
    RelapseCheck,
    Reminder,
    Step,
    SubStep,
    TherapistLink,
    TherapistNote,
    TherapySession,
)
from .vocabulary import LinkStatus, Role


def visible_child_ids(user) -> list[int]:
    """Return the ids of the children this user may see."""
    if not user.is_authenticated or user.family_id is None:
        return []
    return list(get_session().exec(select(Child.id).where(Child.family_id == user.family_id)))


# Ids are INTEGER columns: 32 bits on PostgreSQL, which refuses to compare a larger number
# with them (a 500, not a 404). No row can have a larger id, on SQLite either.
_MAX_ID = 2**31 - 1


def _ids_in_range(*ids: int) -> bool:
    return all(1 <= object_id <= _MAX_ID for object_id in ids)


# What each loader brings with the object, in the same statement: the chain up to the family
# (whose time zone every page needs), so no page lazy-loads it one object at a time.
_CHILD_UP = joinedload(Child.family)
_LADDER_CHAIN = joinedload(Ladder.child).joinedload(Child.family)
_LADDER_UP = (_LADDER_CHAIN, selectinload(Ladder.steps))
# A step's pages and actions show or reorder its ladder's steps and its own small steps.
_STEP_CHAIN = joinedload(Step.ladder).joinedload(Ladder.child).joinedload(Child.family)
_STEP_UP = (_STEP_CHAIN, joinedload(Step.ladder).selectinload(Ladder.steps),
            selectinload(Step.substeps))
_SUBSTEP_UP = tuple(joinedload(SubStep.step).options(option) for option in _STEP_UP)


def _get(model, object_id: int, *options, loaded: tuple[str, ...] = ()):
    """session.get(model, object_id, options=options), with the statement built once per model
    and options: building it (and its cache key) anew cost more than running it. An object
    already in the session is the answer when its `loaded` relationships came with it."""
    if not _ids_in_range(object_id):
        abort(404)
    session = get_session()
    known = session.identity_map.get(identity_key(model, object_id))
    if known is not None and all(name in known.__dict__ for name in loaded):
        return known
    return session.exec(_by_id(model, options), params={"id": object_id}).first() or abort(404)


@cache
def _by_id(model, options: tuple):
    return select(model).where(model.id == bindparam("id")).options(*options)


def _child(child_id: int) -> Child:
    # Every child page starts here; a step's chain may have brought the child and family.
    return _get(Child, child_id, _CHILD_UP, loaded=("family",))


def in_family(child: Child | None) -> bool:
    """True when the current user is a caregiver in the child's family."""
    return (child is not None and current_user.is_authenticated
            and current_user.family_id is not None and child.family_id == current_user.family_id)


_ACTIVE_LINK_ID = select(TherapistLink.id).where(
    TherapistLink.therapist_id == bindparam("me"), TherapistLink.child_id == bindparam("child_id"),
    ACTIVE_LINK)


def is_linked_therapist(child: Child | None) -> bool:
    """True when the current user is a therapist with an active link to the child."""
    if child is None or not current_user.is_authenticated or current_user.role != Role.THERAPIST:
        return False
    link = get_session().exec(_ACTIVE_LINK_ID, params={"me": current_user.id,
                                                    "child_id": child.id}).first()
    return link is not None


def _may_see(child: Child | None):
    if not in_family(child):
        abort(404)
    return child


def _may_see_or_treat(child: Child | None):
    if not (in_family(child) or is_linked_therapist(child)):
        abort(404)
    return child


def child_for(child_id: int) -> Child:
    """Return the child with this id if the current user's family holds it."""
    return _may_see(_child(child_id))


def linked_child_for(child_id: int) -> Child:
    """Return the child for its family or for a therapist with an active link."""
    return _may_see_or_treat(_child(child_id))


# The child with its family, and the current therapist's active link to it: one statement.
_CHILD_AND_LINK = (
    select(Child, TherapistLink).join(TherapistLink, TherapistLink.child_id == Child.id)
    .where(Child.id == bindparam("child_id"), TherapistLink.therapist_id == bindparam("me"),
           ACTIVE_LINK)
    .options(_CHILD_UP))


def child_and_link_for(child_id: int) -> tuple[Child, TherapistLink]:
    """Return the child and the current therapist's active link to it (the therapist's pages
    show and change the link's settings), or 404 for anyone else."""
    if not (_ids_in_range(child_id) and current_user.is_authenticated
            and current_user.role == Role.THERAPIST):
        abort(404)
    found = get_session().exec(_CHILD_AND_LINK, params={"child_id": child_id,
                                                       "me": current_user.id}).first()
    if found is None:
        abort(404)
    return found[0], found[1]


def therapy_session_of(child: Child, record_id: int) -> TherapySession:
    """Return the current therapist's record of a session with this child (from
    child_and_link_for), or 404: another therapist's records hold their private notes."""
    record = _get(TherapySession, record_id)
    if record.child_id != child.id or record.therapist_id != current_user.id:
        abort(404)
    return record


def ladder_for(ladder_id: int, *, with_steps: bool = True) -> Ladder:
    """Return the ladder if its child's family or linked therapist is asking; with its steps
    unless `with_steps` is False (the ladder and progress pages read them as records)."""
    ladder = _get(Ladder, ladder_id, *(_LADDER_UP if with_steps else (_LADDER_CHAIN,)))
    _may_see_or_treat(ladder.child)
    return ladder


def family_ladder_for(ladder_id: int) -> Ladder:
    """Return the ladder, with its steps, if its child's family is asking (boosters, reopening)."""
    ladder = _get(Ladder, ladder_id, *_LADDER_UP)
    _may_see(ladder.child)
    return ladder


def relapse_check_of(ladder: Ladder, check_id: int) -> RelapseCheck:
    """Return the relapse check if it was made about this ladder."""
    check = _get(RelapseCheck, check_id)
    if check.ladder_id != ladder.id:
        abort(404)
    return check


def step_for(step_id: int, *, whole_ladder: bool = True) -> Step:
    """Return the step if its child's family or linked therapist is asking; with its ladder's
    steps and its small steps unless `whole_ladder` is False (logging a practice needs
    neither)."""
    step = _get(Step, step_id, *(_STEP_UP if whole_ladder else (_STEP_CHAIN,)))
    _may_see_or_treat(step.ladder.child)
    return step


def step_of_child(child: Child, step_id: int, *, whole_ladder: bool = True) -> Step:
    """Return the step if it is on one of this child's ladders and visible to the current user."""
    return _on_child(step_for(step_id, whole_ladder=whole_ladder), child.id)


# The family's child and one of its steps, with the ladder between them and the family: one
# statement of four plain objects, tied together after (set_committed_value), cheaper than the
# step with its chain joined on (joinedload's row processors).
_CHILD_AND_STEP = (select(Child, Ladder, Step, Family)
                   .join(Ladder, Ladder.child_id == Child.id)
                   .join(Step, Step.ladder_id == Ladder.id)
                   .join(Family, Family.id == Child.family_id)
                   .where(Child.id == bindparam("child_id"), Step.id == bindparam("step_id"),
                          Child.family_id == bindparam("family_id")))


def child_and_step(child_id: int, step_id: int | None) -> tuple[Child, Step | None]:
    """The family's child and, when `step_id` is given, one of its steps (without its ladder's
    other steps), for logging a practice."""
    if not step_id:
        return child_for(child_id), None
    if not (_ids_in_range(child_id, step_id)
            and current_user.is_authenticated and current_user.family_id is not None):
        abort(404)
    found = get_session().exec(_CHILD_AND_STEP, params={
        "child_id": child_id, "step_id": step_id, "family_id": current_user.family_id}).first()
    if found is None:
        abort(404)
    child, ladder, step, family = found
    # The session holds loaded objects weakly: tied together, they live as long as the step
    # and the child do, and step.ladder.child.family runs no statement.
    set_committed_value(step, "ladder", ladder)
    set_committed_value(ladder, "child", child)
    set_committed_value(child, "family", family)
    return child, step


def _on_child(step: Step, child_id: int) -> Step:
    if step.ladder.child_id != child_id:
        abort(404)
    return step


def substep_for(substep_id: int) -> SubStep:
    """Return the sub-step if its child's family or linked therapist is asking."""
    substep = _get(SubStep, substep_id, *_SUBSTEP_UP)
    _may_see_or_treat(substep.step.ladder.child)
    return substep


def substep_of_step(step: Step, substep_id: int) -> SubStep:
    """Return the step's own small step `substep_id` (the step came through `step_for`), or 404."""
    for substep in step.substeps:
        if substep.id == substep_id:
            return substep
    abort(404)


def practice_for(practice_id: int) -> Practice:
    """Return the practice if its child is visible to the current user."""
    practice = _get(Practice, practice_id)
    _may_see(_child(practice.child_id))
    return practice


def practice_of_child(child: Child, practice_id: int) -> Practice:
    """Return the practice if it is this child's and the current user's family holds it."""
    practice = practice_for(practice_id)
    if practice.child_id != child.id:
        abort(404)
    return practice


def reminder_for(reminder_id: int) -> Reminder:
    """Return the reminder if the current user is its recipient (and may still see its child)."""
    reminder = _get(Reminder, reminder_id)
    if reminder.user_id != current_user.id:
        abort(404)
    if reminder.child_id is not None:
        _may_see(_child(reminder.child_id))
    return reminder


def inbox_message_for(message_id: int) -> InboxMessage:
    """Return the inbox message if the current user is its recipient."""
    message = _get(InboxMessage, message_id)
    if message.user_id != current_user.id:
        abort(404)
    return message


def note_for(note_id: int) -> TherapistNote:
    """Return a therapist's note if its child's family or a linked therapist is asking."""
    note = _get(TherapistNote, note_id)
    _may_see_or_treat(get_session().get(Child, note.child_id))
    return note


def link_for(link_id: int) -> TherapistLink:
    """Return a therapist link to its child's family, or to its therapist while not ended."""
    link = _get(TherapistLink, link_id)
    if not current_user.is_authenticated:
        abort(404)
    if link.therapist_id == current_user.id and link.status != LinkStatus.ENDED:
        return link
    if link.child_id is not None and in_family(get_session().get(Child, link.child_id)):
        return link
    abort(404)


# A live session with its child and family, while the session's therapist is still linked to
# the child: one statement, run on every poll as well as every page.
_LIVE = (select(LiveSession, Child)
         .join(Child, Child.id == LiveSession.child_id)
         .join(TherapistLink, (TherapistLink.child_id == LiveSession.child_id)
               & (TherapistLink.therapist_id == LiveSession.therapist_id)
               & ACTIVE_LINK)
         .where(LiveSession.id == bindparam("live_id"))
         .options(_CHILD_UP))


def _live(live_id: int, **where) -> tuple[LiveSession, Child]:
    if not (_ids_in_range(live_id) and current_user.is_authenticated):
        abort(404)
    statement = _live_for_family if "family_id" in where else _live_for_therapist
    found = get_session().exec(statement(), params={"live_id": live_id, **where}).first()
    if found is None:
        abort(404)
    return found[0], found[1]


@cache
def _live_for_family():
    return _LIVE.where(Child.family_id == bindparam("family_id"))


@cache
def _live_for_therapist():
    return _LIVE.where(LiveSession.therapist_id == bindparam("therapist_id"))


def live_session_for_family(live_id: int) -> tuple[LiveSession, Child]:
    """Return a live session and its child to a caregiver of the child's family, while the
    therapist who started it is still linked to the child (ended or not: the page says so)."""
    if current_user.is_authenticated and current_user.family_id is None:
        abort(404)
    return _live(live_id, family_id=getattr(current_user, "family_id", None))


def live_session_for_therapist(live_id: int) -> tuple[LiveSession, Child]:
    """Return a live session and its child to the therapist who started it, while linked."""
    if current_user.is_authenticated and current_user.role != Role.THERAPIST:
        abort(404)
    return _live(live_id, therapist_id=getattr(current_user, "id", None))


def left_live_session(live_id: int) -> tuple[LiveSession, Child] | None:
    """The live session and its child when the current user took part in it (the therapist who
    started it, or a caregiver of the child's family), whatever became of the link; else None.
    Only for a poll the access check above refused (the link ended): its screen, still open,
    stops and says so. Nothing else may use it."""
    if not (_ids_in_range(live_id) and current_user.is_authenticated):
        return None
    taking_part = (LiveSession.therapist_id == current_user.id
                   if current_user.role == Role.THERAPIST
                   else Child.family_id == current_user.family_id)
    return get_session().exec(select(LiveSession, Child)
                              .join(Child, Child.id == LiveSession.child_id)
                              .where(LiveSession.id == live_id, taking_part)).first()


def is_links_therapist(link: TherapistLink) -> bool:
    """True when the current user is the therapist on this link (not its child's family)."""
    return current_user.is_authenticated and link.therapist_id == current_user.id
