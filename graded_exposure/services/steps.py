"""Steps of a ladder and their sub-steps: add, edit, delete, reorder, choose the current one.

Invariants kept here: positions are 1..n with no gaps, and an active ladder with steps that
are not all mastered has exactly one current step.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from ..errors import DomainError
from ..models import Ladder, Practice, Step, SubStep, User, utcnow
from ..rules import ladder_rules as rules
from ..rules.boosters import is_complete
from . import boosters, expectancy, progress
from .ladders import ensure_changeable, record_change


def _tidy(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _step_fields(title: str, detail: str, predicted_fear: int, social_story: str,
                 sensory_story: str) -> dict:
    fields = {"title": _tidy(title), "detail": _tidy(detail), "predicted_fear": predicted_fear,
              "social_story": _tidy(social_story), "sensory_story": _tidy(sensory_story)}
    if problem := rules.step_problem(**fields):
        raise DomainError(problem)
    return fields


def _settle(session: Session, ladder: Ladder, steps: list[Step], statuses: list[str]) -> None:
    """Store positions 1..n in the given order with the given statuses, then commit."""
    now = utcnow()
    for position, (step, status) in enumerate(zip(steps, statuses, strict=True), start=1):
        # current_since feeds the "stuck on an easy step" flag: restart it on each new current.
        if status != rules.CURRENT:
            step.current_since = None
        elif step.status != rules.CURRENT or step.current_since is None:
            step.current_since = now
        # A step taken back from mastered to practise again is no longer mastered.
        if status != rules.MASTERED:
            step.mastered_at = None
        step.position, step.status = position, status
    session.commit()
    # The in-memory collection keeps its old order; reload it sorted by position next time.
    session.expire(ladder, ["steps"])


def add_step(session: Session, ladder: Ladder, *, title: str, detail: str = "",
             predicted_fear: int = 5, social_story: str = "", sensory_story: str = "",
             by: User | None = None) -> Step:
    """Add a step where its predicted fear puts it: before the first harder step."""
    ensure_changeable(ladder)
    fields = _step_fields(title, detail, predicted_fear, social_story, sensory_story)
    steps = list(ladder.steps)
    finished = is_complete(s.status for s in steps)
    if len(steps) >= rules.MAX_STEPS:
        raise DomainError(f"A ladder can have up to {rules.MAX_STEPS} steps. "
                          "Split it into two ladders instead.")
    index = rules.insert_index([s.predicted_fear for s in steps], predicted_fear)
    step = Step(position=index + 1, status=rules.UPCOMING, **fields)
    ladder.steps.append(step)
    steps.insert(index, step)
    record_change(session, ladder, by, "step added")
    _settle(session, ladder, steps, rules.with_one_current([s.status for s in steps]))
    _stop_boosters_if(finished, session, ladder)
    return step


def update_step(session: Session, step: Step, *, title: str, detail: str, predicted_fear: int,
                social_story: str, sensory_story: str | None = None,
                by: User | None = None) -> Step:
    """Change a step's title, detail, predicted fear and stories (None keeps the sensory one)."""
    ensure_changeable(step.ladder)
    if sensory_story is None:
        sensory_story = step.sensory_story
    fields = _step_fields(title, detail, predicted_fear, social_story, sensory_story)
    for name, value in fields.items():
        setattr(step, name, value)
    record_change(session, step.ladder, by, "step edited")
    session.commit()
    return step


def delete_step(session: Session, step: Step, by: User | None = None) -> Ladder:
    """Delete a step; the rest close up, and a new current step is chosen if needed."""
    ladder = step.ladder
    ensure_changeable(ladder)
    steps = list(ladder.steps)
    index = steps.index(step)
    statuses = rules.after_removal([s.status for s in steps], index)
    logged = session.exec(select(func.count()).where(Practice.step_id == step.id)).one()
    # Deleting cascades to sub-steps, whose lazy load would autoflush the half-removed step.
    with session.no_autoflush:
        session.delete(step)
        ladder.steps.remove(step)
    record_change(session, ladder, by, f"step deleted with {logged} practice"
                                       + ("" if logged == 1 else "s"))
    if logged:  # the re-rating question may have been about one of them
        expectancy.ask_about_newest(session, ladder.child)
    _settle(session, ladder, steps[:index] + steps[index + 1:], statuses)
    return ladder


def move_step(session: Session, step: Step, direction: str, by: User | None = None) -> Step:
    """Swap a step with its neighbour above or below; nothing happens at either end."""
    ensure_changeable(step.ladder)
    steps = step.ladder.steps
    try:
        other = rules.neighbour_index(steps.index(step), len(steps), direction)
    except ValueError as e:
        raise DomainError(str(e)) from e
    return step if other is None else move_step_to(session, step, other + 1, by)


def move_step_to(session: Session, step: Step, position: int, by: User | None = None) -> Step:
    """Move a step to a place on its ladder (1 = the bottom rung) in one go."""
    ladder = step.ladder
    ensure_changeable(ladder)
    steps = list(ladder.steps)
    index = steps.index(step)
    try:
        moved = rules.moved_to(steps, index, position)
    except ValueError as e:
        raise DomainError(str(e)) from e
    if moved != steps:
        record_change(session, ladder, by, "step moved")
        _settle(session, ladder, moved, [s.status for s in moved])
    return step


