"""A child's active ladders and their steps as plain records, for the pages that show them on
every visit (the home screen, the practice form, the ready-to-move-on cards), and one ladder's
steps for its progress page.

One statement of plain columns. Loading the same rows as entities cost about four times as
much (ORM identity and state work per object), and these pages only read them. The records
carry the models' attribute names, so templates and rules read them like the models; a page
that changes a ladder loads the entity (access.ladder_for).
"""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.engine import Connection

from ..models import Ladder, Step


@dataclass(slots=True, eq=False)
class StepLine:
    id: int
    ladder_id: int
    position: int
    title: str
    status: str
    predicted_fear: int | None
    current_since: datetime | None
    mastered_at: datetime | None
    ladder: "LadderLine | Ladder"
    # Read for the progress page only (ladder_steps): fading a safety behaviour.
    faded_from_id: int | None = None
    without_safety: str = ""
    fading_dismissed: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class LadderLine:
    id: int
    child_id: int
    goal: str
    area: str
    calming_plan: list[str]
    created_at: datetime
    mastery_min_practices: int
    mastery_min_days: int
    mastery_max_peak: int
    mastery_count_halving: bool
    mastery_min_contexts: int
    safety_behaviours: list[str]
    steps: list[StepLine] = field(default_factory=list)


_LADDER_COLUMNS = (Ladder.id, Ladder.child_id, Ladder.goal, Ladder.area, Ladder.calming_plan,
                   Ladder.created_at, Ladder.mastery_min_practices, Ladder.mastery_min_days,
                   Ladder.mastery_max_peak, Ladder.mastery_count_halving,
                   Ladder.mastery_min_contexts, Ladder.safety_behaviours)
_STEP_COLUMNS = (Step.id, Step.position, Step.title, Step.status, Step.predicted_fear,
                 Step.current_since, Step.mastered_at)
# Oldest ladder first, its steps in ladder order; a ladder without steps still comes (NULLs).
_ACTIVE = (select(*_LADDER_COLUMNS, *_STEP_COLUMNS)
           .outerjoin(Step, Step.ladder_id == Ladder.id)
           .where(Ladder.child_id == bindparam("child_id"),
                  Ladder.status == "active")
           .order_by(Ladder.id, Step.position, Step.id))
_SPLIT = len(_LADDER_COLUMNS)


def with_archived(*step_figures) -> Select:
    """The child's ladders (bind child_id), oldest first: each active one's steps in ladder
    order, and a row without steps for each archived one, so the therapist's page counts them;
    each row ends with its ladder's status, then `step_figures` (columns of the row's step,
    ladder_trends' counts and peaks): a page that shows them reads them in the same statement."""
    return (select(*_LADDER_COLUMNS, *_STEP_COLUMNS, Ladder.status, *step_figures)
            .outerjoin(Step, and_(Step.ladder_id == Ladder.id, Ladder.status == "active"))
            .where(Ladder.child_id == bindparam("child_id"))
            .order_by(Ladder.id, Step.position, Step.id))


_ACTIVE_AND_ARCHIVED = with_archived()
_STATUS_AT = _SPLIT + len(_STEP_COLUMNS)


def active_ladders(connection: Connection, child_id: int) -> list[LadderLine]:
    """The child's active ladders with their steps, oldest ladder first."""
    return _lines(connection.execute(_ACTIVE, {"child_id": child_id}))


def active_ladders_and_archived(connection: Connection, child_id: int,
                                statement: Select = _ACTIVE_AND_ARCHIVED) -> tuple[
        list[LadderLine], int, dict[int, tuple]]:
    """The child's active ladders with their steps, oldest first, how many are archived, and
    each step's figures by step id (a `with_archived` statement's step_figures)."""
    rows = connection.execute(statement, {"child_id": child_id}).all()
    archived = {row[0] for row in rows if row[_STATUS_AT] == "archived"}
    active = [row for row in rows if row[_STATUS_AT] == "active"]
    figures = {row[_SPLIT]: tuple(row[_STATUS_AT + 1:]) for row in active
               if row[_SPLIT] is not None}
    return _lines(row[:_STATUS_AT] for row in active), len(archived), figures


def _lines(rows) -> list[LadderLine]:
    ladders: dict[int, LadderLine] = {}
    for row in rows:
        ladder = ladders.get(row[0])
        if ladder is None:
            ladder = ladders[row[0]] = LadderLine(*row[:_SPLIT])
        step_id, *rest = row[_SPLIT:]
        if step_id is not None:
            ladder.steps.append(StepLine(step_id, ladder.id, *rest, ladder=ladder))
    return list(ladders.values())


_FADING_COLUMNS = (Step.faded_from_id, Step.without_safety, Step.fading_dismissed)
_LADDER_STEPS = (select(*_STEP_COLUMNS, *_FADING_COLUMNS)
                 .where(Step.ladder_id == bindparam("ladder_id"))
                 .order_by(Step.position, Step.id))
_FADING_AT = len(_STEP_COLUMNS)


def ladder_steps(connection: Connection, ladder: Ladder) -> list[StepLine]:
    """The ladder's steps in ladder order, each pointing at `ladder` (the entity), with what
    the progress page needs to suggest fading a safety behaviour."""
    return [StepLine(row[0], ladder.id, *row[1:_FADING_AT], ladder=ladder,
                     faded_from_id=row[_FADING_AT], without_safety=row[_FADING_AT + 1],
                     fading_dismissed=row[_FADING_AT + 2] or [])
            for row in connection.execute(_LADDER_STEPS, {"ladder_id": ladder.id})]
