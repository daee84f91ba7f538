"""Ladders and fear trends on the therapist's page: per active ladder, the steps mastered, the
current step's progress (its chart and how far it is towards the rule) and, for every step
practised, how many practices it had and the peak fear of the first and of the latest, and
how likely its feared outcome felt at its first prediction and lately, with the surprises.

Only the current steps' practices are read whole. For the others SQL counts the practices and
picks the first and the latest through the (step, time) index, so a ladder's finished steps
cost the same after two years as after two weeks.
"""
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlmodel import Session

from ..models import Practice, Step
from ..rules import ladder_rules
from ..rules.expectancy import ExpectancyTrend
from ..rules.mastery import MasteryRule, mastery_progress
from .expectancy import LATEST_LIKELIHOOD, SURPRISE
from .ladder_lines import LadderLine, StepLine
from .progress import StepProgress, facts_by_step, mastery_rule


@dataclass
class StepPeaks:
    """A practised step: its practices in all, and the peak fear of the first and the latest."""

    step: StepLine
    practices: int
    first_peak: int
    latest_peak: int
    # Expectancy (rules/expectancy.py): the first and latest likelihood, None without any.
    first_likely: int | None = None
    latest_likely: int | None = None
    predictions: int = 0
    surprises: int = 0

    @property
    def expectancy(self) -> ExpectancyTrend | None:
        if not self.predictions:
            return None
        return ExpectancyTrend(first=self.first_likely, latest=self.latest_likely,
                               predictions=self.predictions, surprises=self.surprises)


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
_OLDEST = (Practice.practiced_at, Practice.id)
_NEWEST = (Practice.practiced_at.desc(), Practice.id.desc())
_ASKED = (Practice.step_id == Step.id, Practice.expected_likelihood.is_not(None))
_PEAKS = select(
    Step.id,
    select(func.count()).where(Practice.step_id == Step.id).scalar_subquery(),
    _OF_STEP.order_by(*_OLDEST).scalar_subquery(),
    _OF_STEP.order_by(*_NEWEST).scalar_subquery(),
    select(Practice.expected_likelihood).where(*_ASKED).order_by(*_OLDEST).limit(1)
    .scalar_subquery(),
    select(LATEST_LIKELIHOOD).where(*_ASKED).order_by(*_NEWEST).limit(1).scalar_subquery(),
    select(func.count()).where(*_ASKED).scalar_subquery(),
    select(func.count()).where(*_ASKED, SURPRISE).scalar_subquery(),
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
