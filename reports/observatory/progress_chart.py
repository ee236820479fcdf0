"""The progress chart (SVG): each series' share, quarter after quarter (or visit after visit), as
lines once there are two points in time to join, as bars of the one figure there is before that.

Drawn by hand rather than with a plotting library: a few lines and labels, no JavaScript, and a
file that opens anywhere. The legend sits under the plot and wraps onto as many rows as the
series need; the axis labels carry the time when two visits fall on the same day, and are thinned
out rather than overlap. Series that meet on a point are told apart by their markers' shapes,
drawn side by side. The figures are also in the chart's description, read by screen readers.
"""

from __future__ import annotations

from datetime import datetime

from foundation import formatting
from reports.observatory.chart_kit import (
    GREY,
    INK,
    RULE,
    LegendEntry,
    axis_labels,
    escape,
    ident,
    legend,
    open_svg,
    point_name,
    shown_ticks,
    text_lines,
    text_width,
    wrap,
)
from reports.observatory.progress import History, Series

WIDTH, MARGIN = 760, 16
LEFT, RIGHT = 56, 20  # the plot's margins: the percentages on the left
PLOT_HEIGHT = 240
# DSFR illustrative colours, distinct enough side by side.
COLOURS = ("#000091", "#c9191e", "#18753c", "#b34000", "#6a6af4", "#009081", "#a558a0", "#716043")
SHAPES = ("circle", "square", "triangle", "diamond", "down", "bar")
DASHES = ("", "7 4", "2 3", "10 3 2 3")
DODGE = 7.0  # px between the markers of series that meet on one point
BAR_FILL = "#000091"  # bleu France: one figure per bar, nothing to tell apart by colour


def marker(shape: str, x: float, y: float, colour: str) -> str:
    """A point of a series, by its shape (data-marker names it)."""
    tag = f'data-marker="{shape}" fill="{colour}"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" {tag}/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" {tag}/>'
    if shape == "bar":
        return f'<rect x="{x - 5:.1f}" y="{y - 2:.1f}" width="10" height="4" {tag}/>'
    offsets = {"triangle": ((0, -5.5), (5, 4), (-5, 4)), "down": ((0, 5.5), (5, -4), (-5, -4)),
               "diamond": ((0, -5.5), (5, 0), (0, 5.5), (-5, 0))}[shape]
    points = " ".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in offsets)
    return f'<polygon points="{points}" {tag}/>'


