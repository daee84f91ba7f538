"""Geometry of a child's engagement chart: engagement (1 to 5) session by session.

Pure: takes engagement levels oldest first and returns numbers and an SVG point string; a
template draws the rest beside a table of the same numbers. Only the last MAX_SHOWN sessions
fit a phone-sized chart.
"""
from collections.abc import Sequence
from dataclasses import dataclass

MAX_SHOWN = 12
WIDTH, HEIGHT = 320, 150
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 30, WIDTH - 12, 12, HEIGHT - 14
LOW, HIGH = 1, 5


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class Gridline:
    y: float
    value: int


@dataclass(frozen=True)
class EngagementChart:
    dots: tuple[Dot, ...]
    points: str  # polyline points; empty when a single dot cannot make a line
    gridlines: tuple[Gridline, ...]
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT

    @property
    def shown(self) -> int:
        return len(self.dots)

    @property
    def truncated(self) -> bool:
        return self.total > self.shown


def _y(value: int) -> float:
    return round(PLOT_BOTTOM - (value - LOW) * (PLOT_BOTTOM - PLOT_TOP) / (HIGH - LOW), 1)


def engagement_chart(levels: Sequence[int]) -> EngagementChart:
    """Place each session's engagement (oldest first) on the chart; the last MAX_SHOWN fit."""
    shown = list(levels)[-MAX_SHOWN:]
    step = (PLOT_RIGHT - PLOT_LEFT) / max(1, len(shown) - 1)
    dots = tuple(Dot(round(PLOT_LEFT + i * step if len(shown) > 1 else
                           (PLOT_LEFT + PLOT_RIGHT) / 2, 1), _y(v), v)
                 for i, v in enumerate(shown))
    points = " ".join(f"{d.x},{d.y}" for d in dots) if len(dots) > 1 else ""
    return EngagementChart(dots=dots, points=points, total=len(levels),
                           gridlines=tuple(Gridline(_y(v), v) for v in range(LOW, HIGH + 1)))
