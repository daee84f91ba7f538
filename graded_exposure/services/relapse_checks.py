"""The relapse check on a finished ladder, and reopening the ladder at the right step.

The score and the step to start again at are rules (rules/boosters.py); reopening uses the
one make-current service (services/steps.make_current) with the steps above waiting again.
"""
from collections.abc import Iterable

from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Ladder, RelapseCheck, Step, User
from ..rules import boosters as rules
from . import audit, boosters, steps
from .form_keys import KeyLost, checked_key
from .ladders import unarchive_ladder
from .unique_wins import write_or_winner

NOT_FINISHED = "The quick check is for a ladder whose every step is mastered."
ALREADY_OPEN = "This ladder is open again already: its current step is on the ladder page."


def record_check(session: Session, ladder: Ladder, user: User, answers: rules.RelapseAnswers,
                 hard_step_ids: Iterable[int], idempotency_key: str) -> RelapseCheck:
    """Store the family's answers once per form; a repeated key returns the stored check."""
    key = checked_key(idempotency_key)
    existing = _by_key(session, key)
    if existing is not None:
        if existing.ladder_id != ladder.id:
            raise KeyLost()
        return existing
    if not rules.is_complete(s.status for s in ladder.steps):
        raise DomainError(NOT_FINISHED)
    ids = list(dict.fromkeys(hard_step_ids))
    if not set(ids) <= {s.id for s in ladder.steps}:
        raise DomainError("Choose steps from this ladder.")
    check = RelapseCheck(ladder_id=ladder.id, child_id=ladder.child_id, avoiding=answers.avoiding,
                         fear=answers.fear, accommodating=answers.accommodating,
                         hard_step_ids=ids, creeping_back=rules.is_creeping_back(answers),
                         answered_by_id=user.id, idempotency_key=key)

    def store() -> RelapseCheck:
        session.add(check)
        session.commit()
        return check

    # Two copies of one form raced: the first one stands.
    return write_or_winner(session, store, lambda: _by_key(session, key))


def _by_key(session: Session, key: str) -> RelapseCheck | None:
    return session.exec(select(RelapseCheck).where(RelapseCheck.idempotency_key == key)).first()


def reopen(session: Session, ladder: Ladder, check: RelapseCheck, user: User) -> Step:
    """Open the finished ladder again at the check's step (its boosters stop); audit it."""
    if check.reopened_step_id is not None or not rules.is_complete(
            s.status for s in ladder.steps):
        raise DomainError(ALREADY_OPEN)
    if not check.creeping_back:
        raise DomainError("The check says it is holding, so the ladder stays finished.")
    unarchive_ladder(session, ladder, by=user)
    step = boosters.reopen_step(ladder.steps, check)
    steps.make_current(session, step, by=user, later_wait=True)
    check.reopened_step_id = step.id
    audit.record(session, "ladder_reopened", actor_id=user.id,
                 family_id=ladder.child.family_id,
                 subject=f"child:{ladder.child_id} · ladder {ladder.id} at step {step.position}")
    session.commit()
    return step
