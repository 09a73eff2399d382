"""A tiny, dependency-free SVG line chart for simulators.

The chart is a string of SVG with a ``viewBox`` and ``width="100%"``, so it scales
down to a 360 px phone screen and weighs a few kilobytes on a slow link: no
plotting library, no images, no scripts. Put it in an ``ipywidgets.HTML`` and set
the widget's ``value`` again to update it in place.

The output is deterministic (the same data give the same string), so a view can
skip updates that change nothing and tests can compare renders.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["Marker", "compact_number", "line_chart", "nice_ticks"]

_FONT = "font-family:system-ui,sans-serif"


@dataclass(frozen=True)
class Marker:
    """A labelled point on the chart (drawn with a dashed drop line to the x axis)."""

    x: float
    y: float
    label: str
    color: str = "#c0392b"


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """About ``count`` round tick values covering ``low`` to ``high``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("chart limits must be finite numbers")
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    span = high - low
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    # The round step (1, 2, 2.5 or 5 times a power of ten) whose tick count is nearest.
    step = min(
        (m * magnitude for m in (0.5, 1, 2, 2.5, 5, 10)),
        key=lambda st: abs(span / st - (count - 1)),
    )
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(0.0 if abs(value) < step * 1e-9 else round(value, 12))
        value = first + len(ticks) * step
    return ticks


def _text_width(text: str, font_size: float = 11) -> float:
    """Width of bold sans-serif text for laying out the legend; the legend text is
    drawn at exactly this width (``textLength``), so dots never overlap labels."""
    return len(text) * font_size * 0.66


def compact_number(value: float) -> str:
    """Short tick label: 1500 -> '1.5k', -2000000 -> '-2M', 8.5 -> '8.5'."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def _svg_open(width: int, height: int, title: str) -> list[str]:
    """The opening of a chart: scalable to its column, ``title`` as its accessible name."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title)}" '
        f'style="max-width:{width * 2}px;height:auto;display:block">',
        f"<title>{escape(title)}</title>",
    ]


# --- Axes shared by the line charts ---------------------------------------------------------


def _x_limits(xs: Sequence[float], x_range: tuple[float, float] | None) -> tuple[float, float]:
    """``x_range``, or by default the span of ``xs``."""
    x_lo, x_hi = x_range or (min(xs), max(xs))
    if x_hi <= x_lo:
        raise ValueError("the x axis needs a range: x_range high must be above low")
    return x_lo, x_hi


def _y_limits(ys: Sequence[float], y_range: tuple[float, float] | None) -> tuple[float, float]:
    """``y_range``, or by default the data and zero, widened to the round ticks just
    outside them (not a whole step beyond: data from 0 to 400 gives 0 to 400)."""
    if y_range is not None:
        y_lo, y_hi = y_range
        if y_hi <= y_lo:
            raise ValueError("the y axis needs a range: y_range high must be above low")
        return y_lo, y_hi
    data_lo, data_hi = min(0.0, min(ys)), max(0.0, max(ys))
    ticks = nice_ticks(data_lo, data_hi)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else abs(ticks[0]) or 1.0
    y_lo = math.floor(data_lo / step + 1e-9) * step
    y_hi = math.ceil(data_hi / step - 1e-9) * step if data_hi > data_lo else y_lo + step
    return y_lo, y_hi


@dataclass(frozen=True)
class _Plot:
    """Where the data go: the plot rectangle (SVG units) and the data ranges it shows."""

    left: float
    top: float
    width: float
    height: float
    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def sx(self, x: float) -> float:
        return self.left + (x - self.x_lo) / (self.x_hi - self.x_lo) * self.width

    def sy(self, y: float) -> float:
        return self.top + (self.y_hi - y) / (self.y_hi - self.y_lo) * self.height

    def shows(self, x: float, y: float) -> bool:
        return self.x_lo <= x <= self.x_hi and self.y_lo <= y <= self.y_hi


def _clip_path(clip_id: str, plot: _Plot) -> str:
    """A clip path of the plot rectangle, so lines past a fixed range are cut at its edge."""
    return (
        f'<clipPath id="{clip_id}"><rect x="{plot.left}" y="{plot.top}" width="{plot.width}" '
        f'height="{plot.height}"/></clipPath>'
    )


