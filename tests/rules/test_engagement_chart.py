"""The engagement chart's geometry: inside the box, higher engagement drawn higher."""
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.engagement_chart import (
    HEIGHT,
    MAX_SHOWN,
    WIDTH,
    engagement_chart,
)


@given(st.lists(st.integers(1, 5), max_size=30))
def test_every_dot_is_inside_the_box_and_the_last_sessions_are_shown(levels):
    chart = engagement_chart(levels)
    assert chart.shown == min(len(levels), MAX_SHOWN) and chart.total == len(levels)
    assert [d.value for d in chart.dots] == levels[-MAX_SHOWN:]
    assert all(0 < d.x < WIDTH and 0 < d.y < HEIGHT for d in chart.dots)
    assert chart.truncated == (len(levels) > MAX_SHOWN)


def test_higher_engagement_is_higher_on_the_chart_and_one_dot_draws_no_line():
    chart = engagement_chart([1, 5, 3])
    low, high, mid = chart.dots
    assert high.y < mid.y < low.y and low.x < high.x < mid.x
    assert chart.points.count(",") == 3
    assert engagement_chart([4]).points == ""
