"""The JSON API under /api: the same figures as the CLI's export, paginated lists, clear errors.
Runs on SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

from foundation.settings import WebSection
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from reports.observatory.exports import write_json
from reports.observatory.indicators import quarter_indicators
from storage.evidence.store import EvidenceStore
from foundation.quarters import Quarter
from tests.support.web_site import seed_dashboard

TOKEN = "jeton-operateur"
OPERATOR = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def api(db, tmp_path):
    from reports.web.app import create_app

    store = EvidenceStore(tmp_path / "evidence")
    seeded = seed_dashboard(db, store)
    client = TestClient(create_app(db, store, web=WebSection(operator_token=TOKEN)))
    client.db, client.seeded = db, seeded
    return client


def test_services_are_paginated_with_their_total(api):
    first = api.get("/api/services?limit=2").json()
    second = api.get("/api/services?limit=2&offset=2").json()
    assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
    assert [s["id"] for s in first["items"] + second["items"]] == ["carte-grise", "passeport", "piege"]
    assert api.get("/api/services?ministry=sante").json()["total"] == 1
    assert api.get("/api/services/carte-grise").json()["ministry_name"] == "Ministère de l’Intérieur"


def test_indicators_are_the_figures_of_the_cli_export(api):
    served = api.get("/api/indicators?quarter=2026Q4").json()
    out = io.StringIO()
    with api.db.sessions() as session:
        write_json(quarter_indicators(session, Quarter(2026, 4)), out, "2026Q4")
    exported = {s["service_id"]: s["indicators"] for s in json.loads(out.getvalue())["services"]}
    assert {s["service_id"]: s["indicators"] for s in served["items"]} == exported
    assert served["items"][0]["reference_run_id"] == api.seeded.evidence_run


def test_runs_and_findings_are_listed_newest_first_and_filtered(api):
    runs = api.get("/api/runs?service=carte-grise").json()
    assert runs["total"] == 3 and runs["items"][0]["id"] == api.seeded.evidence_run
    assert runs["items"][0]["started_at"] == "2026-11-20T09:00:00Z"
    findings = api.get(f"/api/findings?run={api.seeded.evidence_run}").json()
    assert {f["check"] for f in findings["items"]} == {"franceconnect", "jedonnemonavis", "non_digital_alternative"}
    fc = api.get("/api/findings?service=carte-grise&check=franceconnect&limit=1").json()
    assert fc["total"] == 3 and fc["items"][0]["evidence"][0]["selector"] == "main > button.fr-connect"


def test_objectives_say_where_each_objective_stands_at_a_date(api):
    report = api.get("/api/objectives?date=2026-12-31").json()
    assert report["quarter"] == "2026Q4" and report["services"] == 3
    franceconnect = next(o for o in report["objectives"] if o["key"] == "franceconnect")
    assert franceconnect["counted"] == 3 and {m["ministry_id"] for m in franceconnect["by_ministry"]} == {"interieur", "sante"}


def test_the_export_is_the_cli_export_and_operators_only(api):
    assert api.get("/api/exports?quarter=2026Q4&format=json").status_code == 401
    served = api.get("/api/exports?quarter=2026Q4&format=json", headers=OPERATOR)
    assert served.headers["content-disposition"] == 'attachment; filename="veilleur-2026Q4.json"'
    assert [s["service_id"] for s in served.json()["services"]] == ["carte-grise", "passeport", "piege"]


def test_proposals_are_listed_for_operators(api):
    page = api.get("/proposer")
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
    api.post("/proposer", data={"csrf_token": token, "name": "Carte Vitale", "url": "https://vitale.example/",
                                "criterion": "pnu", "reason": "Tout le monde en a besoin un jour."})
    listed = api.get("/api/proposals?status=pending", headers=OPERATOR).json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "Carte Vitale"


@pytest.mark.parametrize("path, status, words", [
    ("/api/services/inconnu", 404, "service 'inconnu': not in the registry"),
    ("/api/runs/999999", 404, "run 999999: no such run"),
    ("/api/services?limit=0", 422, "query.limit"),
    ("/api/indicators?quarter=2026Q9", 422, "query.quarter"),
    ("/api/services/Pas%20Un%20Id", 422, "path.service_id"),
    ("/api/incidents?status=ouvert", 422, "query.status"),
])
def test_bad_requests_get_one_clear_line_naming_the_input(api, path, status, words):
    response = api.get(path)
    assert response.status_code == status and words in response.json()["detail"]


def test_every_page_is_drawn_from_either_database(api):
    for path in ("/", "/?ministere=sante&indicateur=handicap&trimestre=2026Q3", "/ministeres/interieur",
                 "/services/carte-grise", "/objectifs", "/proposer", "/accessibilite", "/incidents",
                 "/incidents?statut=open&ministere=sante&page=3"):
        response = api.get(path)
        assert response.status_code == 200, path
        assert "Accessibilité : partiellement conforme" in response.text
    assert "Demander une carte grise" in api.get("/").text


def test_incidents_are_listed_newest_first_with_the_page_where_the_element_was(api):
    from datetime import datetime, timezone

    from storage.schema import Incident, ServiceRun

    assert api.get("/api/incidents").json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
    with api.db.sessions() as session:
        run = session.get(ServiceRun, api.seeded.evidence_run)
        when = datetime(2026, 11, 20, 9, tzinfo=timezone.utc)
        for check, status in (("franceconnect", "closed"), ("jedonnemonavis", "open")):
            session.add(Incident(service_id="carte-grise", check_id=check, status=status, change="…",
                                 baseline_status="present" if check == "jedonnemonavis" else "franceconnect",
                                 current_status="absent", since=when, opened_at=when, baseline_run_id=run.id,
                                 opened_run_id=run.id, opened_campaign_id=run.campaign_id,
                                 closed_at=when if status == "closed" else None))
        session.commit()
    listed = api.get("/api/incidents").json()
    assert [i["check"] for i in listed["items"]] == ["jedonnemonavis", "franceconnect"]
    fc = listed["items"][1]
    assert fc["pages"] == [{"url": "https://carte-grise.example/", "kind": "landing"}]
    assert fc["status_change"] == "FranceConnect : FranceConnect → absent"
    assert api.get(fc["evidence"]).headers["content-type"] == "image/png"
    assert [i["check"] for i in api.get("/api/incidents?status=open").json()["items"]] == ["jedonnemonavis"]
    assert api.get("/api/incidents?ministry=sante").json()["total"] == 0
    page = api.get("/incidents?statut=closed").text
    assert "FranceConnect : FranceConnect → absent" in page and "JeDonneMonAvis : présent" not in page


@pytest.fixture
def decided(api, database_url, env_data_dir, monkeypatch):
    """Three proposals, one of each status, decided with notes; the CLI pointed at the API's database."""
    from storage.proposals import ProposalForm, accept, reject, submit

    monkeypatch.setenv("VEILLEUR_DATABASE_URL", database_url)
    form = {"ministry_id": "interieur", "criterion": "pnu", "reason": "Une démarche très demandée par les familles."}
    with api.db.sessions() as session:
        waiting = submit(session, ProposalForm(name="En attente", url="https://attente.example/", **form)).id
        kept = submit(session, ProposalForm(name="Retenue", url="https://193.51.24.10/", **form)).id
        dropped = submit(session, ProposalForm(name="Écartée", url="https://pub.example/", **form)).id
        accept(session, kept, resolver=lambda host: ["193.51.24.10"], note="vérifiée")
        reject(session, dropped, "hors périmètre")
    return {"pending": [waiting], "accepted": [kept], "rejected": [dropped], "all": [waiting, kept, dropped]}


