"""The expectancy chart sits under the fear chart, in the same columns."""
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import expectancy_chart as ec
from graded_exposure.rules.expectancy import LIKELIHOOD_STEPS
from graded_exposure.rules.fear_chart import x_for

steps = st.one_of(st.none(), st.sampled_from(LIKELIHOOD_STEPS))


def test_a_likely_fear_sits_high_and_an_unlikely_one_low():
    assert ec.y_for(100) == ec.PLOT_TOP and ec.y_for(0) == ec.PLOT_BOTTOM
    assert ec.y_for(75) < ec.y_for(25)


def test_practices_without_a_likelihood_leave_their_column_empty():
    chart = ec.expectancy_chart([(100, 50), (None, None), (50, None)])
    assert chart.asked == 2 and chart.before_marks.count("<polygon") == 2
    assert chart.rerated_marks.count("<circle") == 1
    first, last = chart.line.split()
    assert first.startswith(f"{x_for(0, 3):g},") and last.startswith(f"{x_for(2, 3):g},")


def test_no_likelihood_is_an_empty_chart():
    assert ec.expectancy_chart([(None, None)] * 3).empty
    assert ec.expectancy_chart([]).empty


@given(st.lists(st.tuples(steps, steps), max_size=20))
def test_every_mark_is_inside_the_box(pairs):
    chart = ec.expectancy_chart(pairs)
    assert chart.asked == sum(1 for b, _ in pairs if b is not None)
    for number in chart.line.replace(",", " ").split():
        assert 0 <= float(number) <= max(chart.width, chart.height)
    assert chart.before_marks.count("<polygon") == chart.asked
