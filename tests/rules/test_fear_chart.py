"""Geometry of the fear chart: where each practice's before, peak and after land."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import fear_chart as fc
from graded_exposure.rules.facts import PracticeFact


def _coordinates(chart: fc.FearChart) -> list[tuple[float, float]]:
    """Every point the template draws: polylines, markers of each shape, gridlines."""
    found = []
    for series in chart.series:
        for pair in series.points.split():
            x, y = pair.split(",")
            found.append((float(x), float(y)))
        for dot in series.dots:
            found += [(dot.x - fc.MARK, dot.y - fc.MARK), (dot.x + fc.MARK, dot.y + fc.MARK),
                      (dot.corner_x, dot.corner_y)]
            found += [tuple(map(float, p.split(","))) for p in dot.triangle.split()]
    found += [(chart.left, g.y) for g in chart.gridlines] + [(chart.right, g.y)
                                                             for g in chart.gridlines]
    return found


def _series(chart: fc.FearChart, key: str) -> fc.Series:
    return next(s for s in chart.series if s.style.key == key)


def test_no_practices_gives_an_empty_chart():
    chart = fc.fear_chart([])
    assert chart.empty and chart.shown == 0 and not chart.truncated
    assert all(not s.dots and s.points == "" for s in chart.series)


def test_one_practice_gives_dots_but_no_lines():
    chart = fc.fear_chart([(4, 6, 2)])
    assert not chart.empty and chart.shown == 1
    assert [len(s.dots) for s in chart.series] == [1, 1, 1]
    assert all(s.points == "" for s in chart.series)
    assert _series(chart, "peak").dots[0].x == (fc.PLOT_LEFT + fc.PLOT_RIGHT) / 2


def test_markers_are_svg_elements_one_a_line_by_shape():
    before, peak, after = fc.fear_chart([(2, 7, 3), (4, 4, 0)]).series
    assert before.marks.split("\n      ") == [
        '<circle class="fc-mark" cx="34.0" cy="128.4" r="4.5"/>',
        '<circle class="fc-mark" cx="310.0" cy="98.8" r="4.5"/>']
    assert peak.marks.split("\n      ") == [
        '<rect class="fc-mark" x="29.5" y="49.9" width="9.0" height="9.0"/>',
        '<rect class="fc-mark" x="305.5" y="94.3" width="9.0" height="9.0"/>']
    assert after.marks.split("\n      ") == [
        '<polygon class="fc-mark" points="34,109.1 38.5,118.1 29.5,118.1"/>',
        '<polygon class="fc-mark" points="310,153.5 314.5,162.5 305.5,162.5"/>']
    assert all(s.marks == "" for s in fc.fear_chart([]).series)
    many = fc.fear_chart([(n % 11, 5, 1) for n in range(30)])
    assert [s.marks.count("<") for s in many.series] == [fc.MAX_SHOWN] * 3


def test_two_practices_span_the_plot_from_oldest_to_newest():
    chart = fc.fear_chart([(5, 8, 4), (3, 4, 1)])
    peak = _series(chart, "peak")
    assert [d.value for d in peak.dots] == [8, 4]
    assert [d.x for d in peak.dots] == [fc.PLOT_LEFT, fc.PLOT_RIGHT]
    assert peak.points == f"{fc.PLOT_LEFT},{fc.y_for(8):g} {fc.PLOT_RIGHT},{fc.y_for(4):g}"
    # Lower fear sits lower on the chart, i.e. has a larger y.
    assert peak.dots[1].y > peak.dots[0].y


def test_zero_maps_to_the_bottom_and_ten_to_the_top():
    chart = fc.fear_chart([(0, 10, 0)])
    assert _series(chart, "before").dots[0].y == fc.PLOT_BOTTOM
    assert _series(chart, "peak").dots[0].y == fc.PLOT_TOP
    assert {g.value: g.y for g in chart.gridlines} == {
        0: fc.PLOT_BOTTOM, 5: (fc.PLOT_TOP + fc.PLOT_BOTTOM) / 2, 10: fc.PLOT_TOP}


def test_many_practices_show_only_the_last_twenty():
    practices = [(n % 11, n % 11, 0) for n in range(25)]
    chart = fc.fear_chart(practices)
    assert (chart.shown, chart.total, chart.truncated) == (20, 25, True)
    before = _series(chart, "before")
    assert [d.value for d in before.dots] == [n % 11 for n in range(5, 25)]
    assert len(before.points.split()) == 20


def test_points_stay_in_range_and_out_of_range_values_are_clamped():
    chart = fc.fear_chart([(-3, 14, 5), (2, 3, 1), (10, 10, 10)])
    for x, y in _coordinates(chart):
        assert 0 <= x <= chart.width and 0 <= y <= chart.height
    assert _series(chart, "peak").dots[0].y == fc.PLOT_TOP


def test_series_differ_without_colour():
    styles = [s.style for s in fc.fear_chart([(1, 2, 3)]).series]
    assert [s.key for s in styles] == ["before", "peak", "after"]
    assert len({s.dash for s in styles}) == 3 and len({s.marker for s in styles}) == 3


def test_practice_facts_are_read_like_triples():
    fact = PracticeFact(date(2026, 11, 2), 1, fear_before=2, fear_peak=7, fear_after=3,
                        outcome="did_it")
    chart = fc.fear_chart([fact])
    assert [s.dots[0].value for s in chart.series] == [2, 7, 3]


triples = st.tuples(*[st.integers(0, 10)] * 3)


@given(st.lists(triples, max_size=40))
def test_every_coordinate_is_inside_the_view_box(practices):
    chart = fc.fear_chart(practices)
    assert chart.shown == min(len(practices), fc.MAX_SHOWN)
    for x, y in _coordinates(chart):
        assert 0 <= x <= chart.width and 0 <= y <= chart.height
    xs = [d.x for d in chart.series[0].dots]
    assert xs == sorted(xs)
