"""Server-side SVG charts: the same markup in the page and in the PDF, accessible by design.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, drawn with patterns of
shape and text as well as colour, and always published beside its data table (``Chart`` in
``web.tables``). Suppressed values are drawn as no bar and labelled with the suppression
symbol, never as zero; a chart whose values are mostly suppressed says so in words instead.

Nothing is clipped: every label's width is measured from its text with the advance widths of
DejaVu Sans (the font the page and the PDF use), and the margins are made to fit it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from itertools import count

from django.utils.translation import gettext as _

from .tables import SUPPRESSED_SYMBOL, Cell, Chart, Table, format_value

# Colours with ≥ 3:1 contrast against white (WCAG 1.4.11 for graphics), told apart by
# lightness as well as hue.
PALETTE = ["#0b4f8a", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#37474f"]


@dataclass(frozen=True)
class SeriesStyle:
    """How a series is drawn: a colour, and a pattern so that colour is never alone."""

    colour: str
    pattern: str = ""  # "", "hatch", "cross" or "dots"


#: The follow-up statuses, drawn as their badges look everywhere: met green, partly amber,
#: not met red, not assessed grey; each but "met" with a pattern of its own.
STATUS_STYLES: dict[str, SeriesStyle] = {
    "met": SeriesStyle("#17622b"),
    "partly": SeriesStyle("#a35f00", "hatch"),
    "not_met": SeriesStyle("#a4161a", "cross"),
    "not_assessed": SeriesStyle("#5f6670", "dots"),
}

FONT_SIZE = 12
#: Above this share of suppressed values a chart would be mostly empty: it says so instead.
MOSTLY_SUPPRESSED = 0.5

# DejaVu Sans advance widths in thousandths of an em, grouped by width.
_WIDTH_GROUPS = {
    275: "'",
    278: "ijl",
    295: "IJ",
    318: " ,.\u00a0\u2019\u00b7",
    337: "/:;\\|",
    352: "f",
    361: "-",
    390: "()[]",
    392: "t",
    401: "!",
    411: "r",
    460: '"',
    500: "*_`\u2013\u00a7",
    518: "\u201d\u201c",
    521: "s",
    525: "z",
    531: "?",
    550: "c",
    557: "L",
    575: "F",
    579: "k",
    592: "vxy",
    603: "P",
    611: "TY",
    612: "o\u00f6",
    613: "a\u00e5\u00e4",
    615: "e\u00e9",
    632: "E\u00c9",
    634: "hnu\u00fc",
    635: "Sbdgpq",
    636: "$0123456789{}",
    656: "K",
    684: "AV\u00c5\u00c4",
    685: "XZ",
    686: "B",
    695: "R",
    698: "C",
    732: "U",
    748: "N",
    752: "H",
    770: "D",
    775: "G",
    780: "&",
    787: "OQ\u00d6",
    818: "w",
    838: "#+<=>^~\u00d7",
    863: "M",
    950: "%",
    974: "m",
    989: "W",
    1000: "@\u2014\u2026",
}
_WIDTHS = {ch: w for w, chars in _WIDTH_GROUPS.items() for ch in chars}
#: Letters the table does not know (another script, a rare sign) are taken as wide.
_UNKNOWN_WIDTH = 1000

_ids = count(1)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width ``text`` takes in DejaVu Sans at ``size`` px (an upper bound for others)."""
    return sum(_WIDTHS.get(ch, _UNKNOWN_WIDTH) for ch in str(text)) * size / 1000


