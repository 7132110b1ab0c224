from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.wellbeing import charts
from kithkin.wellbeing.charts import bar_chart, line_chart, month_ticks

MON = date(2026, 1, 5)


def week(n: int) -> date:
    return MON + timedelta(weeks=n)


def test_a_line_runs_from_the_left_edge_to_the_right_and_values_map_to_height() -> None:
    chart = line_chart([(week(0), 1), (week(1), 3), (week(2), 5)], 1, 5)
    left, right = charts.MARGIN_LEFT, charts.WIDTH - charts.MARGIN_RIGHT
    top, bottom = charts.MARGIN_TOP, charts.HEIGHT - charts.MARGIN_BOTTOM
    assert [(d.x, d.y) for d in chart.dots] == [
        (left, bottom),
        (round((left + right) / 2, 1), round((top + bottom) / 2, 1)),
        (right, top),
    ]
    assert chart.paths == (
        f"M{left:g} {bottom:g}L{(left + right) / 2:g} {(top + bottom) / 2:g}L{right:g} {top:g}",
    )
    assert chart.view_box == f"0 0 {charts.WIDTH} {charts.HEIGHT}"
    assert not chart.empty


def test_a_missing_value_breaks_the_line_and_a_lone_value_is_a_dot_only() -> None:
    points = [(week(0), 2), (week(1), 3), (week(2), None), (week(3), 4), (week(5), None)]
    chart = line_chart(points, 1, 5, start=week(0), end=week(5))
    assert len(chart.paths) == 1  # weeks 0-1; week 3 stands alone
    assert chart.paths[0].count("L") == 1
    assert [d.when for d in chart.dots] == [week(0), week(1), week(3)]


def test_values_far_apart_are_not_joined_when_a_gap_is_set() -> None:
    points = [(week(0), 2), (week(1), 3), (week(8), 4), (week(9), 4)]
    assert len(line_chart(points, 1, 5).paths) == 1
    assert len(line_chart(points, 1, 5, max_gap=timedelta(days=7)).paths) == 2


def test_points_are_drawn_in_date_order_and_outside_the_period_left_out() -> None:
    points = [(week(2), 5), (week(-3), 1), (week(0), 1), (week(1), 3)]
    chart = line_chart(points, 1, 5, start=week(0), end=week(2))
    assert [d.when for d in chart.dots] == [week(0), week(1), week(2)]
    xs = [d.x for d in chart.dots]
    assert xs == sorted(xs)


def test_values_beyond_the_range_sit_on_its_edge() -> None:
    chart = line_chart([(week(0), 9), (week(1), -2)], 1, 5)
    assert chart.dots[0].y == charts.MARGIN_TOP
    assert chart.dots[1].y == charts.HEIGHT - charts.MARGIN_BOTTOM
    assert chart.dots[0].value == 9  # the real value, for the title


def test_no_points_make_an_empty_chart_with_no_month_labels() -> None:
    chart = line_chart([], 1, 5, y_ticks=[1, 3, 5])
    assert chart.empty and chart.paths == () and chart.x_ticks == ()
    assert [t.label for t in chart.y_ticks] == ["1", "3", "5"]


def test_one_point_sits_in_the_middle() -> None:
    chart = line_chart([(week(0), 3)], 1, 5)
    assert chart.paths == ()
    assert chart.dots[0].x == round(
        (charts.MARGIN_LEFT + charts.WIDTH - charts.MARGIN_RIGHT) / 2, 1
    )


def test_y_ticks_outside_the_range_are_dropped() -> None:
    chart = line_chart([(week(0), 3)], 1, 5, y_ticks=[0, 1, 2.5, 5, 6])
    assert [t.label for t in chart.y_ticks] == ["1", "2.5", "5"]


def test_a_range_upside_down_is_refused() -> None:
    with pytest.raises(ValueError, match="y_max"):
        line_chart([(week(0), 3)], 5, 5)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 1, 1), date(2026, 3, 31), ["2026-01-01", "2026-02-01", "2026-03-01"]),
        (date(2026, 1, 15), date(2026, 3, 31), ["2026-02-01", "2026-03-01"]),
        (
            date(2025, 3, 10),
            date(2026, 3, 9),
            ["2025-05-01", "2025-07-01", "2025-09-01", "2025-11-01", "2026-01-01", "2026-03-01"],
        ),
        (
            date(2021, 3, 1),
            date(2026, 3, 1),
            ["2022-01-01", "2023-01-01", "2024-01-01", "2025-01-01", "2026-01-01"],
        ),
        (
            date(2010, 1, 1),
            date(2026, 1, 1),
            ["2010-01-01", "2013-01-01", "2016-01-01", "2019-01-01", "2022-01-01", "2025-01-01"],
        ),
        (date(2026, 1, 2), date(2026, 1, 20), []),
    ],
)
def test_month_ticks_are_few_and_fall_on_even_months(
    start: date, end: date, expected: list[str]
) -> None:
    assert [d.isoformat() for d in month_ticks(start, end)] == expected


