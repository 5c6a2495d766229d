"""Server-side SVG charts: the same markup in the page and in the PDF, accessible by design.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, drawn with patterns of
shape and text as well as colour, and always published beside its data table (``Chart`` in
``web.tables``). Suppressed values are drawn as no bar and labelled with the suppression
symbol, never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from itertools import count

from .tables import SUPPRESSED_SYMBOL, Cell, Chart, Table, format_value

# Colours with ≥ 3:1 contrast against white (WCAG 1.4.11 for graphics), told apart by
# lightness as well as hue.
PALETTE = ["#0b4f8a", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#37474f"]
_ids = count(1)


def _num(value) -> float | None:
    if isinstance(value, Cell):
        return None if value.suppressed or value.value is None else float(value.value)
    return None if value is None else float(value)


def _label(value, unit: str) -> str:
    if isinstance(value, Cell) and value.suppressed:
        return SUPPRESSED_SYMBOL
    number = value.value if isinstance(value, Cell) else value
    return f"{format_value(number)}{unit}"


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence],
    *,
    unit: str = "",
    description: str = "",
    width: int = 640,
) -> str:
    """Horizontal grouped bars: one group per category, one bar per series."""
    uid = next(_ids)
    names = list(series)
    bar_h, gap, label_w, pad = 18, 10, 190, 8
    group_h = bar_h * len(names) + gap
    legend_h = 22 if len(names) > 1 else 0
    height = pad * 2 + legend_h + group_h * len(categories)
    values = [_num(v) for s in series.values() for v in s]
    top = max([*(v for v in values if v is not None), 0]) or 1
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart{uid}-title chart{uid}-desc">',
        f'<title id="chart{uid}-title">{escape(title)}</title>',
        f'<desc id="chart{uid}-desc">{escape(description or title)}</desc>',
        '<g font-family="DejaVu Sans, sans-serif" font-size="12" fill="#1b1b1b">',
    ]
    y = pad
    if len(names) > 1:
        x = label_w
        for i, name in enumerate(names):
            colour = PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
            parts.append(f'<text x="{x + 16}" y="{y + 11}">{escape(name)}</text>')
            x += 24 + 7 * len(name)
        y += legend_h
    for c_index, category in enumerate(categories):
        parts.append(
            f'<text x="{label_w - 6}" y="{y + group_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(_truncate(category, 28))}</text>'
        )
        for s_index, name in enumerate(names):
            raw = series[name][c_index]
            value = _num(raw)
            by = y + s_index * bar_h
            if value is not None and value > 0:
                w = max(1.0, plot_w * value / top)
                colour = PALETTE[s_index % len(PALETTE)]
                parts.append(
                    f'<rect x="{label_w}" y="{by + 2}" width="{w:.1f}" height="{bar_h - 4}" '
                    f'fill="{colour}"/>'
                )
            else:
                w = 0
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{by + bar_h / 2}" '
                f'dominant-baseline="middle">{escape(_label(raw, unit))}</text>'
            )
        y += group_h
    parts.append(
        f'<line x1="{label_w}" y1="{pad + legend_h}" x2="{label_w}" y2="{y - gap}" '
        'stroke="#4a4a4a"/>'
    )
    parts.append("</g></svg>")
    return "".join(parts)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: dict[str, Sequence],
    *,
    unit: str = "",
    description: str = "",
    width: int = 640,
    height: int = 260,
) -> str:
    """Lines over time, with a marker shape per series; gaps where a value is suppressed."""
    uid = next(_ids)
    left, right, top_pad, bottom = 56, 16, 34, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [_num(v) for s in series.values() for v in s]
    present = [v for v in values if v is not None]
    high = max([*present, 0]) or 1
    low = min([*present, 0])
    span = (high - low) or 1
    n = max(len(x_labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top_pad + plot_h * (1 - (v - low) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart{uid}-title chart{uid}-desc">',
        f'<title id="chart{uid}-title">{escape(title)}</title>',
        f'<desc id="chart{uid}-desc">{escape(description or title)}</desc>',
        '<g font-family="DejaVu Sans, sans-serif" font-size="12" fill="#1b1b1b">',
    ]
    for tick in range(5):
        v = low + span * tick / 4
        _, ty = xy(0, v)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="#d5d9de"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{ty:.1f}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(format_value(round(v, 1)))}{escape(unit)}</text>"
        )
    for i, label in enumerate(x_labels):
        lx, _ = xy(i, low)
        parts.append(
            f'<text x="{lx:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{escape(_truncate(label, 10))}</text>"
        )
    markers = ["circle", "square", "triangle", "diamond"]
    lx = left
    for s_index, (name, points) in enumerate(series.items()):
        colour = PALETTE[s_index % len(PALETTE)]
        marker = markers[s_index % len(markers)]
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, raw in enumerate(points):
            value = _num(raw)
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            px, py = xy(i, value)
            segment.append(f"{px:.1f},{py:.1f}")
            parts.append(_marker(marker, px, py, colour))
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{colour}" '
                    'stroke-width="2.5"/>'
                )
        parts.append(_marker(marker, lx + 6, 14, colour))
        parts.append(f'<text x="{lx + 14}" y="18">{escape(name)}</text>')
        lx += 30 + 7 * len(name)
    parts.append("</g></svg>")
    return "".join(parts)


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x - 5:.1f},{y + 4:.1f} {x + 5:.1f},{y + 4:.1f}"'
            f' fill="{colour}"/>'
        )
    if kind == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} '
            f'{x - 5:.1f},{y:.1f}" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def _truncate(text: str, length: int) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def chart_with_table(
    kind: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence],
    *,
    unit: str = "",
    label_heading: str = "",
    description: str = "",
) -> Chart:
    """A chart and the data table that carries the same figures, ready for any format."""
    draw = bar_chart if kind == "bar" else line_chart
    svg = draw(title, labels, series, unit=unit, description=description)
    table = Table(
        caption=title,
        columns=[label_heading, *series.keys()],
        rows=[[label, *(series[name][i] for name in series)] for i, label in enumerate(labels)],
    )
    return Chart(svg=svg, table=table, alt=description or title)
