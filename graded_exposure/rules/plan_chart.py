"""Geometry of a plan's chart: the target accommodation day by day, before and after the plan
started, with the child's distress (0-10) as a line above it.

Pure: takes one ChartDay per calendar day, oldest first, and returns numbers; the template
(templates/plans/_chart.html) draws them, and a table beside it says the same in words.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 320, 190
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP = 34, WIDTH - 10, 10
DISTRESS_BOTTOM = 130  # distress 0 sits here; the accommodation strip is below
STRIP_Y = 160
GRID_VALUES = (0, 5, 10)
MAX_DAYS = 28


@dataclass(frozen=True)
class ChartDay:
    """One day: how far the target accommodation happened (1 yes, 0.5 partly, 0 no, None not
    known) and the child's distress (None when nothing was logged)."""

    day: date
    accommodated: float | None
    distress: int | None


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    kind: str  # "yes" | "partly" | "no"


@dataclass(frozen=True)
class PlanChart:
    width: int
    height: int
    left: int
    right: int
    gridlines: tuple[tuple[int, float], ...]
    distress_lines: tuple[str, ...]  # polylines, broken where a day has no rating
    distress_dots: tuple[tuple[float, float], ...]
    marks: tuple[Mark, ...]
    start_x: float | None  # where the plan starts, if it is inside the chart
    strip_y: int
    shown: int


def x_for(index: int, count: int) -> float:
    """Return the across position of day `index` of `count`, oldest at the left."""
    if count <= 1:
        return round((PLOT_LEFT + PLOT_RIGHT) / 2, 1)
    return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * index / (count - 1), 1)


def y_for(distress: int) -> float:
    """Return the height of a distress rating: 0 at the bottom of its band, 10 at the top."""
    distress = min(10, max(0, distress))
    return round(DISTRESS_BOTTOM - (DISTRESS_BOTTOM - PLOT_TOP) * distress / 10, 1)


def _kind(value: float) -> str:
    return "yes" if value >= 1 else "partly" if value > 0 else "no"


def plan_chart(days: Sequence[ChartDay], starts_on: date) -> PlanChart:
    """Lay out the last MAX_DAYS days (oldest first) with the plan's start marked."""
    shown = list(days[-MAX_DAYS:])
    count = len(shown)
    lines, run, dots, marks = [], [], [], []
    start_x = None
    for i, d in enumerate(shown):
        x = x_for(i, count)
        if d.day == starts_on:
            start_x = x
        if d.distress is None:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
        else:
            y = y_for(d.distress)
            run.append(f"{x:g},{y:g}")
            dots.append((x, y))
        if d.accommodated is not None:
            marks.append(Mark(x, STRIP_Y, _kind(d.accommodated)))
    if len(run) > 1:
        lines.append(" ".join(run))
    return PlanChart(width=WIDTH, height=HEIGHT, left=PLOT_LEFT, right=PLOT_RIGHT,
                     gridlines=tuple((v, y_for(v)) for v in GRID_VALUES),
                     distress_lines=tuple(lines), distress_dots=tuple(dots),
                     marks=tuple(marks), start_x=start_x, strip_y=STRIP_Y, shown=count)