def fit_text(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` shortened with an ellipsis until it fits ``width`` px."""
    text = str(text)
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def wrap_text(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """``text`` broken between words into lines no wider than ``width`` px."""
    lines: list[str] = []
    line = ""
    for word in str(text).split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return [fit_text(line, width, size) for line in lines]


def _num(value) -> float | None:
    if isinstance(value, Cell):
        return None if value.suppressed or value.value is None else float(value.value)
    return None if value is None else float(value)


def _is_suppressed(value) -> bool:
    return isinstance(value, Cell) and value.suppressed


def _is_whole(value) -> bool:
    raw = value.value if isinstance(value, Cell) else value
    if isinstance(raw, bool) or raw is None:
        return False
    if isinstance(raw, int):
        return True
    if isinstance(raw, float | Decimal):
        return float(raw).is_integer()
    return False


def _label(value, unit: str) -> str:
    if isinstance(value, Cell) and value.suppressed:
        return SUPPRESSED_SYMBOL
    number = value.value if isinstance(value, Cell) else value
    return f"{format_value(number)}{unit}"


def _mostly_suppressed(series: dict[str, Sequence]) -> bool:
    cells = [v for s in series.values() for v in s]
    shown = [v for v in cells if _num(v) is not None]
    hidden = [v for v in cells if _is_suppressed(v)]
    return bool(hidden) and len(hidden) / max(len(hidden) + len(shown), 1) > MOSTLY_SUPPRESSED


def nice_ticks(low: float, high: float, *, integer: bool = False, most: int = 6) -> list[float]:
    """Round tick values from ``low`` to at least ``high``: steps of 1, 2 or 5 times a power of
    ten, whole numbers only when ``integer`` (a count has no "336,0")."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integer:
        step = max(1, math.ceil(step))
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while True:
        ticks.append(round(value, 10))
        if value >= high - 1e-9:
            break
        value += step
    return ticks


def _tick_label(value: float, step: float, unit: str) -> str:
    """A tick value with as many decimals as its step needs, in Swedish notation."""
    decimals = 0 if float(step).is_integer() else max(0, -math.floor(math.log10(step)))
    if decimals == 0:
        return f"{format_value(round(value))}{unit}"
    text = f"{value:,.{decimals}f}".replace(",", "\u00a0").replace(".", ",")
    return f"{text}{unit}"


def _style_for(index: int, name: str, styles: Sequence[SeriesStyle] | None) -> SeriesStyle:
    if styles and index < len(styles):
        return styles[index]
    return SeriesStyle(PALETTE[index % len(PALETTE)])


def _patterns(uid: int, styles: list[SeriesStyle]) -> tuple[list[str], list[str]]:
    """SVG ``<defs>`` for the patterns and, per series, the fill to use."""
    defs, fills = [], []
    for i, style in enumerate(styles):
        if not style.pattern:
            fills.append(style.colour)
            continue
        pid = f"chart{uid}-p{i}"
        marks = {
            "hatch": '<path d="M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5" stroke="#fff" stroke-width="1.5"/>',
            "cross": '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1.2"/>',
            "dots": '<circle cx="3" cy="3" r="1.2" fill="#fff"/>',
        }[style.pattern]
        defs.append(
            f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6">'
            f'<rect width="6" height="6" fill="{style.colour}"/>{marks}</pattern>'
        )
        fills.append(f"url(#{pid})")
    return defs, fills


def _legend(
    names: list[str], swatch: Callable[[int, float, float], str], x0: float, right: float
) -> tuple[list[str], float]:
    """Legend items laid out left to right from (``x0``, ``x0``), wrapping onto a new row where
    the width ends; returns the parts and the height used."""
    parts: list[str] = []
    row_h = 18
    x, y = x0, x0
    for index, name in enumerate(names):
        label = fit_text(name, right - x0 - 18)
        item_w = 18 + text_width(label) + 14
        if x > x0 and x + item_w > right:
            x, y = x0, y + row_h
        parts.append(swatch(index, x, y))
        parts.append(f'<text x="{x + 17:.1f}" y="{y + 11}">{escape(label)}</text>')
        x += item_w
    return parts, (y - x0) + row_h


def _open(uid: int, title: str, description: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'aria-labelledby="chart{uid}-title chart{uid}-desc">',
        f'<title id="chart{uid}-title">{escape(title)}</title>',
        f'<desc id="chart{uid}-desc">{escape(description or title)}</desc>',
        f'<g font-family="DejaVu Sans, sans-serif" font-size="{FONT_SIZE}" fill="#1b1b1b">',
    ]


def suppressed_notice(title: str, description: str = "", *, width: int = 640) -> str:
    """A chart in words: most of its values are hidden, so bars or lines would say nothing."""
    uid = next(_ids)
    message = _(
        "De flesta värdena döljs för att ingen enskild person ska kunna pekas ut (för få "
        "personer i grupperna). Diagrammet ritas därför inte; de värden som kan visas finns "
        "i tabellen."
    )
    lines = wrap_text(message, width - 32)
    height = 24 + 18 * len(lines)
    parts = _open(uid, title, f"{description or title} {message}", width, height)
    parts.append(
        f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="#f3f5f7" '
        'stroke="#8a9099"/>'
    )
    for i, line in enumerate(lines):
        parts.append(f'<text x="16" y="{28 + 18 * i}">{escape(line)}</text>')
    parts.append("</g></svg>")
    return "".join(parts)


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: dict[str, Sequence],
    *,
    unit: str = "",
    description: str = "",
    width: int = 640,
    styles: Sequence[SeriesStyle] | None = None,
) -> str:
    """Horizontal grouped bars: one group per category, one bar per series."""
    if _mostly_suppressed(series):
        return suppressed_notice(title, description, width=width)
    uid = next(_ids)
    names = list(series)
    all_styles = [_style_for(i, n, styles) for i, n in enumerate(names)]
    defs, fills = _patterns(uid, all_styles)
    bar_h, gap, pad = 18, 10, 8
    label_w = min(max([text_width(c) for c in categories] or [0]) + 10, width * 0.4)
    value_w = max([text_width(_label(v, unit)) for s in series.values() for v in s] or [0]) + 8
    plot_w = max(width - pad - label_w - value_w, 40)
    values = [_num(v) for s in series.values() for v in s]
    top = max([*(v for v in values if v is not None), 0]) or 1

    legend: list[str] = []
    legend_h = 0.0
    if len(names) > 1:
        legend, legend_h = _legend(
            names,
            lambda i, x, y: f'<rect x="{x:.1f}" y="{y}" width="12" height="12" fill="{fills[i]}"/>',
            pad,
            width - pad,
        )
        legend_h += 6
    group_h = bar_h * len(names) + gap
    height = pad * 2 + legend_h + group_h * len(categories)
    parts = _open(uid, title, description, width, height)
    if defs:
        parts.append(f"<defs>{''.join(defs)}</defs>")
    parts.extend(legend)
    y = pad + legend_h
    for c_index, category in enumerate(categories):
        parts.append(
            f'<text x="{label_w - 6:.1f}" y="{y + group_h / 2 - gap / 2:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(fit_text(category, label_w - 8))}</text>'
        )
        for s_index, name in enumerate(names):
            raw = series[name][c_index]
            value = _num(raw)
            by = y + s_index * bar_h
            w = 0.0
            if value is not None and value > 0:
                w = max(1.0, plot_w * value / top)
                parts.append(
                    f'<rect x="{label_w:.1f}" y="{by + 2}" width="{w:.1f}" '
                    f'height="{bar_h - 4}" fill="{fills[s_index]}"/>'
                )
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{by + bar_h / 2}" '
                f'dominant-baseline="middle">{escape(_label(raw, unit))}</text>'
            )
        y += group_h
    parts.append(
        f'<line x1="{label_w:.1f}" y1="{pad + legend_h}" x2="{label_w:.1f}" y2="{y - gap}" '
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
    styles: Sequence[SeriesStyle] | None = None,
) -> str:
    """Lines over time, with a marker shape per series; gaps where a value is suppressed."""
    if _mostly_suppressed(series):
        return suppressed_notice(title, description, width=width)
    uid = next(_ids)
    names = list(series)
    colours = [_style_for(i, n, styles).colour for i, n in enumerate(names)]
    cells = [v for s in series.values() for v in s]
    present = [v for v in (_num(c) for c in cells) if v is not None]
    integer = bool(present) and all(_is_whole(c) for c in cells if _num(c) is not None)
    ticks = nice_ticks(min([*present, 0]), max([*present, 0]) or 1, integer=integer)
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    tick_labels = [_tick_label(t, step, unit) for t in ticks]

    markers = ["circle", "square", "triangle", "diamond"]
    pad = 8
    legend, legend_h = _legend(
        names,
        lambda i, x, y: _marker(markers[i % len(markers)], x + 6, y + 6, colours[i]),
        pad,
        width - pad,
    )
    legend_h += 10

    x_texts = [str(label) for label in x_labels]
    x_widths = [text_width(t) for t in x_texts]
    left = max([text_width(t) for t in tick_labels] + [x_widths[0] / 2 if x_widths else 0]) + 12
    right = max((x_widths[-1] / 2 + 4) if x_widths else 0, 16)
    top_pad, bottom = pad + legend_h, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    n = max(len(x_texts) - 1, 1)
    # Show every k-th x label so that the labels never run into each other.
    widest = max(x_widths or [0]) + 8
    every = max(1, math.ceil(widest / (plot_w / n))) if len(x_texts) > 1 else 1

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + plot_w * i / n, top_pad + plot_h * (1 - (v - low) / span)

    parts = _open(uid, title, description, width, height)
    parts.extend(legend)
    for tick, text in zip(ticks, tick_labels, strict=True):
        _, ty = xy(0, tick)
        parts.append(
            f'<line x1="{left:.1f}" y1="{ty:.1f}" x2="{width - right:.1f}" y2="{ty:.1f}" '
            'stroke="#d5d9de"/>'
        )
        parts.append(
            f'<text x="{left - 6:.1f}" y="{ty:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(text)}</text>'
        )
    last = len(x_texts) - 1
    for i, label in enumerate(x_texts):
        if i % every and i != last:
            continue
        if i != last and last - i < every:
            continue  # the last label is always shown; its neighbour gives way
        lx, _y = xy(i, low)
        parts.append(
            f'<text x="{lx:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for s_index, (_name, points) in enumerate(series.items()):
        colour = colours[s_index]
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


def chart_with_table(
    kind: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence],
    *,
    unit: str = "",
    label_heading: str = "",
    description: str = "",
    styles: Sequence[SeriesStyle] | None = None,
) -> Chart:
    """A chart and the data table that carries the same figures, ready for any format."""
    draw = bar_chart if kind == "bar" else line_chart
    svg = draw(title, labels, series, unit=unit, description=description, styles=styles)
    table = Table(
        caption=title,
        columns=[label_heading, *series.keys()],
        rows=[[label, *(series[name][i] for name in series)] for i, label in enumerate(labels)],
    )
    return Chart(svg=svg, table=table, alt=description or title)
