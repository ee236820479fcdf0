"""The charts people read at a glance: bars of the quarter's levels, lines only once there are two
quarters, axis labels that carry the time of visits on the same day and never overlap, legends
that keep every series whole and inside the picture."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from itertools import pairwise

from foundation.quarters import Quarter
from reports.observatory.chart_kit import GAP, SWATCH, axis_labels, shown_ticks, text_width, wrap
from reports.observatory.indicators import INDICATORS, SPECS, quarter_indicators
from reports.observatory.level_bars import QuarterLevels
from reports.observatory.progress import History, Series
from reports.observatory.progress_chart import progress_svg
from tests.support.indicator_data import Scenario, Seen, at, seen

SVG = "{http://www.w3.org/2000/svg}"
Q3, Q4 = Quarter.parse("2026Q3"), Quarter.parse("2026Q4")
LONG = "Ne plus redemander les données déjà connues de l’administration (Dites-le-nous une fois), pour chaque démarche"


def parsed(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed, or this fails
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def text_of(element: ET.Element) -> str:
    return " ".join("".join(t.itertext()) for t in element.iter(f"{SVG}tspan")) or "".join(element.itertext())


def seven_series(points: int) -> History:
    quarters = (Q3, Q4)[-points:]
    return History(quarters, tuple(
        Series(spec.key, spec.label if n else LONG, tuple(100.0 if (n + q) % 2 else 50.0 for q in range(points)))
        for n, spec in enumerate(INDICATORS[:7])))


def test_with_one_quarter_the_progress_chart_shows_bars_and_says_the_evolution_needs_two():
    svg = progress_svg(seven_series(1))
    root = parsed(svg)
    assert root.get("data-chart") == "bars"
    assert root.find(f".//{SVG}polyline") is None
    assert "L’évolution se lira à partir de deux trimestres : voici le trimestre 2026Q4." in svg
    bars = root.findall(f"{SVG}g[@data-series]")
    assert len(bars) == 7
    # Each bar's length is its share of one common track: 50 % is half of 100 %.
    lengths = [float(g.findall(f"{SVG}rect")[1].get("width")) for g in bars]
    assert abs(lengths[1] - 2 * lengths[0]) < 0.2 and lengths[0] == lengths[2]
    assert "50 %" in svg and "100 %" in svg


def test_from_two_quarters_the_progress_chart_draws_one_line_per_series():
    root = parsed(progress_svg(seven_series(2)))
    assert root.get("data-chart") == "lines"
    series = root.findall(f"{SVG}g[@data-series]")
    assert len(series) == 7 and all(g.find(f"{SVG}polyline") is not None for g in series)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("data-axis") == "x"] == ["2026Q3", "2026Q4"]


def test_series_meeting_on_a_point_are_drawn_side_by_side_with_distinct_markers():
    root = parsed(progress_svg(seven_series(2)))
    first_points = []
    for g in root.findall(f"{SVG}g[@data-series]"):
        x, y = g.find(f"{SVG}polyline").get("points").split()[0].split(",")
        first_points.append((float(x), float(y)))
    assert len(set(first_points)) == 7  # none hidden under another
    shapes = [{m.get("data-marker") for m in g if m.get("data-marker")} for g in root.findall(f"{SVG}g[@data-series]")]
    assert all(len(shape) == 1 for shape in shapes) and len(set.union(*shapes)) == 6  # six shapes, then again


def test_visits_on_the_same_day_are_labelled_with_their_time():
    same_day = [datetime(2026, 11, 29, 13, 5, tzinfo=timezone.utc), datetime(2026, 11, 29, 14, 40, tzinfo=timezone.utc),
                datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)]
    # Paris time (UTC+1 in November), the time only when the day alone would repeat.
    assert axis_labels(same_day) == ["29/11 14 h 05", "29/11 15 h 40", "30/11 9 h 00"]
    assert axis_labels(same_day[1:]) == ["29/11/2026", "30/11/2026"]
    across_years = [datetime(2026, 12, 31, 9, tzinfo=timezone.utc), datetime(2026, 12, 31, 10, tzinfo=timezone.utc),
                    datetime(2027, 1, 2, 9, tzinfo=timezone.utc)]
    assert axis_labels(across_years) == ["31/12/2026 10 h 00", "31/12/2026 11 h 00", "02/01/2027 10 h 00"]

    history = History(tuple(same_day), (Series("uptime", "Page d’accueil disponible", (100.0, 0.0, 100.0), kind="percent"),))
    root = parsed(progress_svg(history, title="Visite après visite (sur 100)"))
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("data-axis") == "x"] == [
        "29/11 14 h 05", "29/11 15 h 40", "30/11 9 h 00"]


def test_axis_labels_never_overlap_and_the_last_is_always_shown():
    moments = tuple(datetime(2026, 11, 29, 6 + h, 5 * h, tzinfo=timezone.utc) for h in range(12))
    history = History(moments, (Series("uptime", "Page d’accueil disponible", (100.0,) * 12, kind="percent"),))
    root = parsed(progress_svg(history, title="Visite après visite (sur 100)"))
    width = float(root.get("width"))
    ticks = [(float(t.get("x")), text_width(t.text, 12), t.text) for t in root.iter(f"{SVG}text") if t.get("data-axis") == "x"]
    assert 2 <= len(ticks) < 12
    assert ticks[0][2] == "29/11 7 h 00" and ticks[-1][2] == "29/11 18 h 55"
    for (x1, w1, _), (x2, w2, _) in pairwise(ticks):
        assert x1 + w1 / 2 < x2 - w2 / 2  # a gap between neighbours
    assert ticks[0][0] - ticks[0][1] / 2 >= 0 and ticks[-1][0] + ticks[-1][1] / 2 <= width

    # The rule itself: the smallest step that clears, the last label replacing its neighbour if need be.
    assert shown_ticks([0, 50, 100, 150], [40, 40, 40, 40]) == [0, 1, 2, 3]
    assert shown_ticks([0, 30, 60, 90, 120], [50] * 5) == [0, 2, 4]
    assert shown_ticks([0, 30, 60, 90], [50] * 4) == [0, 3]
    assert shown_ticks([0, 10], [50, 50]) == [1]  # not even two fit: the latest alone


def test_the_legend_keeps_every_series_whole_and_inside_the_picture_whatever_their_number():
    for count in (1, 7, 15):
        history = History((Q3, Q4), tuple(
            Series(f"s{n}", f"{LONG} n° {n}" if n % 3 == 0 else INDICATORS[n % len(INDICATORS)].label, (10.0 * n, 50.0))
            for n in range(count)))
        root = parsed(progress_svg(history))
        width = float(root.get("width"))
        entries = root.findall(f"{SVG}g[@data-legend]")
        assert len(entries) == count
        written = [text_of(g.find(f"{SVG}text")) for g in entries]
        for series, text in zip(history.series, written):
            # never cut: the whole label (wrapped on words), then the latest figure
            assert re.sub(r"\s+", " ", text) == f"{series.label} (50 %)"
            assert "…" not in text
        for g in entries:
            x, y = map(float, re.fullmatch(r"translate\(([\d.]+),([\d.]+)\)", g.get("transform")).groups())
            assert x >= 0 and x + SWATCH + GAP + max(text_width(t.text, 12) for t in g.iter(f"{SVG}tspan")) <= width
            assert y < float(root.get("height"))


def test_a_word_longer_than_its_line_is_broken_never_dropped():
    lines = wrap("Anticonstitutionnellement " * 2, 60, 12)
    assert "".join(lines).replace(" ", "") == "Anticonstitutionnellement" * 2
    assert all(text_width(line, 12) <= 60 for line in lines)


def quarter_of_levels(db) -> QuarterLevels:
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("int", "Ministère de l’Intérieur")
        sc.ministry("sante", "Ministère de la Santé")
        sc.service("a", "int")
        sc.service("b", "int")
        sc.service("c", "sante")
        autumn = sc.campaign(at(2026, 11, 3))
        sc.run(autumn, "a", seen(readability=Seen("measured", {"score": 8.5})), load_ms=300.0)
        sc.run(autumn, "b", seen(readability=Seen("measured", {"score": 6.0}), franceconnect=Seen("absent")),
               load_ms=600.0)
        sc.run(autumn, "c", seen(readability=Seen("unknown")), load_ms=900.0)
        session.commit()
        return QuarterLevels(Q4, tuple(quarter_indicators(session, Q4)))


def test_with_one_quarter_the_bars_show_the_share_of_services_at_each_level_per_indicator(db):
    chart = quarter_of_levels(db).by_indicator()
    assert [row.label for row in chart.rows] == [spec.label for spec in INDICATORS]
    readability = next(row for row in chart.rows if row.label == "Lisibilité des textes (formule, mesure Veilleur)")
    # Good first, then medium, bad, not a judgement, no data.
    assert [(s.label, s.count) for s in readability.segments] == [("Bon", 1), ("Moyen", 1), ("Inconnu", 1)]
    load = next(row for row in chart.rows if row.label == "Temps de chargement des pages")
    assert [(s.label, s.count) for s in load.segments] == [("Optimal", 1), ("Partiel", 1), ("Faible", 1)]

    svg = chart.svg()
    root = parsed(svg)
    assert root.get("data-chart") == "bars" and root.find(f".//{SVG}polyline") is None
    assert "Lisibilité des textes (formule, mesure Veilleur) — Bon : 1 service sur 3 (33 %)" in svg
    assert "Temps de chargement des pages — Faible : 1 service sur 3 (33 %)" in svg
    # Every bar spans the same width, split in proportion.
    bars = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}title") is not None
            and g.find(f"{SVG}title").text.startswith("Temps de chargement des pages")]
    widths = [float(g.find(f"{SVG}rect").get("width")) for g in bars]
    assert len(widths) == 3 and max(widths) - min(widths) < 0.2
    # The legend names each tone and the levels drawn in it, inside the picture.
    legend = [text_of(g.find(f"{SVG}text")) for g in root.findall(f".//{SVG}g[@data-legend]")]
    assert legend[0].startswith("Bon niveau : ") and "Optimal" in legend[0]
    assert any(text.startswith("Sans donnée") for text in legend)

    html = chart.__html__()
    assert html.startswith('<figure class="veilleur-figure">') and "<table>" in html
    assert '<th scope="row">Lisibilité des textes (formule, mesure Veilleur)</th><td>Bon : 1 (33 %)</td><td>Moyen : 1 (33 %)</td>' in html


def test_the_bars_per_ministry_pool_its_services_indicators_or_show_one_indicator_by_level(db):
    levels = quarter_of_levels(db)
    pooled = levels.by_ministry()
    assert [row.label for row in pooled.rows] == ["Ministère de l’Intérieur", "Ministère de la Santé"]
    assert [row.total for row in pooled.rows] == [2 * len(INDICATORS), len(INDICATORS)]
    assert f"{2 * len(INDICATORS)} niveaux" in pooled.svg()
    one = levels.by_ministry([SPECS["load_time"]])
    assert one.title == "Temps de chargement des pages par ministère, 2026Q4"
    assert [[(s.label, s.count) for s in row.segments] for row in one.rows] == [
        [("Optimal", 1), ("Partiel", 1)], [("Faible", 1)]]


def test_a_dashboard_chart_counts_demarches_and_two_charts_on_a_page_keep_distinct_ids(db):
    states = quarter_of_levels(db).states
    levels = QuarterLevels(Q4, states, ("démarche", "démarches"), "fr-table")
    first, second = levels.by_indicator().svg(), levels.by_ministry().svg()
    assert "1 démarche sur 3" in first and '<div class="fr-table" ' in levels.by_indicator().__html__()
    ids = lambda svg: set(re.findall(r' id="([^"]+)"', svg))
    assert ids(first) and not ids(first) & ids(second)
    empty = QuarterLevels(Q4, ()).by_indicator()
    assert empty.rows == () and "Rien à montrer pour ce trimestre." in empty.svg()
