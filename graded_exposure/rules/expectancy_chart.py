"""Geometry of a step's expectancy chart, drawn under its fear chart with the same columns.

Pure: takes, for each practice the fear chart shows (oldest first), how likely the feared
outcome felt before (or None when nobody asked) and its later re-rating (or None), and returns
SVG point strings and markers as elements (numbers only); a template draws the rest.
"""
from collections.abc import Sequence
from dataclasses import dataclass

from .fear_chart import MARK, PLOT_LEFT, PLOT_RIGHT, WIDTH, Gridline, x_for

HEIGHT = 110
PLOT_TOP, PLOT_BOTTOM = 10, HEIGHT - 12
GRID_PERCENTS = (0, 50, 100)

Pair = tuple[int | None, int | None]  # (likelihood before, re-rated later)


@dataclass(frozen=True)
class ExpectancyChart:
    width: int
    height: int
    left: int
    right: int
    gridlines: tuple[Gridline, ...]  # value: a percent
    line: str  # polyline through the likelihoods before; empty under two of them
    before_marks: str  # diamonds, one a line
    rerated_marks: str  # open circles, one a line
    asked: int  # practices with a likelihood

    @property
    def empty(self) -> bool:
        return self.asked == 0


def y_for(percent: int) -> float:
    """Return the height of a likelihood: 0 % at the bottom of the plot, 100 % at the top."""
    percent = min(100, max(0, percent))
    return round(PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * percent / 100, 1)


def _num(value: float) -> str:
    return f"{round(value, 1):g}"


def _diamond(x: float, y: float) -> str:
    points = " ".join(f"{_num(px)},{_num(py)}" for px, py in (
        (x, y - MARK), (x + MARK, y), (x, y + MARK), (x - MARK, y)))
    return f'<polygon class="ec-mark" points="{points}"/>'


def _circle(x: float, y: float) -> str:
    return f'<circle class="ec-rerated" cx="{_num(x)}" cy="{_num(y)}" r="{MARK}"/>'


def expectancy_chart(pairs: Sequence[Pair]) -> ExpectancyChart:
    """Lay out the likelihoods of the practices a fear chart shows, in its columns."""
    count = len(pairs)
    before = [(x_for(i, count), y_for(b)) for i, (b, _) in enumerate(pairs) if b is not None]
    rerated = [(x_for(i, count), y_for(r)) for i, (_, r) in enumerate(pairs) if r is not None]
    return ExpectancyChart(
        width=WIDTH, height=HEIGHT, left=PLOT_LEFT, right=PLOT_RIGHT,
        gridlines=tuple(Gridline(p, y_for(p)) for p in GRID_PERCENTS),
        line=" ".join(f"{_num(x)},{_num(y)}" for x, y in before) if len(before) > 1 else "",
        before_marks="\n      ".join(_diamond(x, y) for x, y in before),
        rerated_marks="\n      ".join(_circle(x, y) for x, y in rerated),
        asked=len(before))