def test_bars_stand_on_the_baseline_and_gaps_have_none() -> None:
    chart = bar_chart(
        [(week(0), 0.5), (week(1), None), (week(2), 0.0), (week(3), 1.0)], 1, y_ticks=[0, 1]
    )
    bottom = charts.HEIGHT - charts.MARGIN_BOTTOM
    assert [b.when for b in chart.bars] == [week(0), week(2), week(3)]
    for b in chart.bars:
        assert round(b.y + b.height, 1) == bottom
    half, zero, full = chart.bars
    assert zero.height == 0
    assert full.y == charts.MARGIN_TOP
    assert half.height == pytest.approx((bottom - charts.MARGIN_TOP) / 2, abs=0.1)
    # Four weeks share the width, each bar a little narrower than its week.
    slot = (charts.WIDTH - charts.MARGIN_RIGHT - charts.MARGIN_LEFT) / 4
    assert half.width == round(slot * 0.8, 1)
    assert full.x + full.width <= charts.WIDTH - charts.MARGIN_RIGHT


def test_no_bars_make_an_empty_chart() -> None:
    assert bar_chart([], 1).empty
    assert bar_chart([(week(0), None)], 1, start=week(0), end=week(4)).empty


dated_values = st.lists(
    st.tuples(
        st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
        st.one_of(st.none(), st.floats(min_value=-10, max_value=10)),
    ),
    max_size=60,
)


@given(dated_values)
def test_every_coordinate_stays_inside_the_plot(points: list[tuple[date, float | None]]) -> None:
    chart = line_chart(points, 1, 5, y_ticks=[1, 2, 3, 4, 5])
    for d in chart.dots:
        assert chart.left <= d.x <= chart.right
        assert chart.top <= d.y <= chart.bottom
    # Lines only join values that are next to each other with no gap between.
    joined = sum(p.count("L") for p in chart.paths)
    assert joined <= max(0, len(chart.dots) - 1)
    bars = bar_chart(points, 10)
    for b in bars.bars:
        assert bars.left <= b.x and b.x + b.width <= bars.right + 0.2
        assert bars.top <= b.y <= bars.bottom


def test_a_band_shades_a_stretch_of_values() -> None:
    chart = line_chart([(week(0), 5)], 3, 9, bands=[(6, 9), (5, 5)])
    (band,) = chart.bands  # an empty stretch is left out
    top, bottom = charts.MARGIN_TOP, charts.HEIGHT - charts.MARGIN_BOTTOM
    assert band.y == top
    assert band.height == round((bottom - top) / 2, 1)


def test_the_svg_has_a_name_a_description_and_escapes_every_word() -> None:
    chart = line_chart(
        [(week(0), 2), (week(1), 3), (week(5), 4)], 1, 5, y_ticks=[1, 5], bands=[(4, 5)]
    )
    drawn = charts.svg_line(
        chart,
        chart_id="mood",
        title="Mood <weekly>",
        desc='Went from 2 to "4" & more',
        month=lambda d: f"<{d.month}>",
        day=lambda d: d.isoformat(),
        y_suffix="",
    )
    assert drawn.startswith(
        '<svg class="chart chart-line" viewBox="0 0 320 140" role="img" '
        'aria-labelledby="mood-title mood-desc" focusable="false">'
    )
    assert '<title id="mood-title">Mood &lt;weekly&gt;</title>' in drawn
    assert '<desc id="mood-desc">Went from 2 to &quot;4&quot; &amp; more</desc>' in drawn
    assert "<title>2026-02-09: 4</title>" in drawn
    assert drawn.count("<path ") == 1 and drawn.count('class="chart-dot"') == 3
    assert 'class="chart-band"' in drawn
    assert "<2>" not in drawn and "&lt;2&gt;" in drawn  # February's label
    assert "style=" not in drawn


def test_bars_draw_a_zero_as_a_thin_mark() -> None:
    chart = bar_chart([(week(0), 0.0), (week(1), 50.0)], 100)
    drawn = charts.svg_bars(chart, chart_id="f2f", title="t", desc="d", y_suffix="%")
    assert drawn.count('class="chart-bar chart-bar-zero"') == 1
    assert 'height="1"' in drawn
    assert "<title>2026-01-12: 50%</title>" in drawn


def test_coordinates_use_a_dot_whatever_the_locale() -> None:
    chart = line_chart([(week(0), 2.25), (week(1), 3.75)], 1, 5)
    drawn = charts.svg_line(chart, chart_id="c", title="t", desc="d")
    assert re.findall(r'cx="([^"]+)"', drawn) == ["26", "312"]
    assert "," not in re.sub(r"<title>.*?</title>|<desc.*?</desc>", "", drawn)
