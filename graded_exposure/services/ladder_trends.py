"""Ladders and fear trends on the therapist's page: per active ladder, the steps mastered, the
current step's progress (its chart and how far it is towards the rule) and, for every step
practised, how many practices it had and the peak fear of the first and of the latest, and
how likely its feared outcome felt at its first prediction and lately, with the surprises.

Nothing reads a step's whole history: SQL counts every step's practices and picks the first
and the latest through the (step, time) index; a current step's chart reads its newest
MAX_SHOWN practices, as the family's progress page does, and its words towards the rule come
from those when they decide (the whole history, or the rule met within them), else from the
progress page's count of qualifying practices. A ladder costs the same after two years as
after two weeks.
"""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from ..models import Practice, Step
from ..rules import ladder_rules
from ..rules.expectancy import ExpectancyTrend
from ..rules.mastery import MasteryProgress, MasteryRule, mastery_progress
from . import ladder_lines
from .expectancy import LATEST_LIKELIHOOD, SURPRISE
from .ladder_lines import LadderLine, StepLine
from .progress import StepProgress, mastery_rule, mastery_until_met, newest_facts


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
    current: StepProgress | None  # with the step's newest MAX_SHOWN practices, oldest first
    practised: list[StepPeaks]  # in ladder order

    @property
    def total(self) -> int:
        return len(self.ladder.steps)


# Oldest first as progress orders them: by time, then id. Each column is correlated to the
# row's step (ladder_lines.with_archived), so the ladders and these come in one statement.
_OF_STEP = select(Practice.fear_peak).where(Practice.step_id == Step.id).limit(1)
_OLDEST = (Practice.practiced_at, Practice.id)
_NEWEST = (Practice.practiced_at.desc(), Practice.id.desc())
_ASKED = (Practice.step_id == Step.id, Practice.expected_likelihood.is_not(None))
_WITH_PEAKS = ladder_lines.with_archived(
    select(func.count()).where(Practice.step_id == Step.id).scalar_subquery(),
    _OF_STEP.order_by(*_OLDEST).scalar_subquery(),
    _OF_STEP.order_by(*_NEWEST).scalar_subquery(),
    select(Practice.expected_likelihood).where(*_ASKED).order_by(*_OLDEST).limit(1)
    .scalar_subquery(),
    select(LATEST_LIKELIHOOD).where(*_ASKED).order_by(*_NEWEST).limit(1).scalar_subquery(),
    select(func.count()).where(*_ASKED).scalar_subquery(),
    select(func.count()).where(*_ASKED, SURPRISE).scalar_subquery())


def for_child(session: Session, child_id: int, tz: str) -> tuple[list[LadderTrend], int]:
    """The trends of the child's active ladders, oldest first, and how many ladders are
    archived: two statements, and more only for a current step whose newest practices do not
    say how far it is towards its rule (progress.mastery_until_met)."""
    connection = session.connection()
    ladders, archived, figures = ladder_lines.active_ladders_and_archived(
        connection, child_id, _WITH_PEAKS)
    peaks = {step_id: row for step_id, row in figures.items() if row[0]}
    rules = {step.id: mastery_rule(ladder) for ladder in ladders for step in ladder.steps
             if step.status == ladder_rules.CURRENT}
    facts = newest_facts(connection, [s for s in rules if s in peaks], tz)[0]
    mastery = _mastery(connection, rules, facts, peaks, tz)
    return [_trend(ladder, facts, peaks, mastery) for ladder in ladders], archived


def _mastery(connection: Connection, rules: dict[int, MasteryRule], facts: dict[int, list],
             peaks: dict[int, list], tz: str) -> dict[int, MasteryProgress]:
    """Each current step's progress towards its rule, from its newest practices where they
    decide it (they are all of them, or they meet the rule: more practices only add to it)."""
    found, undecided = {}, {}
    for step_id, rule in rules.items():
        newest = mastery_progress(facts[step_id], rule)
        whole = len(facts[step_id]) == (peaks[step_id][0] if step_id in peaks else 0)
        if whole or newest.met:
            found[step_id] = newest
        else:
            undecided[step_id] = rule
    return found | mastery_until_met(connection, undecided, tz) if undecided else found


def _trend(ladder: LadderLine, facts: dict[int, list], peaks: dict[int, list],
           mastery: dict[int, MasteryProgress]) -> LadderTrend:
    rule = mastery_rule(ladder)
    step = next((s for s in ladder.steps if s.status == ladder_rules.CURRENT), None)
    current = None if step is None else StepProgress(
        step=step, facts=facts[step.id], mastery=mastery[step.id], rule=rule,
        practice_count=peaks[step.id][0] if step.id in peaks else 0)
    return LadderTrend(
        ladder=ladder, rule=rule, current=current,
        mastered=sum(1 for s in ladder.steps if s.status == ladder_rules.MASTERED),
        practised=[StepPeaks(s, *peaks[s.id]) for s in ladder.steps if s.id in peaks])
