"""Ladders and fear trends on the therapist's page: per active ladder, the steps mastered, the
current step's progress (its chart and how far it is towards the rule) and, for every step
practised, how many practices it had and the peak fear of the first and of the latest.

Only the current steps' practices are read whole. For the others SQL counts the practices and
picks the first and the latest through the (step, time) index, so a ladder's finished steps
cost the same after two years as after two weeks.
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from ..models import Practice, Step
from ..rules import ladder_rules
from ..rules.mastery import MasteryRule, mastery_progress
from .ladder_lines import LadderLine, StepLine
from .progress import StepProgress, facts_by_step, mastery_rule


@dataclass
class StepPeaks:
    """A practised step: its practices in all, and the peak fear of the first and the latest."""

    step: StepLine
    practices: int
    first_peak: int
    latest_peak: int


@dataclass
class LadderTrend:
    ladder: LadderLine
    rule: MasteryRule
    mastered: int  # steps
    current: StepProgress | None  # with every practice of the step, oldest first
    practised: list[StepPeaks]  # in ladder order

    @property
    def total(self) -> int:
        return len(self.ladder.steps)


# Oldest first as progress orders them: by time, then id.
_OF_STEP = select(Practice.fear_peak).where(Practice.step_id == Step.id).limit(1)
_PEAKS = select(
    Step.id,
    select(func.count()).where(Practice.step_id == Step.id).scalar_subquery(),
    _OF_STEP.order_by(Practice.practiced_at, Practice.id).scalar_subquery(),
    _OF_STEP.order_by(Practice.practiced_at.desc(), Practice.id.desc()).scalar_subquery(),
).where(Step.id.in_(bindparam("step_ids", expanding=True)))


def for_ladders(session: Session, ladders: list[LadderLine], tz: str) -> list[LadderTrend]:
    """The trends of these ladders (with their steps), in two statements."""
    step_ids = [step.id for ladder in ladders for step in ladder.steps]
    peaks = {step_id: row for step_id, *row in session.connection().execute(
        _PEAKS, {"step_ids": step_ids}) if row[0]} if step_ids else {}
    current = [step.id for ladder in ladders for step in ladder.steps
               if step.status == ladder_rules.CURRENT]
    facts = facts_by_step(session, current, tz)
    return [_trend(ladder, facts, peaks) for ladder in ladders]


def _trend(ladder: LadderLine, facts: dict[int, list], peaks: dict[int, list]) -> LadderTrend:
    rule = mastery_rule(ladder)
    step = next((s for s in ladder.steps if s.status == ladder_rules.CURRENT), None)
    current = None if step is None else StepProgress(
        step=step, facts=facts[step.id], mastery=mastery_progress(facts[step.id], rule),
        rule=rule, practice_count=len(facts[step.id]))
    return LadderTrend(
        ladder=ladder, rule=rule, current=current,
        mastered=sum(1 for s in ladder.steps if s.status == ladder_rules.MASTERED),
        practised=[StepPeaks(s, *peaks[s.id]) for s in ladder.steps if s.id in peaks])
