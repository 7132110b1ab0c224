"""Chart geometry for charts drawn on the server as inline SVG.

Pure functions, no Django and no database: `line_chart` and `bar_chart` turn
dated values into coordinates; `svg_line` and `svg_bars` write those as an SVG
element (a string, every text escaped), with an accessible name and
description, classes for colours (static/css/insights.css) and no inline style.
Words and date formats come in as arguments, so the caller translates them.
Coordinates are SVG user units in a `width` x `height` view box, rounded to one
decimal so the page stays small.

A gap in the data never gets a line drawn across it: a missing value (None)
ends a line, and so does a jump longer than `max_gap` between two values.
A value on its own still shows, as a dot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

WIDTH = 320
HEIGHT = 140
# Room for the y labels on the left and the month labels below.
MARGIN_LEFT = 26.0
MARGIN_RIGHT = 8.0
MARGIN_TOP = 8.0
MARGIN_BOTTOM = 20.0
MAX_X_TICKS = 6


@dataclass(frozen=True)
class Tick:
    """A grid line and its label: `pos` is x (for dates) or y (for values)."""

    pos: float
    value: date | float

    @property
    def label(self) -> str:
        """A number as a short string ("3", "2.5"); dates are formatted by the template."""
        if isinstance(self.value, date):
            return self.value.isoformat()
        return f"{self.value:g}"


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    when: date
    value: float


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    when: date
    value: float


@dataclass(frozen=True)
class Frame:
    """The view box and the plot area inside it."""

    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_width(self) -> float:
        return _r(self.right - self.left)

    @property
    def y_label_x(self) -> float:
        """Where the value labels end, just left of the plot."""
        return _r(self.left - 4)

    @property
    def x_label_y(self) -> float:
        """The baseline of the month labels, just below the plot."""
        return _r(self.bottom + 13)


@dataclass(frozen=True)
class Band:
    """A shaded stretch of values (e.g. a score's range), as a rectangle's y and height."""

    y: float
    height: float
    low: float
    high: float


@dataclass(frozen=True)
class LineChart(Frame):
    # One SVG path ("M x y L x y ...") per unbroken run of two or more values.
    paths: tuple[str, ...] = ()
    # Every value, so a value between two gaps is still seen.
    dots: tuple[Dot, ...] = ()
    bands: tuple[Band, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.dots


@dataclass(frozen=True)
class BarChart(Frame):
    bars: tuple[Bar, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.bars


def _r(v: float) -> float:
    return round(v, 1)


class _Scale:
    """Dates to x and values to y inside the plot area."""

    def __init__(
        self,
        start: date,
        end: date,
        y_min: float,
        y_max: float,
        width: int,
        height: int,
    ) -> None:
        if y_max <= y_min:
            raise ValueError(f"y_max ({y_max}) must be above y_min ({y_min}).")
        if end < start:
            raise ValueError(f"The end ({end}) comes before the start ({start}).")
        self.start, self.end = start, end
        self.y_min, self.y_max = y_min, y_max
        self.left, self.right = MARGIN_LEFT, width - MARGIN_RIGHT
        self.top, self.bottom = MARGIN_TOP, height - MARGIN_BOTTOM
        self.days = (end - start).days

    def x(self, when: date) -> float:
        if self.days == 0:
            return _r((self.left + self.right) / 2)
        share = (when - self.start).days / self.days
        return _r(self.left + share * (self.right - self.left))

    def y(self, value: float) -> float:
        clamped = min(max(value, self.y_min), self.y_max)
        share = (clamped - self.y_min) / (self.y_max - self.y_min)
        return _r(self.bottom - share * (self.bottom - self.top))

    def ticks(
        self, y_ticks: Sequence[float], dated: bool = True
    ) -> tuple[tuple[Tick, ...], tuple[Tick, ...]]:
        xs = tuple(Tick(self.x(d), d) for d in month_ticks(self.start, self.end)) if dated else ()
        ys = tuple(Tick(self.y(v), v) for v in y_ticks if self.y_min <= v <= self.y_max)
        return xs, ys


def month_ticks(start: date, end: date, most: int = MAX_X_TICKS) -> list[date]:
    """First days of months from start to end, every 1, 2, 3, 6 or 12 months (or
    every few years) so that there are at most `most` of them. Steps fall on
    calendar quarters and halves (January, April, July...) so labels read evenly."""
    if end < start:
        return []
    year, month = (start.year, start.month)
    if start.day != 1:
        year, month = _next_month(year, month)
    months: list[date] = []
    while date(year, month, 1) <= end:
        months.append(date(year, month, 1))
        year, month = _next_month(year, month)
    for step in (1, 2, 3, 6, 12):
        picked = [d for d in months if (d.month - 1) % step == 0]
        if len(picked) <= most:
            return picked
    years = math.ceil(len({d.year for d in months}) / most)
    return [d for d in months if d.month == 1 and d.year % years == 0]


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _bounds(
    dated: Sequence[tuple[date, float | None]], start: date | None, end: date | None
) -> tuple[date, date] | None:
    """The dates at the edges: as given, or the first and last point's."""
    days = [d for d, _ in dated]
    lo = start if start is not None else min(days, default=None)
    hi = end if end is not None else max(days, default=lo)
    if lo is None or hi is None:
        return None
    return lo, max(lo, hi)


def _by_day(points: Sequence[tuple[date, float | None]]) -> list[tuple[date, float | None]]:
    return sorted(points, key=lambda p: p[0])


def _missing(v: float | None) -> bool:
    return v is None or math.isnan(v)


def line_chart(
    points: Sequence[tuple[date, float | None]],
    y_min: float,
    y_max: float,
    *,
    start: date | None = None,
    end: date | None = None,
    max_gap: timedelta | None = None,
    y_ticks: Sequence[float] = (),
    bands: Sequence[tuple[float, float]] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> LineChart:
    """A line through dated values, broken wherever the data has a gap.

    - `points`: (day, value) in any order; a value of None (or NaN) means
      "nothing then" and breaks the line. Days outside start..end are left out.
    - `y_min`, `y_max`: the value range drawn; values beyond it sit on its edge.
    - `start`, `end`: the dates at the left and right edges (default: the first
      and last point), so that charts of one period line up.
    - `max_gap`: two values further apart than this are not joined either.
    - `y_ticks`: values to draw grid lines and labels at.
    - `bands`: (low, high) stretches of values to shade, e.g. (6, 9).

    No points and no start: an empty chart (`.empty`), which a template can
    replace with a kind sentence.
    """
    bounds = _bounds(points, start, end)
    lo, hi = bounds or (date.min, date.min)
    scale = _Scale(lo, hi, y_min, y_max, width, height)
    x_ticks, ticks = scale.ticks(y_ticks, dated=bounds is not None)
    runs: list[list[tuple[date, float]]] = []
    current: list[tuple[date, float]] = []
    for d, v in _by_day(points):
        if not lo <= d <= hi:
            continue
        if v is None or _missing(v):
            if current:
                runs.append(current)
            current = []
            continue
        if current and max_gap is not None and d - current[-1][0] > max_gap:
            runs.append(current)
            current = []
        current.append((d, float(v)))
    if current:
        runs.append(current)
    paths = tuple(
        "M" + "L".join(f"{scale.x(d):g} {scale.y(v):g}" for d, v in run)
        for run in runs
        if len(run) > 1
    )
    dots = tuple(Dot(scale.x(d), scale.y(v), d, v) for run in runs for d, v in run)
    shaded = tuple(
        Band(scale.y(high), _r(scale.y(low) - scale.y(high)), low, high)
        for low, high in bands
        if high > low
    )
    return LineChart(
        width,
        height,
        scale.left,
        scale.top,
        scale.right,
        scale.bottom,
        x_ticks,
        ticks,
        paths=paths,
        dots=dots,
        bands=shaded,
    )


def bar_chart(
    points: Sequence[tuple[date, float | None]],
    y_max: float,
    *,
    start: date | None = None,
    end: date | None = None,
    step: timedelta = timedelta(days=7),
    y_ticks: Sequence[float] = (),
    width: int = WIDTH,
    height: int = HEIGHT,
) -> BarChart:
    """One bar per dated value (e.g. the week starting that day), `step` wide.

    A value of None is a gap: no bar. A value of 0 is a real zero: a bar of no
    height, which the template marks with a thin line. y runs from 0 to y_max.
    """
    bounds = _bounds(points, start, end)
    lo, hi = bounds or (date.min, date.min)
    # The last bar starts on `hi` and needs room for its own width.
    scale = _Scale(lo, hi + step, 0, y_max, width, height)
    x_ticks, ticks = scale.ticks(y_ticks, dated=bounds is not None)
    slot = (scale.right - scale.left) * step.days / max(1, scale.days)
    # A little narrower than its slot, so neighbours stand apart (when there's room).
    bar_width = _r(slot * 0.8) if slot >= 1.25 else round(slot, 2)
    bars = []
    for d, v in _by_day(points):
        if v is None or _missing(v) or not lo <= d <= hi:
            continue
        y = scale.y(v)
        bars.append(
            Bar(
                x=_r(scale.x(d) + (slot - bar_width) / 2),
                y=y,
                width=bar_width,
                height=_r(scale.bottom - y),
                when=d,
                value=float(v),
            )
        )
    return BarChart(
        width,
        height,
        scale.left,
        scale.top,
        scale.right,
        scale.bottom,
        x_ticks,
        ticks,
        bars=tuple(bars),
    )


# --- Drawing -------------------------------------------------------------------------


def _n(v: float) -> str:
    """A coordinate as SVG wants it: a dot for decimals, whatever the locale."""
    return f"{v:g}"


def _default_month(d: date) -> str:
    return str(d.year) if d.month == 1 else d.strftime("%b")


def _default_value(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _open(frame: Frame, kind: str, chart_id: str, title: str, desc: str) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg class="chart chart-{kind}" viewBox="{frame.view_box}" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" focusable="false">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _axes(
    frame: Frame, month: Callable[[date], str], y_suffix: str, grid: bool = True
) -> list[str]:
    out = []
    left, right = _n(frame.left), _n(frame.right)
    for t in frame.y_ticks:
        pos = _n(t.pos)
        out.append(
            f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{pos}" y2="{pos}"/>'
            f'<text class="chart-label chart-label-y" x="{_n(frame.y_label_x)}" y="{pos}" '
            f'dy="0.32em">{escape(t.label + y_suffix)}</text>'
        )
    for t in frame.x_ticks:
        pos = _n(t.pos)
        if grid:
            out.append(
                f'<line class="chart-tick" x1="{pos}" x2="{pos}" y1="{_n(frame.top)}" '
                f'y2="{_n(frame.bottom)}"/>'
            )
        label = month(t.value) if isinstance(t.value, date) else t.label
        out.append(
            f'<text class="chart-label chart-label-x" x="{pos}" y="{_n(frame.x_label_y)}">'
            f"{escape(label)}</text>"
        )
    bottom = _n(frame.bottom)
    out.append(f'<line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>')
    return out


def svg_line(
    chart: LineChart,
    *,
    chart_id: str,
    title: str,
    desc: str,
    month: Callable[[date], str] = _default_month,
    day: Callable[[date], str] = date.isoformat,
    value: Callable[[float], str] = _default_value,
    y_suffix: str = "",
    axis_suffix: str | None = None,
) -> str:
    """The chart as an `<svg role="img">` element, named by `title` and described
    by `desc` (say in words what it shows: a screen reader hears only these).

    `month` labels the month ticks, `day` and `value` each dot's tooltip;
    `y_suffix` follows every value ("%"), `axis_suffix` the value labels on the
    axis if they need another (e.g. none, where "100%" wouldn't fit). All text
    is escaped. `chart_id` must be unique on the page.
    """
    out = _open(chart, "line", chart_id, title, desc)
    for band in chart.bands:
        out.append(
            f'<rect class="chart-band" x="{_n(chart.left)}" y="{_n(band.y)}" '
            f'width="{_n(chart.plot_width)}" height="{_n(band.height)}"/>'
        )
    out += _axes(chart, month, y_suffix if axis_suffix is None else axis_suffix)
    out += [f'<path class="chart-path" d="{p}"/>' for p in chart.paths]
    out += [
        f'<circle class="chart-dot" cx="{_n(d.x)}" cy="{_n(d.y)}" r="2.5">'
        f"<title>{escape(day(d.when))}: {escape(value(d.value) + y_suffix)}</title></circle>"
        for d in chart.dots
    ]
    out.append("</svg>")
    return "".join(out)


def svg_bars(
    chart: BarChart,
    *,
    chart_id: str,
    title: str,
    desc: str,
    month: Callable[[date], str] = _default_month,
    day: Callable[[date], str] = date.isoformat,
    value: Callable[[float], str] = _default_value,
    y_suffix: str = "",
    axis_suffix: str | None = None,
) -> str:
    """The bar chart as an `<svg role="img">` element; arguments as `svg_line`.
    A zero is a thin mark on the baseline, so it reads as "none", not "missing"."""
    out = _open(chart, "bars", chart_id, title, desc)
    out += _axes(chart, month, y_suffix if axis_suffix is None else axis_suffix, grid=False)
    for b in chart.bars:
        zero = not b.height
        y, height = (chart.bottom - 1, 1.0) if zero else (b.y, b.height)
        out.append(
            f'<rect class="chart-bar{" chart-bar-zero" if zero else ""}" x="{_n(b.x)}" '
            f'y="{_n(_r(y))}" width="{_n(b.width)}" height="{_n(height)}">'
            f"<title>{escape(day(b.when))}: {escape(value(b.value) + y_suffix)}</title></rect>"
        )
    out.append("</svg>")
    return "".join(out)