def _axes(
    plot: _Plot,
    *,
    x_ticks: Sequence[float],
    x_format: Callable[[float], str],
    y_format: Callable[[float], str],
    x_label: str,
    y_label: str,
    x_label_y: float,
) -> list[str]:
    """Grid lines and tick labels (ticks outside the ranges are left out), the frame, and
    the axis labels: the y label above the plot, horizontal, readable on a phone; the x
    label centred at height ``x_label_y``."""
    left, top, right, bottom = plot.left, plot.top, plot.left + plot.width, plot.bottom
    parts = []
    for t in (t for t in nice_ticks(plot.y_lo, plot.y_hi) if plot.y_lo <= t <= plot.y_hi):
        y = plot.sy(t)
        stroke = "#888" if t == 0 else "#e3e3e3"
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" '
            f'fill="#444" style="{_FONT}">{escape(y_format(t))}</text>'
        )
    for t in (t for t in x_ticks if plot.x_lo <= t <= plot.x_hi):
        x = plot.sx(t)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" '
            f'stroke="#888" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 15}" font-size="10" '
            f'text-anchor="middle" fill="#444" style="{_FONT}">{escape(x_format(t))}</text>'
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot.width}" height="{plot.height}" fill="none" '
        f'stroke="#bbb" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{left}" y="{top - 9}" font-size="11" fill="#222" '
        f'style="{_FONT}">{escape(y_label)}</text>'
    )
    parts.append(
        f'<text x="{left + plot.width / 2:.1f}" y="{x_label_y}" font-size="11" '
        f'text-anchor="middle" fill="#222" style="{_FONT}">{escape(x_label)}</text>'
    )
    return parts


def _marker_dot(plot: _Plot, marker: Marker) -> list[str]:
    """A marker's dot with a dashed drop line to the x axis; nothing if it is off the plot."""
    if not plot.shows(marker.x, marker.y):
        return []
    mx, my = plot.sx(marker.x), plot.sy(marker.y)
    return [
        f'<line x1="{mx:.1f}" y1="{my:.1f}" x2="{mx:.1f}" y2="{plot.bottom}" '
        f'stroke="{marker.color}" stroke-width="1.2" stroke-dasharray="3 3"/>',
        f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="5" fill="{marker.color}" '
        f'stroke="#fff" stroke-width="1.5" data-x="{marker.x:.6g}" '
        f'data-y="{marker.y:.6g}" data-label="{escape(marker.label)}"/>',
    ]


