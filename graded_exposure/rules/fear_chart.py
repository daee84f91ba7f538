"""Geometry of a step's fear chart: fear before, at its peak and after, practice by practice.

Pure: takes fear triples (or PracticeFacts) oldest first and returns numbers, SVG point
strings and each series' markers as SVG elements (numbers only); a template draws the rest. Only
the last MAX_SHOWN practices fit a phone-sized chart.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from .facts import PracticeFact

MAX_SHOWN = 20
WIDTH, HEIGHT = 320, 170
# Room on the left for the 0/5/10 labels; the other insets keep every marker inside the box.
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 34, WIDTH - 10, 10, HEIGHT - 12
FEAR_MIN, FEAR_MAX = 0, 10
GRID_VALUES = (0, 5, 10)
MARK = 4.5  # half the size of a marker


@dataclass(frozen=True)
class SeriesStyle:
    """How one series looks apart from colour: a dash pattern and a marker shape."""

    key: str
    label: str
    dash: str
    marker: str


SERIES_STYLES = (
    SeriesStyle("before", "Before", "6 4", "circle"),
    SeriesStyle("peak", "Peak", "", "square"),
    SeriesStyle("after", "After", "1 4", "triangle"),
)


class Dot(NamedTuple):  # a tuple: a chart makes sixty, and a frozen dataclass is slow to build
    x: float
    y: float
    value: int

    @property
    def corner_x(self) -> float:
        """Left edge of a square marker."""
        return round(self.x - MARK, 1)

    @property
    def corner_y(self) -> float:
        """Top edge of a square marker."""
        return round(self.y - MARK, 1)

    @property
    def triangle(self) -> str:
        """Points of an upward triangle marker centred on the dot."""
        return _points([(self.x, self.y - MARK), (self.x + MARK, self.y + MARK),
                        (self.x - MARK, self.y + MARK)])


# A dot's marker by shape. Written here rather than per dot in the template: a page of charts
# has hundreds of dots, and the template's per-dot lookups and branches were a fifth of it.
_MARK_ELEMENTS = {
    "circle": '<circle class="fc-mark" cx="{d.x}" cy="{d.y}" r="{half}"/>',
    "square": ('<rect class="fc-mark" x="{d.corner_x}" y="{d.corner_y}" '
               'width="{size}" height="{size}"/>'),
    "triangle": '<polygon class="fc-mark" points="{d.triangle}"/>',
}
_MARK_INDENT = "\n      "  # as the chart template lays the elements out


@dataclass(frozen=True)
class Series:
    style: SeriesStyle
    points: str  # polyline points; empty when a single dot cannot make a line
    marks: str  # the dots' markers as SVG elements, one a line
    values: tuple[int, ...]  # the fear of each shown practice, oldest first

    @property
    def dots(self) -> tuple[Dot, ...]:
        count = len(self.values)
        return tuple(Dot(x_for(i, count), y_for(v), v) for i, v in enumerate(self.values))


# A chart has few possible positions (eleven heights, at most MAX_SHOWN columns for each number
# of practices shown), so each point and marker is worked out and written once per process:
# rounding and formatting them afresh for every dot of every chart cost more than the rest of
# the progress page.
@cache
def _point_at(index: int, count: int, fear: int) -> str:
    return f"{_num(x_for(index, count))},{_num(y_for(fear))}"


@cache
def _mark_at(marker: str, index: int, count: int, fear: int) -> str:
    dot = Dot(x_for(index, count), y_for(fear), fear)
    return _MARK_ELEMENTS[marker].format(d=dot, half=MARK, size=MARK * 2)


@dataclass(frozen=True)
class Gridline:
    value: int
    y: float


@dataclass(frozen=True)
class FearChart:
    width: int
    height: int
    left: int
    right: int
    gridlines: tuple[Gridline, ...]
    series: tuple[Series, ...]
    shown: int
    total: int

    @property
    def empty(self) -> bool:
        return self.shown == 0

    @property
    def truncated(self) -> bool:
        """True when older practices were left out to keep the chart readable."""
        return self.total > self.shown

    @property
    def mark_size(self) -> float:
        return MARK * 2


Triple = tuple[int, int, int]


def fear_triple(practice: Triple | PracticeFact) -> Triple:
    """Return (before, peak, after) from a PracticeFact or a triple."""
    if isinstance(practice, PracticeFact):
        return practice.fear_before, practice.fear_peak, practice.fear_after
    before, peak, after = practice
    return before, peak, after


@cache
def y_for(fear: int) -> float:
    """Return the height of a fear rating: 0 at the bottom of the plot, 10 at the top."""
    fear = min(FEAR_MAX, max(FEAR_MIN, fear))
    span = PLOT_BOTTOM - PLOT_TOP
    return round(PLOT_BOTTOM - span * (fear - FEAR_MIN) / (FEAR_MAX - FEAR_MIN), 1)


@cache
def x_for(index: int, count: int) -> float:
    """Return the across position of practice `index` of `count`, oldest at the left."""
    if count <= 1:
        return round((PLOT_LEFT + PLOT_RIGHT) / 2, 1)
    return round(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * index / (count - 1), 1)


def fear_chart(practices: Sequence[Triple | PracticeFact], total: int | None = None) -> FearChart:
    """Lay out the last MAX_SHOWN practices (oldest first) as three series of dots and lines;
    `total` is how many practices there are in all, when `practices` holds only the newest."""
    triples = [fear_triple(p) for p in practices[-MAX_SHOWN:]]
    count = len(triples)
    series = []
    for position, style in enumerate(SERIES_STYLES):
        values = tuple(t[position] for t in triples)
        line = " ".join(_point_at(i, count, v) for i, v in enumerate(values)) if count > 1 else ""
        marks = _MARK_INDENT.join(_mark_at(style.marker, i, count, v)
                                  for i, v in enumerate(values))
        series.append(Series(style=style, points=line, marks=marks, values=values))
    return FearChart(width=WIDTH, height=HEIGHT, left=PLOT_LEFT, right=PLOT_RIGHT,
                     gridlines=tuple(Gridline(v, y_for(v)) for v in GRID_VALUES),
                     series=tuple(series), shown=count,
                     total=len(practices) if total is None else total)


def _points(pairs: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in pairs)


def _num(value: float) -> str:
    """Write a coordinate briefly: 12 rather than 12.0, one decimal at most."""
    return f"{round(value, 1):g}"
