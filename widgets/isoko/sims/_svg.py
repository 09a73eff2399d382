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
    they cover the data and zero on the y axis. Markers outside the ranges are left
    out. ``title`` becomes the accessible name of the image.
    """
    points = [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
    points = [(x, y) for x, y in points if math.isfinite(x) and math.isfinite(y)]
    if len(points) < 2:
        raise ValueError("a line chart needs at least two finite points")

    x_lo, x_hi = x_range or (min(x for x, _ in points), max(x for x, _ in points))
    if x_hi <= x_lo:
        raise ValueError("the x axis needs a range: x_range high must be above low")
    if y_range is None:
        # Cover the data and zero, widened to round tick values.
        data_lo = min(0.0, min(y for _, y in points))
        data_hi = max(0.0, max(y for _, y in points))
        ticks = nice_ticks(data_lo, data_hi)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else abs(ticks[0]) or 1.0
        y_lo = math.floor(data_lo / step - 1e-9) * step
        y_hi = math.ceil(data_hi / step + 1e-9) * step if data_hi > data_lo else y_lo + step
    else:
        y_lo, y_hi = y_range
        if y_hi <= y_lo:
            raise ValueError("the y axis needs a range: y_range high must be above low")
    x_ticks = [t for t in nice_ticks(x_lo, x_hi) if x_lo <= t <= x_hi]
    y_ticks = [t for t in nice_ticks(y_lo, y_hi) if y_lo <= t <= y_hi]

    left, right, top, bottom = 46, 12, 26, 38
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(x: float) -> float:
        return left + (x - x_lo) / (x_hi - x_lo) * plot_w

    def sy(y: float) -> float:
        return top + (y_hi - y) / (y_hi - y_lo) * plot_h

    line = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
    clip_id = (
        "isoko-clip-"
        + hashlib.sha1(f"{width}x{height}:{x_lo}:{x_hi}:{y_lo}:{y_hi}:{line}".encode()).hexdigest()[
            :12
        ]
    )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title or y_label)}" '
        f'style="max-width:{width * 2}px;height:auto;display:block">',
        f"<title>{escape(title or y_label)}</title>",
        f'<clipPath id="{clip_id}"><rect x="{left}" y="{top}" width="{plot_w}" '
        f'height="{plot_h}"/></clipPath>',
    ]
    # Grid and tick labels.
    for t in y_ticks:
        y = sy(t)
        stroke = "#888" if t == 0 else "#e3e3e3"
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{stroke}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{y + 3.5:.1f}" font-size="10" text-anchor="end" '
            f'fill="#444" style="{_FONT}">{escape(y_format(t))}</text>'
        )
    for t in x_ticks:
        x = sx(t)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" '
            f'stroke="#888" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 15}" font-size="10" '
            f'text-anchor="middle" fill="#444" style="{_FONT}">{escape(x_format(t))}</text>'
        )
    parts.append(
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" '
        f'stroke="#bbb" stroke-width="1"/>'
    )
    # Axis labels: the y label sits above the plot, horizontal, readable on a phone.
    parts.append(
        f'<text x="{left}" y="{top - 9}" font-size="11" fill="#222" '
        f'style="{_FONT}">{escape(y_label)}</text>'
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" font-size="11" '
        f'text-anchor="middle" fill="#222" style="{_FONT}">{escape(x_label)}</text>'
    )
    parts.append(
        f'<polyline points="{line}" fill="none" stroke="{line_color}" stroke-width="2.5" '
        f'stroke-linejoin="round" clip-path="url(#{clip_id})"/>'
    )
    # Markers: a dot with a dashed drop line to the x axis, and a legend entry at the
    # top right (never on top of the line, whatever its shape).
    legend_x = float(left + plot_w)
    for marker in reversed(markers):
        inside = x_lo <= marker.x <= x_hi and y_lo <= marker.y <= y_hi
        if inside:
            mx, my = sx(marker.x), sy(marker.y)
            parts.append(
                f'<line x1="{mx:.1f}" y1="{my:.1f}" x2="{mx:.1f}" y2="{top + plot_h}" '
                f'stroke="{marker.color}" stroke-width="1.2" stroke-dasharray="3 3"/>'
            )
            parts.append(
                f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="5" fill="{marker.color}" '
                f'stroke="#fff" stroke-width="1.5" data-x="{marker.x:.6g}" '
                f'data-y="{marker.y:.6g}" data-label="{escape(marker.label)}"/>'
            )
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
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title)}" '
        f'style="max-width:{width * 2}px;height:auto;display:block">',
        f"<title>{escape(title)}</title>",
    ]
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
