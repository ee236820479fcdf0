"""The quarter at a glance: for each indicator (or each ministry), the share of services at each
level, drawn as one stacked bar per row (SVG, drawn on the server), with its figures in a table.

A bar is split by level, good levels first, then medium, bad, the statements that are not a
judgement (not applicable, a declared or measured figure) and last the levels without data: the
reader sees at once how much is green and how much is unknown. Colours are the tones of the badges
(DSFR); each part also says its level and share in words where it has room, on hover, and in the
table that follows the chart (a screen reader reads the table: an SVG image is one picture to it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from html import escape as html_escape

from foundation import formatting, vocabulary
from foundation.quarters import Quarter
from foundation.tones import Tone
from reports.observatory.chart_kit import (
    GREY,
    LegendEntry,
    escape,
    ident,
    legend,
    open_svg,
    text_lines,
    text_width,
    wrap,
)
from reports.observatory.indicators import INDICATORS, IndicatorSpec, ServiceIndicators
from reports.observatory.levels import ALL_LEVELS

# Tones in the order of the bars, each with its name, its fill and the colour of text on it: the
# strong colours of the DSFR badges (white text at least 4.5:1 on each), and a pale grey for "no
# data", which should look empty.
ORDER = (Tone.GOOD, Tone.MEDIUM, Tone.BAD, Tone.NEUTRAL, Tone.UNKNOWN)
TONE_NAMES = {
    Tone.GOOD: "Bon niveau", Tone.MEDIUM: "Niveau intermédiaire", Tone.BAD: "Niveau insuffisant",
    Tone.NEUTRAL: "Sans jugement", Tone.UNKNOWN: "Sans donnée",
}
FILL = {Tone.GOOD: "#18753c", Tone.MEDIUM: "#b34000", Tone.BAD: "#ce0500", Tone.NEUTRAL: "#0063cb",
        Tone.UNKNOWN: "#e5e5e5"}
TEXT_ON = {Tone.GOOD: "#ffffff", Tone.MEDIUM: "#ffffff", Tone.BAD: "#ffffff", Tone.NEUTRAL: "#ffffff",
           Tone.UNKNOWN: GREY}
_LEVEL_ORDER = {level.label: n for n, level in enumerate(ALL_LEVELS)}

WIDTH, MARGIN, BAR, SIZE = 560, 16, 24, 13


@dataclass(frozen=True)
class Segment:
    label: str  # the level's label ("Optimal"), or the tone's name when levels of several indicators are pooled
    tone: Tone
    count: int


@dataclass(frozen=True)
class BarRow:
    label: str
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(s.count for s in self.segments)


def _segments(levels) -> tuple[Segment, ...]:
    counts: dict[tuple[Tone, str], int] = {}
    for level in levels:
        counts[(level.tone, level.label)] = counts.get((level.tone, level.label), 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (ORDER.index(kv[0][0]), _LEVEL_ORDER.get(kv[0][1], 99)))
    return tuple(Segment(label, tone, n) for (tone, label), n in ranked)


def _pooled(tones) -> tuple[Segment, ...]:
    tones = list(tones)
    return tuple(Segment(TONE_NAMES[t], t, tones.count(t)) for t in ORDER if tones.count(t))


def _alphabetical(name: str) -> str:
    # As a French index sorts: "Ministère de l’Intérieur" before "Ministère de la Santé".
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return plain.replace("’", "'").casefold()


def _share(count: int, total: int) -> str:
    return formatting.share(100 * count / total) if total else ""


@dataclass(frozen=True)
class LevelChart:
    """One chart, ready to be put on a page as it is (`{{ chart }}` in a template draws the SVG
    and its table)."""

    title: str
    subtitle: str
    head: str  # what the rows are: "Indicateur", "Ministère"
    rows: tuple[BarRow, ...]
    unit: tuple[str, str] = ("service", "services")  # what is counted, singular and plural
    wrapper: str = "table-wrap"  # the class of the block that lets a wide table scroll on a phone

    def _count(self, n: int) -> str:
        return vocabulary.count(n, *self.unit)

    def svg(self) -> str:
        name = ident(self.title)
        inner = WIDTH - 2 * MARGIN
        body: list[str] = []
        title_lines = wrap(self.title, inner, 15, bold=True)
        body.append(text_lines(title_lines, MARGIN, 24, 15, bold=True))
        y = 24 + 19 * len(title_lines)
        subtitle_lines = wrap(self.subtitle, inner, 12)
        body.append(text_lines(subtitle_lines, MARGIN, y, 12, fill=GREY))
        y += 16 * len(subtitle_lines) + 8
        if not self.rows:
            body.append(text_lines(["Rien à montrer pour ce trimestre."], MARGIN, y + 10, SIZE, fill=GREY))
            y += 24
        for row in self.rows:
            label_lines = wrap(f"{row.label} ({self._count(row.total)})", inner, SIZE, bold=True)
            body.append(text_lines(label_lines, MARGIN, y + SIZE, SIZE, bold=True))
            y += SIZE * 1.3 * len(label_lines) + 5
            body.append(f'<rect x="{MARGIN}" y="{y:.1f}" width="{inner}" height="{BAR}" fill="#ffffff" '
                        f'stroke="#929292"/>')
            x = float(MARGIN)
            for segment in row.segments:
                part = inner * segment.count / row.total if row.total else 0
                share = _share(segment.count, row.total)
                body.append(f'<g><title>{escape(row.label)} — {escape(segment.label)} : '
                            f'{escape(self._count(segment.count))} sur {row.total} ({share})</title>'
                            f'<rect x="{x:.1f}" y="{y:.1f}" width="{part:.1f}" height="{BAR}" '
                            f'fill="{FILL[segment.tone]}" stroke="#ffffff" stroke-width="1.5"/>')
                # The level and its share where they fit, the share alone where only it does.
                for text in (f"{segment.label} {share}", share):
                    if text_width(text, 12) + 8 <= part:
                        body.append(f'<text x="{x + part / 2:.1f}" y="{y + BAR / 2 + 4:.1f}" text-anchor="middle" '
                                    f'fill="{TEXT_ON[segment.tone]}">{escape(text)}</text>')
                        break
                body.append("</g>")
                x += part
            y += BAR + 14
        entries = self._legend()
        drawn = legend(entries, MARGIN, y + 4, inner)
        body.append(drawn.svg)
        height = y + 4 + drawn.height + MARGIN
        description = (f"{self.subtitle} Barres empilées, de gauche à droite : "
                       + ", ".join(TONE_NAMES[t].lower() for t in self._tones())
                       + ". Les chiffres sont dans le tableau qui suit.")
        return "\n".join(open_svg(WIDTH, height, name, self.title, description, "bars") + body + ["</svg>"]) + "\n"

    def _tones(self) -> list[Tone]:
        present = {s.tone for row in self.rows for s in row.segments}
        return [t for t in ORDER if t in present]

    def _legend(self) -> list[LegendEntry]:
        entries = []
        for tone in self._tones():
            labels = []
            for row in self.rows:
                for segment in row.segments:
                    if segment.tone == tone and segment.label not in labels and segment.label != TONE_NAMES[tone]:
                        labels.append(segment.label)
            text = TONE_NAMES[tone] + (f" : {', '.join(labels)}" if labels else "")
            swatch = f'<rect width="22" height="14" fill="{FILL[tone]}" stroke="#929292"/>'
            entries.append(LegendEntry(text, swatch))
        return entries

    def table(self) -> str:
        """The chart's figures as an HTML table: one row per bar, one column per tone."""
        tones = self._tones()
        e = html_escape
        head = "".join(f'<th scope="col">{e(TONE_NAMES[t])}</th>' for t in tones)
        rows = []
        for row in self.rows:
            cells = []
            for tone in tones:
                parts = [s for s in row.segments if s.tone == tone]
                cells.append("<td>" + ("<br>".join(
                    e(("" if s.label == TONE_NAMES[tone] else f"{s.label} : ")
                      + f"{s.count} ({_share(s.count, row.total)})") for s in parts) or "—") + "</td>")
            rows.append(f'<tr><th scope="row">{e(row.label)}</th>{"".join(cells)}<td>{row.total}</td></tr>')
        # The block scrolls when the table is wider than the page: the keyboard can reach it too.
        return (f'<div class="{e(self.wrapper)}" tabindex="0" role="region" aria-label="{e(self.title)} : les chiffres">'
                f'<table><caption>{e(self.title)} : les chiffres</caption>'
                f'<thead><tr><th scope="col">{e(self.head)}</th>{head}<th scope="col">{e(self.unit[1].capitalize())}</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></div>')

    def __html__(self) -> str:
        return (f'<figure class="veilleur-figure">\n{self.svg()}<details><summary>Les chiffres du graphique '
                f'«\u00a0{html_escape(self.title)}\u00a0»</summary>\n{self.table()}\n</details></figure>\n')


