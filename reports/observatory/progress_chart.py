"""The progress chart: share of services meeting each objective, quarter after quarter (SVG).

Drawn by hand rather than with a plotting library: a few lines and labels, no JavaScript, and a
file that opens anywhere. Each line also carries its figures as text (<title>) for screen readers.
"""

from __future__ import annotations

from html import escape as _escape

from foundation import formatting
from reports.observatory.progress import History

WIDTH, HEIGHT = 900, 440
LEFT, RIGHT, TOP, BOTTOM = 60, 330, 40, 50
# DSFR illustrative colours, distinct enough side by side.
COLOURS = ("#000091", "#c9191e", "#18753c", "#b34000", "#6a6af4", "#009081", "#a558a0", "#716043")


def escape(text: str) -> str:
    # Text nodes only (no attribute takes free text here): apostrophes stay readable.
    return _escape(text, quote=False)


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(percent: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100)


def progress_svg(history: History, title: str = "Part des services qui atteignent chaque objectif") -> str:
    quarters = history.quarters
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" font-family="Marianne, Arial, sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold" fill="#161616">{escape(title)}</text>',
    ]
    for percent in range(0, 101, 20):
        y = _y(percent)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#3a3a3a">'
                   f'{formatting.share(percent)}</text>')
    for i, quarter in enumerate(quarters):
        x = _x(i, len(quarters))
        out.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle" fill="#3a3a3a">{quarter}</text>')
    if not quarters:
        out.append(f'<text x="{LEFT + 20}" y="{HEIGHT / 2}" fill="#3a3a3a">Aucune visite enregistrée.</text>')
    for n, series in enumerate(history.series):
        colour = COLOURS[n % len(COLOURS)]
        figures = ", ".join(f"{q} : {'—' if p is None else formatting.figure(p, series.kind)}"
                            for q, p in zip(quarters, series.points))
        out.append(f'<g><title>{escape(series.label)} — {escape(figures)}</title>')
        points = [(_x(i, len(quarters)), _y(p * series.scale)) for i, p in enumerate(series.points) if p is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for x, y in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>')
        out.append("</g>")
        legend_y = TOP + 10 + 22 * n
        out.append(f'<rect x="{WIDTH - RIGHT + 20}" y="{legend_y - 9}" width="14" height="4" fill="{colour}"/>')
        last = next((p for p in reversed(series.points) if p is not None), None)
        label = series.label if len(series.label) <= 36 else series.label[:35] + "…"
        suffix = "" if last is None else f" ({formatting.figure(last, series.kind)})"
        out.append(f'<text x="{WIDTH - RIGHT + 40}" y="{legend_y}" fill="#161616">{escape(label + suffix)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
