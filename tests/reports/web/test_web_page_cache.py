"""Rendered pages are kept only while the data under them is unchanged: a new run, a finished
campaign, a registry change or a renamed ministry shows at once."""

from __future__ import annotations

from fastapi.testclient import TestClient

from storage.evidence.store import EvidenceStore
from storage.schema import Ministry, Service
from tests.support.indicator_data import Scenario, Seen, at, seen
from tests.support.web_site import seed_dashboard


def test_a_cached_page_is_redrawn_as_soon_as_its_data_changes(tmp_path):
    from reports.web.app import create_app
    from storage.db import open_database

    db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    seed_dashboard(db, EvidenceStore(tmp_path / "evidence"))
    client = TestClient(create_app(db, EvidenceStore(tmp_path / "evidence")))
    first = client.get("/services/passeport?trimestre=2026Q4").text
    assert client.get("/services/passeport?trimestre=2026Q4").text == first  # served again as it was

    with db.sessions() as session:  # a new campaign finds the statement again
        scenario = Scenario(session)
        scenario.run(scenario.campaign(at(2026, 12, 1)), "passeport", seen(accessibility_statement=Seen("non")))
        session.commit()
    after_run = client.get("/services/passeport?trimestre=2026Q4").text
    assert after_run != first

    with db.sessions() as session:
        session.get(Ministry, "interieur").name = "Ministère de l’Intérieur et des Outre-mer"
        session.commit()
    assert "Ministère de l’Intérieur et des Outre-mer" in client.get("/services/passeport?trimestre=2026Q4").text

    overview = client.get("/").text
    with db.sessions() as session:
        session.get(Service, "passeport").name = "Demander un passeport ou une carte d’identité"
        session.commit()
    assert client.get("/").text != overview
    assert "Demander un passeport ou une carte d’identité" in client.get("/").text
    db.close()
