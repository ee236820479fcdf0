"""Progress since the previous quarter, per service and per ministry, and the chart across quarters."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from reports.observatory import levels as L
from reports.observatory.levels import PRESENT
from reports.observatory.progress import BETTER, NEW, SAME, WORSE, compare, direction, objective_history, observed_quarters
from reports.observatory.indicators import quarter_indicators
from reports.observatory.progress_chart import progress_svg
from foundation.quarters import Quarter
from tests.support.indicator_data import Scenario, Seen, at, seen

Q4 = Quarter.parse("2026Q4")


def build(db) -> None:
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("int", "Intérieur")
        sc.ministry("eco", "Économie")
        sc.service("s1", "int")
        sc.service("s2", "int")
        sc.service("s3", "eco")
        summer = sc.campaign(at(2026, 8, 3))
        sc.run(summer, "s1", seen(readability=Seen("measured", {"score": 6.0}), franceconnect=Seen("absent")))
        sc.run(summer, "s2", seen())
        autumn = sc.campaign(at(2026, 11, 3))
        sc.run(autumn, "s1", seen(readability=Seen("measured", {"score": 8.5})))
        sc.run(autumn, "s2", seen(non_digital_alternative=Seen("absent")))
        sc.run(autumn, "s3", seen())
        session.commit()


def test_direction_follows_the_order_of_merit_and_never_counts_unknown_as_progress():
    assert direction(L.ORANGE, L.GREEN) == BETTER and direction(L.YES, L.PARTIAL) == WORSE
    assert direction(L.FRANCECONNECT, L.FRANCECONNECT_PLUS) == SAME  # both meet the good level
    assert direction(L.UNKNOWN, L.YES) == NEW and direction(None, L.RED) == NEW
    assert direction(L.NOT_APPLICABLE, L.NOT_APPLICABLE) == SAME


def test_each_indicator_changes_since_the_previous_quarter_per_service_and_ministry(db):
    build(db)
    with db.sessions() as session:
        progress = compare(quarter_indicators(session, Q4), quarter_indicators(session, Q4.previous()), Q4)
    changes = {(s.service_id, c.key): c for s in progress.services for c in s.changes}
    readability = changes[("s1", "readability")]
    assert (readability.before.level, readability.after.level, readability.direction, readability.delta) == (
        L.ORANGE, L.GREEN, BETTER, 2.5)
    assert changes[("s1", "authentication")].direction == BETTER  # absent → FranceConnect+
    alternative = changes[("s2", "non_digital_alternative")]
    assert (alternative.before.level, alternative.after.level, alternative.direction) == (PRESENT, L.ABSENT, WORSE)
    assert changes[("s3", "readability")].direction == NEW  # not visited in 2026Q3
    assert changes[("s2", "readability")].direction == SAME
    ministries = {(m.ministry_id, m.key): m for m in progress.ministries}
    int_readability = ministries[("int", "readability")]
    assert (int_readability.good_before, int_readability.good_after, int_readability.services,
            int_readability.better, int_readability.worse) == (1, 2, 2, 1, 0)
    assert (ministries[("int", "non_digital_alternative")].worse, ministries[("eco", "readability")].good_before) == (1, 0)


def test_the_chart_draws_each_objective_share_quarter_after_quarter(db):
    build(db)
    with db.sessions() as session:
        quarters = observed_quarters(session)
        history = objective_history(session, quarters)
    assert [str(q) for q in quarters] == ["2026Q3", "2026Q4"]
    plain = next(s for s in history.series if s.key == "plain_language")
    # 2026Q3: s2 (8.0) of s1 (6.0), s2, s3 (not visited yet) → 1/3; 2026Q4: all three at 8 or more
    assert [round(p, 1) for p in plain.points] == [33.3, 100.0]
    svg = progress_svg(history)
    root = ET.fromstring(svg)  # well-formed SVG
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "img"
    assert root.get("data-chart") == "lines"  # two quarters: lines
    series = root.findall("{http://www.w3.org/2000/svg}g[@data-series]")
    assert [g.get("data-series") for g in series] == [s.key for s in history.series]
    assert "Clarté du langage d'au moins 8/10 — 2026Q3 : 33 %, 2026Q4 : 100 %" in svg
    # one line per objective with points on both quarters; the line for plain language goes up
    polylines = [g.find("{http://www.w3.org/2000/svg}polyline") for g in series]
    index = [s.key for s in history.series].index("plain_language")
    (x1, y1), (x2, y2) = [tuple(map(float, p.split(","))) for p in polylines[index].get("points").split()]
    assert x2 > x1 and y2 < y1
    assert re.search(r">2026Q3</text>", svg) and re.search(r">2026Q4</text>", svg)
