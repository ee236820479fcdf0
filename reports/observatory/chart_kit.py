"""What the observatory's SVG charts share: text measured and wrapped before it is drawn, legends
that flow onto as many rows as they need, axis labels for quarters and visits, and the opening of
an accessible SVG (its title and description named by `aria-labelledby`).

The charts are drawn on the server, without a browser to measure text, so a label's width is
estimated from Helvetica's metrics (the same as Arial's and Liberation Sans's), with a margin for
wider fonts (Marianne, DejaVu Sans): a layout made with these widths never cuts a word nor lets
two labels overlap.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from html import escape as _escape
from itertools import pairwise

from foundation import formatting

FONT = "Marianne, Arial, sans-serif"
INK, GREY, RULE = "#161616", "#3a3a3a", "#dddddd"
# Estimates are multiplied by this: Marianne and DejaVu Sans run up to a tenth wider than Arial.
SAFETY = 1.12

# Advance widths of Helvetica and Helvetica Bold, in thousandths of the font size, for ASCII 32–126
# (Adobe's core font metrics); accented letters take their base letter's width.
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778,
    722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278,
    278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778,
    722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333,
    278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)
_OTHERS = {"’": 222, "‘": 222, "—": 1000, "–": 556, "…": 1000, "«": 556, "»": 556, "\u00a0": 278,
           "\u202f": 200, "œ": 944, "Œ": 1000, "æ": 889, "Æ": 1000}


def escape(text: str) -> str:
    # Text nodes only (no attribute takes free text here): apostrophes stay readable.
    return _escape(text, quote=False)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` draws at `size` px, over-estimated rather than under (see SAFETY)."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for char in text:
        if char in _OTHERS:
            total += _OTHERS[char]
            continue
        base = unicodedata.normalize("NFD", char)[0]
        code = ord(base)
        total += table[code - 32] if 32 <= code <= 126 else 600
    return total * size / 1000 * SAFETY


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """`text` broken between words into lines no wider than `width` (a single word wider than the
    line is broken where it must: a label is never cut short)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while text_width(line, size, bold) > width and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and text_width(line[:cut], size, bold) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line or not lines:
        lines.append(line)
    return lines


def text_lines(lines: list[str], x: float, y: float, size: float, line_height: float | None = None,
               bold: bool = False, fill: str = INK, anchor: str = "start") -> str:
    """One <text> with a <tspan> per line, the first line's baseline at `y`."""
    step = line_height or size * 1.3
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(f'<tspan x="{x:.1f}" y="{y + n * step:.1f}">{escape(line)}</tspan>' for n, line in enumerate(lines))
    return f'<text font-size="{size:g}"{weight} fill="{fill}" text-anchor="{anchor}">{spans}</text>'


# ------------------------------------------------------------------------------------------------
# Legends


@dataclass(frozen=True)
class LegendEntry:
    label: str
    swatch: str  # SVG drawn in a 28 × 14 box whose top left corner is (0, 0)


@dataclass(frozen=True)
class Legend:
    svg: str
    height: float
    boxes: tuple[tuple[float, float, float, float], ...]  # each entry's x, y, width, height


SWATCH, GAP, ROW_GAP = 28, 8, 6


def legend(entries: list[LegendEntry], x: float, y: float, width: float, size: float = 12) -> Legend:
    """Entries flowing left to right, onto a new row when the next one does not fit; an entry wider
    than a whole row is wrapped onto several lines. Nothing is ever cut."""
    line_height = size * 1.3
    out, boxes = [], []
    cursor_x, cursor_y, row_height = x, y, 0.0
    text_room = width - SWATCH - GAP
    for entry in entries:
        lines = wrap(entry.label, text_room, size)
        entry_width = SWATCH + GAP + max(text_width(line, size) for line in lines)
        # The first baseline leaves room for a capital's accent ("À venir") above the text.
        entry_height = max(14.0, line_height * len(lines) + size * 0.2)
        if cursor_x > x and cursor_x + entry_width > x + width:
            cursor_x, cursor_y = x, cursor_y + row_height + ROW_GAP
            row_height = 0.0
        out.append(f'<g data-legend="" transform="translate({cursor_x:.1f},{cursor_y:.1f})">{entry.swatch}'
                   + text_lines(lines, SWATCH + GAP, size * 1.15, size, line_height) + "</g>")
        boxes.append((cursor_x, cursor_y, entry_width, entry_height))
        cursor_x += entry_width + 3 * GAP
        row_height = max(row_height, entry_height)
    return Legend("\n".join(out), (cursor_y - y + row_height) if entries else 0.0, tuple(boxes))


# ------------------------------------------------------------------------------------------------
# Axes


_paris = formatting.paris_time


def axis_labels(points) -> list[str]:
    """How each point of a horizontal axis is labelled: a quarter as itself (2026Q4); a visit by
    its day (29/11/2026), and by its time too when another visit fell on the same day
    (29/11 14 h 05; the year kept only when the visits span several years)."""
    moments = [_paris(p) for p in points if isinstance(p, datetime)]
    days = [m.date() for m in moments]
    same_day = len(set(days)) < len(days)
    one_year = len({d.year for d in days}) <= 1
    labels = []
    for point in points:
        if not isinstance(point, datetime):
            labels.append(str(point))
            continue
        local = _paris(point)
        if not same_day:
            labels.append(f"{local:%d/%m/%Y}")
        else:
            day = f"{local:%d/%m}" if one_year else f"{local:%d/%m/%Y}"
            labels.append(f"{day} {local.hour} h {local.minute:02d}")
    return labels


def point_name(point) -> str:
    """A point named in full, for the text read by screen readers and shown on hover."""
    if isinstance(point, datetime):
        local = _paris(point)
        return f"{local:%d/%m/%Y} {local.hour} h {local.minute:02d}"
    return str(point)


def shown_ticks(centres: list[float], widths: list[float], gap: float = 10.0) -> list[int]:
    """Which of the evenly spaced labels to draw so that none overlaps the next: every k-th, the
    smallest k that leaves `gap` between neighbours, and the last one always (it replaces the one
    before it when both do not fit)."""
    count = len(centres)
    if count <= 1:
        return list(range(count))

    def clear(a: int, b: int) -> bool:
        return abs(centres[b] - centres[a]) >= (widths[a] + widths[b]) / 2 + gap

    for step in range(1, count):
        shown = list(range(0, count, step))
        if shown[-1] != count - 1:
            shown = shown + [count - 1] if clear(shown[-1], count - 1) else shown[:-1] + [count - 1]
        if all(clear(a, b) for a, b in pairwise(shown)):
            return shown
    return [count - 1]  # not even the first and the last fit side by side


# ------------------------------------------------------------------------------------------------
# The SVG element


def ident(text: str) -> str:
    """An id for the chart's title and description, from its title: two charts on one page keep
    distinct ids."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "graphique-" + (re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:60] or "sans-titre")


def open_svg(width: float, height: float, name: str, title: str, description: str, kind: str) -> list[str]:
    """The SVG's first elements: its size (drawn at most this wide, scaled down on a narrow screen
    by the pages' CSS), its accessible name and description, a white background."""
    return [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{math.ceil(height)}" '
         f'viewBox="0 0 {width:g} {math.ceil(height)}" role="img" aria-labelledby="{name}-titre {name}-description" '
         f'data-chart="{kind}" class="veilleur-chart" font-family="{FONT}" font-size="12">'),
        f'<title id="{name}-titre">{escape(title)}</title>',
        f'<desc id="{name}-description">{escape(description)}</desc>',
        f'<rect width="{width:g}" height="{math.ceil(height)}" fill="#ffffff"/>',
    ]