@dataclass(frozen=True)
class QuarterLevels:
    """The levels of a quarter's services, from which a page draws its charts."""

    quarter: Quarter
    states: tuple[ServiceIndicators, ...]
    unit: tuple[str, str] = ("service", "services")
    wrapper: str = "table-wrap"

    def _chart(self, title: str, subtitle: str, head: str, rows) -> LevelChart:
        return LevelChart(title, subtitle, head, tuple(rows), self.unit, self.wrapper)

    def by_indicator(self, specs: list[IndicatorSpec] | tuple[IndicatorSpec, ...] | None = None) -> LevelChart:
        """One bar per indicator: how many services are at each of its levels."""
        specs = list(specs or INDICATORS)
        count = vocabulary.count(len(self.states), *self.unit)
        return self._chart(
            f"Niveaux par indicateur, {self.quarter}", f"Part des {self.unit[1]} à chaque niveau ({count}).",
            "Indicateur", (BarRow(spec.label, _segments(s.get(spec.key).level for s in self.states))
                           for spec in specs if self.states))

    def by_ministry(self, specs: list[IndicatorSpec] | tuple[IndicatorSpec, ...] | None = None) -> LevelChart:
        """One bar per ministry: its services' levels of one indicator, or of all those given pooled
        together (then counted by tone, since each indicator names its levels its own way)."""
        specs = list(specs or INDICATORS)
        names = sorted({(s.ministry_name, s.ministry_id) for s in self.states}, key=lambda n: _alphabetical(n[0]))
        rows = []
        for name, ministry_id in names:
            mine = [s for s in self.states if s.ministry_id == ministry_id]
            if len(specs) == 1:
                rows.append(BarRow(name, _segments(s.get(specs[0].key).level for s in mine)))
            else:
                rows.append(BarRow(name, _pooled(s.get(spec.key).level.tone for s in mine for spec in specs)))
        if len(specs) == 1:
            return self._chart(f"{specs[0].label} par ministère, {self.quarter}",
                               f"Part des {self.unit[1]} de chaque ministère à chaque niveau.", "Ministère", rows)
        chart = self._chart(
            f"Niveaux par ministère, {self.quarter}",
            f"Part des niveaux de chaque ministère, les {len(specs)} indicateurs ensemble "
            f"({len(specs)} niveaux par {self.unit[0]}).", "Ministère", rows)
        return LevelChart(chart.title, chart.subtitle, chart.head, chart.rows, ("niveau", "niveaux"), self.wrapper)
