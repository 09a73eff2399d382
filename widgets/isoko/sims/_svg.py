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

from isoko.sims._svg_parts import (
    _FONT,
    Marker,
    _axes,
    _clip_path,
    _legend,
    _legend_rows,
    _marker_dot,
    _Plot,
    _svg_open,
    _text_width,
    _thin,
    _x_limits,
    _y_limits,
    compact_number,
    nice_ticks,
)

__all__ = ["Marker", "compact_number", "grouped_bar_chart", "line_chart", "nice_ticks"]


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


def grouped_bar_chart(
    labels: Sequence[str],
    groups: Sequence[Segment],
    *,
    title: str,
    value_format: Callable[[float], str] = compact_number,
    scale_max: float | None = None,
    width: int = 360,
) -> str:
    """Render groups of horizontal bars as an SVG string, ``title`` written on top.

    For each label (top to bottom) one thin bar per group (``groups`` in order, values
    0 or more), each with its formatted value after it, so two plans read side by side
    on a phone; a legend of the groups wraps under the bars. All bars share one scale
    from zero to ``scale_max`` (by default the largest value). Every bar carries
    ``data-bar``, ``data-group`` and ``data-value`` for tests.
    """
    bars = [str(label) for label in labels]
    if not bars or not groups:
        raise ValueError("a grouped bar chart needs at least one bar and one group")
    values = []
    for group in groups:
        row = [float(v) for v in group.values]
        if len(row) != len(bars):
            raise ValueError(f"group {group.label!r} needs one value per bar")
        if any(not math.isfinite(v) or v < 0 for v in row):
            raise ValueError("bar values must be finite numbers, 0 or more")
        values.append(row)
    largest = scale_max if scale_max is not None else max(max(row) for row in values)
    largest = largest or 1.0
    shown = [[value_format(v) for v in row] for row in values]
    # Room after the bars for the longest value, so that none is cut at the edge.
    widest = max(_text_width(text) for row in shown for text in row)
    left, right, top, bar_h, gap = 6, round(widest) + 10, 26, 12, 3
    row_h = 16 + len(groups) * (bar_h + gap) + 6
    plot_w = width - left - right
    entries = [(group.label, group.color, "box") for group in groups]
    legend_h = 14 * len(_legend_rows([e[0] for e in entries], width - 12))
    bars_h = top + row_h * len(bars)
    height = bars_h + legend_h + 6
    room = width - 2 * left
    squeeze = (
        f' textLength="{room}" lengthAdjust="spacingAndGlyphs"'
        if _text_width(title, 12) > room
        else ""
    )
    parts = _svg_open(width, height, title)
    parts.append(
        f'<text x="{left}" y="16" font-size="12" font-weight="bold" fill="#222" '
        f'style="{_FONT}"{squeeze} data-title="1">{escape(title)}</text>'
    )
    for b, label in enumerate(bars):
        y = top + b * row_h
        parts.append(
            f'<text x="{left}" y="{y + 11}" font-size="11" fill="#222" '
            f'style="{_FONT}">{escape(label)}</text>'
        )
        for g, group in enumerate(groups):
            bar_y = y + 16 + g * (bar_h + gap)
            value = values[g][b]
            bar_w = min(value / largest, 1.0) * plot_w
            parts.append(
                f'<rect x="{left}" y="{bar_y}" width="{plot_w}" height="{bar_h}" fill="#f1f3f4"/>'
            )
            parts.append(
                f'<rect x="{left}" y="{bar_y}" width="{bar_w:.2f}" height="{bar_h}" '
                f'fill="{group.color}" data-bar="{escape(label)}" '
                f'data-group="{escape(group.label)}" data-value="{value:.6g}"/>'
            )
            parts.append(
                f'<text x="{left + plot_w + 4}" y="{bar_y + 10}" font-size="11" '
                f'font-weight="bold" fill="#222" style="{_FONT}">'
                f"{escape(shown[g][b])}</text>"
            )
    legend, _ = _legend(entries, left, bars_h, width - 12)
    parts.extend(legend)
    parts.append("</svg>")
    return "".join(parts)