def line_chart(
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    x_label: str,
    y_label: str,
    markers: Sequence[Marker] = (),
    title: str = "",
    width: int = 360,
    height: int = 240,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    x_format: Callable[[float], str] = compact_number,
    y_format: Callable[[float], str] = compact_number,
    line_color: str = "#1f6f8b",
) -> str:
    """Render one line (``xs`` against ``ys``) as an SVG string.

    ``x_range`` and ``y_range`` fix the axes (the line is clipped to them); by default
    they cover the data, and zero on the y axis, rounded out to the nearest round ticks.
    Markers outside the ranges are left out. ``title`` becomes the accessible name of
    the image.
    """
    points = [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    points = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
    if len(points) < 2:
        raise ValueError("a line chart needs at least two finite points")

    x_lo, x_hi = _x_limits([x for x, _ in points], x_range)
    y_lo, y_hi = _y_limits([y for _, y in points], y_range)
    left, right, top, bottom = 46, 12, 26, 38
    plot = _Plot(left, top, width - left - right, height - top - bottom, x_lo, x_hi, y_lo, y_hi)

    line = " ".join(f"{plot.sx(x):.1f},{plot.sy(y):.1f}" for x, y in points)
    clip_key = f"{width}x{height}:{x_lo}:{x_hi}:{y_lo}:{y_hi}:{line}"
    clip_id = "isoko-clip-" + hashlib.sha1(clip_key.encode()).hexdigest()[:12]

    parts = _svg_open(width, height, title or y_label)
    parts.append(_clip_path(clip_id, plot))
    parts += _axes(
        plot,
        x_ticks=nice_ticks(x_lo, x_hi),
        x_format=x_format,
        y_format=y_format,
        x_label=x_label,
        y_label=y_label,
        x_label_y=height - 6,
    )
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="{line_color}" stroke-width="2.5" '
        f'stroke-linejoin="round" clip-path="url(#{clip_id})"/>'
    )
    # Markers: a dot with a dashed drop line to the x axis, and a legend entry at the
    # top right (never on top of the line, whatever its shape).
    legend_x = float(plot.left + plot.width)
    for marker in reversed(markers):
        parts += _marker_dot(plot, marker)
        parts.append(
            f'<text x="{legend_x:.1f}" y="{top - 9}" font-size="11" font-weight="bold" '
            f'text-anchor="end" fill="{marker.color}" style="{_FONT}" '
            f'textLength="{_text_width(marker.label):.1f}" lengthAdjust="spacingAndGlyphs">'
            f"{escape(marker.label)}</text>"
        )
        legend_x -= _text_width(marker.label) + 10
        parts.append(
            f'<circle cx="{legend_x + 4:.1f}" cy="{top - 13}" r="4" fill="{marker.color}"/>'
        )
        legend_x -= 10
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    value_format: Callable[[float], str] = compact_number,
    width: int = 360,
    bar_color: str = "#1f6f8b",
) -> str:
    """Render horizontal bars (one per label, top to bottom) as an SVG string.

    Each row has its label above the bar and the formatted value after it, so long
    labels never squeeze the bars on a phone. Bars are scaled to the largest value;
    values must be finite and 0 or more. Each bar carries ``data-label`` and
    ``data-value`` for tests. ``title`` becomes the accessible name of the image.
    """
    rows = [(str(label), float(value)) for label, value in zip(labels, values, strict=True)]
    if not rows:
        raise ValueError("a bar chart needs at least one bar")
    if any(not math.isfinite(v) or v < 0 for _, v in rows):
        raise ValueError("bar values must be finite numbers, 0 or more")
    left, right, top, row_h, bar_h = 6, 70, 8, 36, 14
    plot_w = width - left - right
    height = top + row_h * len(rows) + 4
    largest = max(v for _, v in rows) or 1.0
    parts = _svg_open(width, height, title)
    for i, (label, value) in enumerate(rows):
        y = top + i * row_h
        bar_w = value / largest * plot_w
        parts.append(
            f'<text x="{left}" y="{y + 11}" font-size="11" fill="#222" '
            f'style="{_FONT}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 15}" width="{plot_w}" height="{bar_h}" fill="#eef2f4"/>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 15}" width="{bar_w:.1f}" height="{bar_h}" '
            f'fill="{bar_color}" data-label="{escape(label)}" data-value="{value:.6g}"/>'
        )
        parts.append(
            f'<text x="{left + plot_w + 4}" y="{y + 26}" font-size="11" font-weight="bold" '
            f'fill="#222" style="{_FONT}">{escape(value_format(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- Charts with several series, bands and stacked bars (appended; shared) -------------


@dataclass(frozen=True)
class Series:
    """One line of a :func:`multi_line_chart` (``ys`` has one value per x)."""

    label: str
    ys: Sequence[float]
    color: str = "#1f6f8b"
    dashed: bool = False


@dataclass(frozen=True)
class Band:
    """A shaded band between ``lower`` and ``upper`` (for example percentiles)."""

    label: str
    lower: Sequence[float]
    upper: Sequence[float]
    color: str = "#1f6f8b"
    opacity: float = 0.18


@dataclass(frozen=True)
class Level:
    """A horizontal dashed line across the plot at ``y`` (a target or a threshold)."""

    y: float
    label: str
    color: str = "#c0392b"


@dataclass(frozen=True)
class Segment:
    """One part of every bar of a :func:`stacked_bar_chart` (one value per bar)."""

    label: str
    values: Sequence[float]
    color: str


def _label_width(text: str, font_size: float = 10) -> float:
    """Room for regular sans-serif text in the legend: generous, so that the next entry
    never overlaps it whatever the font (most are about 0.5 em a character)."""
    return len(text) * font_size * 0.6


def _legend_rows(entries: Sequence[str], room: float, font_size: float = 10) -> list[list[int]]:
    """Indices of legend entries per row, filling rows up to ``room`` pixels wide."""
    rows: list[list[int]] = [[]]
    used = 0.0
    for i, label in enumerate(entries):
        need = 16 + _label_width(label, font_size) + 10
        if rows[-1] and used + need > room:
            rows.append([])
            used = 0.0
        rows[-1].append(i)
        used += need
    return rows if rows[0] else []


def _legend(
    entries: Sequence[tuple[str, str, str] | tuple[str, str, str, float]],
    left: float,
    top: float,
    room: float,
) -> tuple[list[str], float]:
    """SVG for a legend of ``(label, color, kind[, opacity])`` entries (kind: line, dash,
    box, dot) in rows from ``top``; returns the parts and the height used."""
    parts: list[str] = []
    rows = _legend_rows([entry[0] for entry in entries], room)
    for r, row in enumerate(rows):
        x = left
        y = top + 14 * r + 10
        for i in row:
            label, color, kind = entries[i][:3]
            opacity = entries[i][3] if len(entries[i]) > 3 else 1.0
            if kind in ("line", "dash"):
                dash = ' stroke-dasharray="4 3"' if kind == "dash" else ""
                parts.append(
                    f'<line x1="{x:.1f}" y1="{y - 3.5:.1f}" x2="{x + 12:.1f}" y2="{y - 3.5:.1f}" '
                    f'stroke="{color}" stroke-width="2.5"{dash}/>'
                )
            elif kind == "dot":
                parts.append(f'<circle cx="{x + 6:.1f}" cy="{y - 3.5:.1f}" r="4" fill="{color}"/>')
            else:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="10" fill="{color}" '
                    f'fill-opacity="{opacity:g}"/>'
                )
            width = _label_width(label, 10)
            parts.append(
                f'<text x="{x + 16:.1f}" y="{y:.1f}" font-size="10" fill="#222" '
                f'style="{_FONT}">{escape(label)}</text>'
            )
            x += 16 + width + 10
    return parts, 14 * len(rows)


