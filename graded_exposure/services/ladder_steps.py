"""A ladder's steps with their small steps as plain records, for the ladder page.

One statement of plain columns: the steps left-joined to their small steps. The page only reads
them, and loading the same rows as entities (the ladder again, its steps, then their small
steps) cost four times as much. The records carry the models' attribute names, so the
templates read them like the models; the step page, which edits a step, still gets the entity
(access.step_for).
"""
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from ..models import Step, SubStep


@dataclass(slots=True, eq=False)
class SubStepItem:
    id: int
    position: int
    text: str
    done: bool


@dataclass(slots=True, eq=False)
class StepItem:
    id: int
    ladder_id: int
    position: int
    title: str
    detail: str
    predicted_fear: int
    social_story: str
    status: str
    substeps: list[SubStepItem] = field(default_factory=list)


_STEP_COLUMNS = (Step.id, Step.ladder_id, Step.position, Step.title, Step.detail,
                 Step.predicted_fear, Step.social_story, Step.status)
_SUBSTEP_COLUMNS = (SubStep.id, SubStep.position, SubStep.text, SubStep.done)
# Bottom rung first, each step's small steps in order; a step without any still comes (NULLs).
_STEPS = (select(*_STEP_COLUMNS, *_SUBSTEP_COLUMNS)
          .outerjoin(SubStep, SubStep.step_id == Step.id)
          .where(Step.ladder_id == bindparam("ladder_id"))
          .order_by(Step.position, Step.id, SubStep.position, SubStep.id))
_SPLIT = len(_STEP_COLUMNS)


def steps_with_substeps(connection: Connection, ladder_id: int) -> list[StepItem]:
    """The ladder's steps, bottom rung first, each with its small steps."""
    steps: dict[int, StepItem] = {}
    for row in connection.execute(_STEPS, {"ladder_id": ladder_id}):
        step = steps.get(row[0])
        if step is None:
            step = steps[row[0]] = StepItem(*row[:_SPLIT])
        if row[_SPLIT] is not None:
            step.substeps.append(SubStepItem(*row[_SPLIT:]))
    return list(steps.values())
