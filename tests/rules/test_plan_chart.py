"""The plan chart's geometry: days across, distress up, the accommodation strip, the start."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.plan_chart import (
    DISTRESS_BOTTOM,
    MAX_DAYS,
    PLOT_TOP,
    STRIP_Y,
    ChartDay,
    plan_chart,
)

START = date(2026, 11, 20)


def days(values):
    return [ChartDay(START + timedelta(days=i - 3), acc, d) for i, (acc, d) in enumerate(values)]


def test_the_start_is_marked_and_each_kind_of_day_has_its_shape():
    chart = plan_chart(days([(1, 2), (1, 3), (None, None), (0, 8), (0.5, 6)]), START)
    assert chart.start_x == chart.marks[2].x
    assert [m.kind for m in chart.marks] == ["yes", "yes", "no", "partly"]
    assert all(m.y == STRIP_Y for m in chart.marks)
    # A day without a rating breaks the line in two.
    assert len(chart.distress_lines) == 2 and len(chart.distress_dots) == 4


def test_a_start_outside_the_chart_is_not_drawn():
    assert plan_chart(days([(1, 2)]), START + timedelta(days=30)).start_x is None


values = st.tuples(st.one_of(st.none(), st.sampled_from([0, 0.5, 1])),
                   st.one_of(st.none(), st.integers(0, 10)))


@given(st.lists(values, max_size=40))
def test_everything_stays_inside_the_box_and_only_the_last_days_show(rows):
    chart = plan_chart(days(rows), START)
    assert chart.shown == min(len(rows), MAX_DAYS)
    for x, y in chart.distress_dots:
        assert chart.left <= x <= chart.right and PLOT_TOP <= y <= DISTRESS_BOTTOM
    assert len(chart.marks) == sum(1 for acc, _ in rows[-MAX_DAYS:] if acc is not None)
