"""A new check is one module of `checks/`: registered there, it shows in `veilleur probe --json`,
`veilleur run`'s summary, the static report, the dashboard, the evidence bundle and the alert
e-mails, with no other file edited (the promise of docs/architecture.md)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from typing import ClassVar

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import checks
from checks.readings.coverage import landing_unknown
from checks.models import Evidence, Finding
from foundation.tones import Tone
from probes.models import ServiceCapture
from reports.alerts.digests import check_label
from reports.evidence.bundle import choose_run, export_bundle
from reports.site.html_report import write_report
from reports.web.app import create_app
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.registry import import_registry
from tests.conftest import FAST
from tests.webserver import LocalSite, html
from veilleur.campaign_console import run_from_cli
from veilleur.cli import cli


# The throwaway check, written as a check module would be: its finding with its presentation, and
# its decision on a capture.
class PageTitleFinding(Finding):
    check: ClassVar[str] = "page_title"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")
    label: ClassVar[str] = "Titre de la page d’accueil"
    short_label: ClassVar[str] = "titre"
    tones: ClassVar[Mapping[str, Tone]] = {"present": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 1000

    title: str | None = None

    def headline(self) -> str:
        return f"« {self.title} »" if self.title else ""


def check(capture: ServiceCapture) -> PageTitleFinding:
    if unknown := landing_unknown(capture, PageTitleFinding):
        return unknown
    title = capture.pages[0].title
    if not title:
        return PageTitleFinding(status="absent", evidence=[Evidence(page_url=capture.pages[0].url, note="no <title>")])
    return PageTitleFinding(status="present", title=title, evidence=[Evidence(page_url=capture.pages[0].url, excerpt=title)])


PAGE = "<!doctype html><html lang='fr'><head><title>Allocation témoin</title></head><body><main><h1>Bienvenue</h1></main></body></html>"


@pytest.fixture
def page_title_check():
    checks.register(PageTitleFinding, check)
    yield
    checks.unregister("page_title")


@pytest.fixture(scope="module")
def site():
    with LocalSite({"/": html(PAGE)}) as served:
        yield served


def test_the_registry_finds_every_check_module_of_the_package():
    assert checks.check_ids() == ("franceconnect", "jedonnemonavis", "non_digital_alternative", "accessibility",
                                  "accessibility_statement", "readability", "online_procedure", "dlnuf", "mobile")
    for check_id, registered in checks.CHECKS.items():
        finding = registered.finding
        assert finding.check == check_id and finding.label and finding.short_label
        assert set(finding.tones) <= set(finding.statuses)


def test_a_registered_check_takes_its_place_and_leaves_when_unregistered(page_title_check):
    assert checks.check_ids()[-1] == "page_title"
    assert checks.finding_type("page_title") is PageTitleFinding
    checks.unregister("page_title")
    assert "page_title" not in checks.check_ids()
    checks.register(PageTitleFinding, check)


def test_a_new_check_shows_in_probe_json(page_title_check, site, monkeypatch):
    monkeypatch.setenv("VEILLEUR_PAGE_TIMEOUT", "5")
    result = CliRunner().invoke(cli, ["probe", site.url("/"), "--json", "--max-pages", "0"], catch_exceptions=False)
    document = json.loads(result.output)
    assert list(document["checks"])[-1] == "page_title"
    assert document["checks"]["page_title"]["status"] == "present"
    assert document["checks"]["page_title"]["title"] == "Allocation témoin"


def test_a_new_check_shows_in_the_run_summary_report_dashboard_bundle_and_mail(page_title_check, site, tmp_path,
                                                                             capsys):
    db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    store = EvidenceStore(tmp_path / "evidence")
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "ministries:\n  - {id: essai, name: Ministère de l’Essai}\n"
        f"services:\n  - {{id: temoin, name: Allocation témoin, ministry: essai, url: '{site.url('/')}'}}\n",
        encoding="utf-8")
    with db.sessions() as session:
        import_registry(session, registry)

    summary = run_from_cli([], [], False, replace(FAST, max_key_pages=0), trigger="manual", db=db, store=store)
    assert summary.results[0].statuses["page_title"] == "present"
    shown = capsys.readouterr()
    assert "titre" in shown.out + shown.err  # the summary table's column, from the check's short label
    # its status, with its headline beside it (the cell may wrap in a table of ten checks)
    assert "présent (« Allocation" in shown.out and "témoin »)" in shown.out

    with db.sessions() as session:
        index = write_report(session, store, tmp_path / "rapport")
    report = index.read_text(encoding="utf-8")
    assert "Titre de la page d’accueil" in report and "« Allocation témoin »" in report
    service_page = (tmp_path / "rapport" / "services" / "temoin.html").read_text(encoding="utf-8")
    assert "Titre de la page d’accueil" in service_page

    dashboard = TestClient(create_app(db, store)).get("/services/temoin")
    assert dashboard.status_code == 200
    assert "Titre de la page d’accueil" in dashboard.text

    with db.sessions() as session:
        export_bundle(session, store, choose_run(session, "temoin"), tmp_path / "preuves.zip")
    with zipfile.ZipFile(tmp_path / "preuves.zip") as opened:
        assert "Titre de la page d’accueil" in opened.read("index.html").decode("utf-8")

    assert check_label("page_title") == "Titre de la page d’accueil"
    db.close()
