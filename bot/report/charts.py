"""Inline SVG charts (no scripts, no external files). Suppressed counts draw no bar."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738")  # GOV.UK palette: strong contrast
ROW_HEIGHT = 26
LABEL_WIDTH = 330
BAR_WIDTH = 380


def _value(cell: object) -> int | None:
    """The number to draw, or None for a suppressed ('<5') cell."""
    return cell if isinstance(cell, int) else None


def bar_chart(title: str, rows: Sequence[tuple[str, object]], suppressed_text: str) -> str:
    """Horizontal bars, one per (label, count or '<5')."""
    values = [_value(v) or 0 for _, v in rows]
    top = max(values, default=0) or 1
    height = ROW_HEIGHT * max(len(rows), 1) + 10
    width = LABEL_WIDTH + BAR_WIDTH + 70
    parts = [f'<svg role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">'
             f"<title>{escape(title)}</title>"]
    for i, (label, cell) in enumerate(rows):
        y = 5 + i * ROW_HEIGHT
        number = _value(cell)
        text = suppressed_text if number is None else f"{number:,}"
        length = 0 if not number else max(2, round(BAR_WIDTH * number / top))
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" '
                     f'font-size="13">{escape(str(label))}</text>')
        if length:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="18" '
                         f'fill="{BAR_COLOURS[0]}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 6}" y="{y + 17}" font-size="13">'
                     f"{escape(text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def column_chart(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence]],
                 suppressed_text: str) -> str:
    """Grouped vertical columns: one group per category (week), one colour per series."""
    plot_height = 200
    group = max(14, 8 * len(series) + 6)
    width = max(360, 60 + group * len(categories) + 20)
    height = plot_height + 90
    top = max((_value(v) or 0 for _, values in series for v in values), default=0) or 1
    parts = [f'<svg role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}">'
             f"<title>{escape(title)}</title>",
             f'<line x1="50" y1="{plot_height + 10}" x2="{width - 10}" y2="{plot_height + 10}" '
             'stroke="#505a5f"/>',
             f'<text x="45" y="20" text-anchor="end" font-size="11">{top:,}</text>',
             f'<text x="45" y="{plot_height + 10}" text-anchor="end" font-size="11">0</text>']
    for g, category in enumerate(categories):
        x0 = 60 + g * group
        for s, (_name, values) in enumerate(series):
            number = _value(values[g])
            if number:
                h = max(1, round(plot_height * number / top))
                parts.append(f'<rect x="{x0 + s * 8}" y="{plot_height + 10 - h}" width="7" '
                             f'height="{h}" fill="{BAR_COLOURS[s % len(BAR_COLOURS)]}"/>')
            elif number is None:
                parts.append(f'<text x="{x0 + s * 8}" y="{plot_height + 5}" font-size="7">'
                             f"{escape(suppressed_text)}</text>")
        if len(categories) <= 16 or g % max(1, len(categories) // 12) == 0:
            y = plot_height + 22
            parts.append(f'<text x="{x0}" y="{y}" font-size="10" '
                         f'transform="rotate(45 {x0} {y})">{escape(category)}</text>')
    for s, (name, _values) in enumerate(series):
        x = 60 + s * 170
        parts.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
                     f'fill="{BAR_COLOURS[s % len(BAR_COLOURS)]}"/>'
                     f'<text x="{x + 14}" y="{height - 5}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