def _style(n: int) -> tuple[str, str, str]:
    return COLOURS[n % len(COLOURS)], SHAPES[n % len(SHAPES)], DASHES[(n // len(COLOURS)) % len(DASHES)]


def _figure(series: Series, point: float | None) -> str:
    return "—" if point is None else formatting.figure(point, series.kind)


def _header(title: str, top: float = 24) -> tuple[list[str], float]:
    lines = wrap(title, WIDTH - 2 * MARGIN, 15, bold=True)
    return [text_lines(lines, MARGIN, top, 15, bold=True)], top + 19 * len(lines)


def progress_svg(history: History, title: str = "Part des services qui atteignent chaque objectif") -> str:
    """Lines when at least two points in time have a figure; bars of the latest figures otherwise."""
    dated = [i for i in range(len(history.quarters)) if any(
        i < len(s.points) and s.points[i] is not None for s in history.series)]
    if len(dated) < 2:
        return _bars(history, title, dated[-1] if dated else None)
    return _lines(history, title)


def _description(history: History) -> str:
    names = [point_name(p) for p in history.quarters]
    return " ; ".join(f"{s.label} : " + ", ".join(f"{n} {_figure(s, p)}" for n, p in zip(names, s.points))
                      for s in history.series) + "."


def _lines(history: History, title: str) -> str:
    body, top = _header(title)
    top += 12
    bottom = top + PLOT_HEIGHT
    count = len(history.quarters)
    labels = axis_labels(history.quarters)
    widths = [text_width(label, 12) for label in labels]
    # The first and last labels are centred on their points, and markers that meet spread around
    # them: keep both inside the picture.
    inset = max(widths[0] / 2 - LEFT + 4, widths[-1] / 2 - RIGHT + 4, DODGE * (len(history.series) - 1) / 2 + 6)
    first, last = LEFT + inset, WIDTH - RIGHT - inset

    def x_of(index: int) -> float:
        return first + (last - first) * index / (count - 1)

    def y_of(percent: float) -> float:
        return top + PLOT_HEIGHT * (1 - max(0.0, min(100.0, percent)) / 100)

    for percent in range(0, 101, 20):
        y = y_of(percent)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{RULE}"/>')
        body.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{GREY}">{formatting.share(percent)}</text>')
    centres = [x_of(i) for i in range(count)]
    for i in shown_ticks(centres, widths):
        body.append(f'<line x1="{centres[i]:.1f}" y1="{bottom}" x2="{centres[i]:.1f}" y2="{bottom + 5}" stroke="{GREY}"/>')
        body.append(f'<text x="{centres[i]:.1f}" y="{bottom + 20}" text-anchor="middle" fill="{GREY}" '
                    f'data-axis="x">{escape(labels[i])}</text>')

    # Series meeting on a point: their markers side by side, in the order of the legend.
    placed: dict[tuple[int, int], list[int]] = {}
    for n, series in enumerate(history.series):
        for i, p in enumerate(series.points):
            if p is not None:
                placed.setdefault((i, round(y_of(p * series.scale))), []).append(n)

    def position(n: int, i: int, p: float) -> tuple[float, float]:
        y = y_of(p * (history.series[n].scale))
        together = placed[(i, round(y))]
        return centres[i] + DODGE * (together.index(n) - (len(together) - 1) / 2), y

    names = [point_name(p) for p in history.quarters]
    for n, series in enumerate(history.series):
        colour, shape, dash = _style(n)
        figures = ", ".join(f"{q} : {_figure(series, p)}" for q, p in zip(names, series.points))
        body.append(f'<g data-series="{escape(series.key)}"><title>{escape(series.label)} — {escape(figures)}</title>')
        points = [position(n, i, p) for i, p in enumerate(series.points) if p is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>')
        body.extend(marker(shape, x, y, colour) for x, y in points)
        body.append("</g>")

    entries = []
    for n, series in enumerate(history.series):
        colour, shape, dash = _style(n)
        latest = next((p for p in reversed(series.points) if p is not None), None)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        swatch = (f'<line x1="0" y1="7" x2="28" y2="7" stroke="{colour}" stroke-width="2.5"{dashes}/>'
                  + marker(shape, 14, 7, colour))
        entries.append(LegendEntry(series.label + ("" if latest is None else f" ({_figure(series, latest)})"), swatch))
    drawn = legend(entries, MARGIN, bottom + 40, WIDTH - 2 * MARGIN)
    body.append(drawn.svg)
    height = bottom + 40 + drawn.height + MARGIN
    return "\n".join(open_svg(WIDTH, height, ident(title), title, _description(history), "lines") + body + ["</svg>"]) + "\n"


def _bars(history: History, title: str, index: int | None) -> str:
    """Before there are two points in time: each series' one figure as a bar, and why no line."""
    body, y = _header(title)
    inner = WIDTH - 2 * MARGIN
    visits = any(isinstance(p, datetime) for p in history.quarters)
    if index is None:
        note = "Aucune visite enregistrée." if visits or not history.quarters else \
            f"Aucun chiffre pour {history.quarters[-1]}."
    elif visits:
        note = (f"L’évolution se lira à partir de deux visites : voici la seule, "
                f"du {point_name(history.quarters[index])}.")
    else:
        note = f"L’évolution se lira à partir de deux trimestres : voici le trimestre {history.quarters[index]}."
    note_lines = wrap(note, inner, 13)
    body.append(text_lines(note_lines, MARGIN, y + 2, 13, fill=GREY))
    y += 17 * len(note_lines) + 10
    shown = history.series if index is not None else ()
    figures = [_figure(s, s.points[index] if index < len(s.points) else None) for s in shown]
    # One length for every bar's track: the figures are written after it, the widest one fits.
    room = inner - max((text_width(f, 13) for f in figures), default=0) - 10
    for series, figure in zip(shown, figures):
        point = series.points[index] if index < len(series.points) else None
        label_lines = wrap(series.label, inner, 13, bold=True)
        body.append(f'<g data-series="{escape(series.key)}"><title>{escape(series.label)} — '
                    f'{escape(point_name(history.quarters[index]))} : {escape(figure)}</title>')
        body.append(text_lines(label_lines, MARGIN, y + 13, 13, bold=True))
        y += 17 * len(label_lines) + 4
        length = 0.0 if point is None else room * max(0.0, min(100.0, point * series.scale)) / 100
        body.append(f'<rect x="{MARGIN}" y="{y:.1f}" width="{room:.1f}" height="18" fill="#f6f6f6" stroke="#929292"/>')
        body.append(f'<rect x="{MARGIN}" y="{y:.1f}" width="{length:.1f}" height="18" fill="{BAR_FILL}"/>')
        body.append(f'<text x="{MARGIN + room + 8:.1f}" y="{y + 14:.1f}" font-size="13" fill="{INK}">{escape(figure)}</text>')
        body.append("</g>")
        y += 18 + 14
    height = y + MARGIN
    description = note + (" " + _description(History(history.quarters[index:index + 1], tuple(
        Series(s.key, s.label, s.points[index:index + 1], s.kind, s.scale) for s in history.series)))
                          if index is not None else "")
    return "\n".join(open_svg(WIDTH, height, ident(title), title, description, "bars") + body + ["</svg>"]) + "\n"
