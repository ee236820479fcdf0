"""One denominator: on a ministry's page, the chart "Part des démarches au bon niveau" and the
table of progress below it print the same share, computed once over all the ministry's services,
and say which services it stands on ("1 sur 4 démarches, dont 2 sans donnée"). Once the chart
left the services without data out (100 %, 50 %) where the table counted them ("2 sur 4", "1 sur 4")."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from reports.web.app import create_app
from storage.evidence.store import EvidenceStore
from tests.support.indicator_data import Scenario, Seen, at, seen
from tests.test_one_truth import cells_of, tree


@pytest.fixture
def client(db, tmp_path):
    """Interior: four services visited in 2026Q4. Readability: a green, b orange, c and d not
    measured (no data). Alternative non numérique: a and b
    present, c and d unknown."""
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("interieur", "Ministère de l’Intérieur")
        for sid in "abcd":
            sc.service(sid, "interieur")
        autumn = sc.campaign(at(2026, 11, 2))
        sc.run(autumn, "a", seen(readability=Seen("measured", {"score": 8.5})))
        sc.run(autumn, "b", seen(readability=Seen("measured", {"score": 6.0})))
        for sid in "cd":
            sc.run(autumn, sid, seen(readability=Seen("unknown"), non_digital_alternative=Seen("unknown")))
        session.commit()
    return TestClient(create_app(db, EvidenceStore(tmp_path / "evidence")))


def _chart_figures(page: str) -> dict[str, str]:
    """Each series of the chart and its latest figure, as its legend and title say it."""
    figures = {}
    for key, title in re.findall(r'<g data-series="([a-z_]+)"><title>([^<]*)</title>', page):
        figures[key] = title.rsplit(" : ", 1)[1]
    return figures


def test_the_chart_and_the_table_of_a_ministry_print_one_share_over_all_its_services(client):
    page = client.get("/ministeres/interieur?trimestre=2026Q4").text
    rows = {tr.attrs["data-indicator"]: cells_of(tr)
            for tr in tree(page).all(lambda n: n.tag == "tr" and "data-indicator" in n.attrs)}
    assert rows["readability"][1] == "1 sur 4 démarches, dont 2 sans donnée (25 %)"
    assert rows["non_digital_alternative"][1] == "2 sur 4 démarches, dont 2 sans donnée (50 %)"
    chart = _chart_figures(page)
    assert chart["readability"] == "25 %" and chart["non_digital_alternative"] == "50 %"
    # Every share the table prints is the chart's, indicator by indicator.
    for key, cells in rows.items():
        share = re.search(r"\((\d+ %)\)$", cells[1])
        assert chart.get(key) == (share.group(1) if share else None), key