def _thin(count: int, max_points: int | None) -> list[int]:
    """Indices of at most ``max_points`` evenly spread points, always the first and last."""
    if max_points is None or count <= max_points:
        return list(range(count))
    step = (count - 1) / (max_points - 1)
    return sorted({round(i * step) for i in range(max_points)})


def multi_line_chart(
    xs: Sequence[float],
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    bands: Sequence[Band] = (),
    levels: Sequence[Level] = (),
    markers: Sequence[Marker] = (),
    title: str = "",
    width: int = 360,
    height: int = 240,
    x_range: tuple[float, float] | None = None,
    y_range: tuple[float, float] | None = None,
    x_format: Callable[[float], str] = compact_number,
    y_format: Callable[[float], str] = compact_number,
    x_ticks: Sequence[float] | None = None,
    max_points: int | None = None,
) -> str:
    """Render several lines, shaded bands and dashed levels over the same ``xs`` as SVG.

    Like :func:`line_chart` (same scaling and look), with a legend under the plot that
    wraps onto more rows on a narrow screen, so ``height`` grows with it. Bands are drawn
    first (for a fan chart: widest first), then levels, lines and markers. ``max_points``
    thins long series (first and last point kept) to keep the SVG light; ``x_ticks``
    replaces the automatic round ticks (for example on a log scale). Lines carry
    ``data-label``; markers ``data-x``, ``data-y`` and ``data-label``, for tests.
    """
    x_values = [float(x) for x in xs]
    if len(x_values) < 2 or not series and not bands:
        raise ValueError("a chart needs at least two x values and one line or band")
    for s in series:
        if len(s.ys) != len(x_values):
            raise ValueError(f"series {s.label!r} needs one value per x")
    for b in bands:
        if len(b.lower) != len(x_values) or len(b.upper) != len(x_values):
            raise ValueError(f"band {b.label!r} needs one lower and one upper value per x")
    keep = _thin(len(x_values), max_points)
    all_y = [float(v) for s in series for v in s.ys] + [
        float(v) for b in bands for v in (*b.lower, *b.upper)
    ]
    all_y = [v for v in all_y if math.isfinite(v)] + [lv.y for lv in levels]
    if not all_y:
        raise ValueError("a chart needs finite values")
    x_lo, x_hi = _x_limits(x_values, x_range)
    y_lo, y_hi = _y_limits(all_y, y_range)

    entries = (
        [(b.label, b.color, "box", min(1.0, b.opacity * 2)) for b in bands]
        + [(s.label, s.color, "dash" if s.dashed else "line") for s in series]
        + [(lv.label, lv.color, "dash") for lv in levels]
        + [(m.label, m.color, "dot") for m in markers]
    )
    left, right, top, bottom = 46, 12, 24, 34
    plot = _Plot(left, top, width - left - right, height - top - bottom, x_lo, x_hi, y_lo, y_hi)
    plot_w, plot_h, sx, sy = plot.width, plot.height, plot.sx, plot.sy
    legend_rows = len(_legend_rows([e[0] for e in entries], plot_w + left - 6))
    total_h = height + 14 * legend_rows + (4 if legend_rows else 0)

    clip_key = f"{width}x{height}:{x_lo}:{x_hi}:{y_lo}:{y_hi}:{title}:{y_label}"
    clip_id = "isoko-clip-" + hashlib.sha1(clip_key.encode()).hexdigest()[:12]
    parts = _svg_open(width, total_h, title or y_label)
    parts.append(_clip_path(clip_id, plot))
    parts += _axes(
        plot,
        x_ticks=nice_ticks(x_lo, x_hi) if x_ticks is None else [float(t) for t in x_ticks],
        x_format=x_format,
        y_format=y_format,
        x_label=x_label,
        y_label=y_label,
        x_label_y=top + plot_h + 29,
    )
    clip = f'clip-path="url(#{clip_id})"'
    for b in bands:
        upper = [f"{sx(x_values[i]):.1f},{sy(float(b.upper[i])):.1f}" for i in keep]
        lower = [f"{sx(x_values[i]):.1f},{sy(float(b.lower[i])):.1f}" for i in reversed(keep)]
        parts.append(
            f'<polygon points="{" ".join(upper + lower)}" fill="{b.color}" '
            f'fill-opacity="{b.opacity:g}" stroke="none" data-label="{escape(b.label)}" {clip}/>'
        )
    for lv in levels:
        if y_lo <= lv.y <= y_hi:
            y = sy(lv.y)
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                f'stroke="{lv.color}" stroke-width="1.5" stroke-dasharray="5 4" '
                f'data-label="{escape(lv.label)}" data-y="{lv.y:.6g}"/>'
            )
    for s in series:
        points = " ".join(
            f"{sx(x_values[i]):.1f},{sy(float(s.ys[i])):.1f}"
            for i in keep
            if math.isfinite(float(s.ys[i]))
        )
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{s.color}" stroke-width="2.5" '
            f'stroke-linejoin="round"{dash} data-label="{escape(s.label)}" {clip}/>'
        )
    for m in markers:
        parts += _marker_dot(plot, m)
    legend, _ = _legend(entries, 6, height - 2, plot_w + left - 6)
    parts.extend(legend)
    parts.append("</svg>")
    return "".join(parts)