@dataclass(frozen=True)
class CurrentChange:
    """A change of the current step, with what it takes to undo it."""

    ladder_id: int
    chosen_id: int
    previous_id: int | None
    previous_since: datetime | None


def skipped_steps(step: Step) -> list[Step]:
    """The waiting steps below this one that making it current would leave out."""
    steps = list(step.ladder.steps)
    return [steps[i] for i in rules.skipped_by([s.status for s in steps], steps.index(step))]


def make_current(session: Session, step: Step, by: User | None = None, *,
                 later_wait: bool = False) -> CurrentChange:
    """Make this step the one the child is practising now; the old current one waits again.

    A plan change: returns what undo_current needs to put the old current step back. With
    `later_wait` (a finished ladder reopened) the steps above it wait again too.
    """
    ladder = step.ladder
    ensure_changeable(ladder)
    steps = list(ladder.steps)
    finished = is_complete(s.status for s in steps)
    previous = next((s for s in steps if s.status == rules.CURRENT), None)
    change = CurrentChange(ladder.id, step.id, previous and previous.id,
                           previous and previous.current_since)
    skipped = len(skipped_steps(step))
    record_change(session, ladder, by, "current step chosen" + (
        f", {skipped} step{'s' if skipped > 1 else ''} skipped" if skipped else ""))
    _settle(session, ladder, steps,
            rules.after_make_current([s.status for s in steps], steps.index(step),
                                     later_wait=later_wait))
    _stop_boosters_if(finished, session, ladder)
    return change


def _stop_boosters_if(finished: bool, session: Session, ladder: Ladder) -> None:
    """A finished ladder in practice again has no boosters: its reminders still to come go."""
    if finished:
        boosters.cancel(session, ladder)


UNDO_TOO_LATE = "The plan has changed since, so that can no longer be undone here."


def undo_current(session: Session, ladder: Ladder, change: CurrentChange,
                 by: User | None = None) -> Step:
    """Put back the current step a make_current replaced, with its "practising since" day.

    Refused once the ladder's current step is no longer the one that change chose.
    """
    ensure_changeable(ladder)
    steps = list(ladder.steps)
    current = next((s for s in steps if s.status == rules.CURRENT), None)
    previous = next((s for s in steps if s.id == change.previous_id), None)
    if (change.ladder_id != ladder.id or current is None or current.id != change.chosen_id
            or previous is None or previous.status == rules.MASTERED):
        raise DomainError(UNDO_TOO_LATE)
    record_change(session, ladder, by, "current step put back")
    _settle(session, ladder, steps,
            rules.after_make_current([s.status for s in steps], steps.index(previous)))
    previous.current_since = change.previous_since or previous.current_since
    session.commit()
    return previous


def confirm_mastered(session: Session, step: Step, by: User | None = None) -> Step | None:
    """Mark the current step mastered once it meets the rule; return the new current step.

    Never automatic: the family confirms. The next waiting step up the ladder becomes current.
    """
    ladder = step.ladder
    ensure_changeable(ladder)
    if step.status == rules.MASTERED:
        raise DomainError(f"“{step.title}” is already mastered.")
    if step.status != rules.CURRENT:
        raise DomainError("Only the step your child is practising now can be marked mastered.")
    mastery = progress.step_mastery(session, step)
    if not mastery.met:
        raise DomainError(f"Not yet: so far {progress.progress_words(mastery)}. "
                          f"{mastery.rule.describe()}")
    steps = list(ladder.steps)
    index = steps.index(step)
    statuses = [s.status for s in steps]
    statuses[index] = rules.MASTERED
    step.mastered_at = utcnow()
    record_change(session, ladder, by, "step mastered")
    _settle(session, ladder, steps, rules.with_one_current(statuses, prefer_from=index + 1))
    return next((s for s in steps if s.status == rules.CURRENT), None)


def add_substep(session: Session, step: Step, text: str, by: User | None = None) -> SubStep:
    """Add a small step to the end of a step's checklist."""
    ensure_changeable(step.ladder)
    if problem := rules.substep_problem(text):
        raise DomainError(problem)
    if len(step.substeps) >= rules.MAX_SUBSTEPS:
        raise DomainError(f"A step can have up to {rules.MAX_SUBSTEPS} small steps. "
                          "If it needs more, split it into two steps.")
    substep = SubStep(position=len(step.substeps) + 1, text=text.strip())
    step.substeps.append(substep)
    record_change(session, step.ladder, by, "small step added")
    session.commit()
    return substep


def toggle_substep(session: Session, substep: SubStep, done: bool | None = None) -> SubStep:
    """Tick or untick a small step; given `done`, set it (so a repeated request is harmless)."""
    ensure_changeable(substep.step.ladder)
    substep.done = (not substep.done) if done is None else done
    session.commit()
    return substep


def delete_substep(session: Session, substep: SubStep, by: User | None = None) -> Step:
    """Delete a small step and close up the checklist."""
    step = substep.step
    ensure_changeable(step.ladder)
    with session.no_autoflush:
        session.delete(substep)
        step.substeps.remove(substep)
    for position, item in enumerate(step.substeps, start=1):
        item.position = position
    record_change(session, step.ladder, by, "small step deleted")
    session.commit()
    return step