def _cli_ids(*args: str) -> list[int]:
    from click.testing import CliRunner

    from veilleur.cli import cli

    result = CliRunner().invoke(cli, ["proposals", "list", *args])
    assert result.exit_code == 0, result.output
    return [int(n) for n in re.findall(r"^n° (\d+) ", result.output, flags=re.MULTILINE)]


@pytest.mark.parametrize("status", ["pending", "accepted", "rejected", "all"])
def test_the_api_and_the_cli_list_proposals_by_the_same_statuses(api, decided, status):
    served = api.get(f"/api/proposals?status={status}", headers=OPERATOR)
    assert served.status_code == 200, served.text
    assert [p["id"] for p in served.json()["items"]] == decided[status] == _cli_ids("--status", status)


def test_the_api_and_the_cli_list_pending_proposals_by_default_and_refuse_the_same_unknown_status(api, decided):
    from click.testing import CliRunner

    from veilleur.cli import cli

    assert [p["id"] for p in api.get("/api/proposals", headers=OPERATOR).json()["items"]] == decided["pending"]
    assert _cli_ids() == decided["pending"]
    wrong = api.get("/api/proposals?status=refused", headers=OPERATOR)
    assert wrong.status_code == 422 and "query.status" in wrong.json()["detail"]
    assert CliRunner().invoke(cli, ["proposals", "list", "--status", "refused"]).exit_code == 2


def test_proposal_items_carry_the_moderation_note(api, decided):
    items = {p["id"]: p for p in api.get("/api/proposals?status=all", headers=OPERATOR).json()["items"]}
    [waiting], [kept], [dropped] = decided["pending"], decided["accepted"], decided["rejected"]
    assert items[kept]["decision_note"] == "vérifiée" and items[kept]["service_id"] == "retenue"
    assert items[dropped]["decision_note"] == "hors périmètre" and items[dropped]["decided_at"].endswith("Z")
    assert items[waiting]["decision_note"] is None