def stacked_bar_chart(
    labels: Sequence[str],
    segments: Sequence[Segment],
    *,
    title: str,
    value_format: Callable[[float], str] = compact_number,
    width: int = 360,
) -> str:
    """Render horizontal stacked bars (one per label, top to bottom) as an SVG string.

    Each bar is the sum of the ``segments`` (drawn left to right in order; values 0 or
    more), its label above it and its formatted total after it; a legend of the
    segments wraps under the bars. All bars share one scale, starting at zero. Every
    piece carries ``data-bar``, ``data-segment`` and ``data-value`` for tests.
    """
    bars = [str(label) for label in labels]
    if not bars or not segments:
        raise ValueError("a stacked bar chart needs at least one bar and one segment")
    values = []
    for seg in segments:
        row = [float(v) for v in seg.values]
        if len(row) != len(bars):
            raise ValueError(f"segment {seg.label!r} needs one value per bar")
        if any(not math.isfinite(v) or v < 0 for v in row):
            raise ValueError("bar values must be finite numbers, 0 or more")
        values.append(row)
    totals = [sum(values[s][b] for s in range(len(segments))) for b in range(len(bars))]
    left, right, top, row_h, bar_h = 6, 74, 6, 38, 16
    plot_w = width - left - right
    entries = [(seg.label, seg.color, "box") for seg in segments]
    legend_h = 14 * len(_legend_rows([e[0] for e in entries], width - 12))
    bars_h = top + row_h * len(bars)
    height = bars_h + legend_h + 6
    largest = max(totals) or 1.0
    parts = _svg_open(width, height, title)
    for b, label in enumerate(bars):
        y = top + b * row_h
        parts.append(
            f'<text x="{left}" y="{y + 11}" font-size="11" fill="#222" '
            f'style="{_FONT}">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 15}" width="{plot_w}" height="{bar_h}" fill="#f1f3f4"/>'
        )
        x = float(left)
        for s, seg in enumerate(segments):
            piece = values[s][b] / largest * plot_w
            parts.append(
                f'<rect x="{x:.2f}" y="{y + 15}" width="{piece:.2f}" height="{bar_h}" '
                f'fill="{seg.color}" data-bar="{escape(label)}" '
                f'data-segment="{escape(seg.label)}" data-value="{values[s][b]:.6g}"/>'
            )
            x += piece
        parts.append(
            f'<text x="{left + plot_w + 4}" y="{y + 27}" font-size="11" font-weight="bold" '
            f'fill="#222" style="{_FONT}" data-total="{totals[b]:.6g}">'
            f"{escape(value_format(totals[b]))}</text>"
        )
    legend, _ = _legend(entries, left, bars_h, width - 12)
    parts.extend(legend)
    parts.append("</svg>")
    return "".join(parts)
