"""The drawing parts of the simulators' SVG charts: ticks, axes, markers, legends.

:mod:`isoko.sims._svg` puts them together into charts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

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
