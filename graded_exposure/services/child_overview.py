"""What a child's home screen shows: active ladders, their current steps, recent practices,
steps ready to move on, the avoidance trap and the flags.

The active ladders and their steps are loaded once and shared by every part of the page; no
part reads the whole practice history, so the page costs the same after two years as after two
weeks.
"""
from dataclasses import dataclass, field

from sqlmodel import Session

from ..models import Child
from . import insights, ladder_lines, progress
from .ladder_lines import LadderLine, StepLine
from .practices import PracticeRow, newest

# The home screen's last tries: a phone screenful under the ladder cards; the practice list
# (the "All practices" link) pages through the rest. Each row was 6-7 % of the page's cost.
RECENT_PRACTICES = 5


@dataclass
class LadderCard:
    """One active ladder on the home screen: its current step and how far the child has come."""

    ladder: LadderLine
    current_step: StepLine | None
    mastered: int
    total: int


@dataclass
class ChildOverview:
    ladders: list[LadderCard] = field(default_factory=list)
    recent_practices: list[PracticeRow] = field(default_factory=list)
    ready_steps: list[StepLine] = field(default_factory=list)
    outlook: insights.Outlook | None = None


def for_child(session: Session, child: Child) -> ChildOverview:
    """Load what the child's home screen needs in a fixed number of queries."""
    ladders = ladder_lines.active_ladders(session.connection(), child.id)
    outlook = insights.outlook(session, child, ladders)
    # Which current steps meet their rule: kept in the child's summary (read with the outlook),
    # where reading it from the practices was the page's dearest read after long on a step.
    return ChildOverview(ladders=[_card(ladder) for ladder in ladders],
                         recent_practices=newest(session, child, RECENT_PRACTICES),
                         ready_steps=progress.ready_steps(session, child, ladders,
                                                          known=outlook.ready_step_ids),
                         outlook=outlook)


def _card(ladder: LadderLine) -> LadderCard:
    current = next((s for s in ladder.steps if s.status == "current"), None)
    mastered = sum(1 for s in ladder.steps if s.status == "mastered")
    return LadderCard(ladder=ladder, current_step=current, mastered=mastered,
                      total=len(ladder.steps))
