"""A new check is one module of `checks/`: registered there, it shows in `veilleur probe --json`,
`veilleur run`'s summary, the static report, the dashboard, the evidence bundle and the alert
e-mails, feeds its own indicator (dashboard, report, exports) and raises incidents with its own
advice, with no other file edited (the promise of docs/architecture.md). And `reports/` names no
check: it loops over the registry."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import checks
from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import landing_unknown
from foundation.grid import NO, UNKNOWN, YES, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import ServiceCapture
from reports.alerts.digests import check_label
from reports.evidence.bundle import choose_run, export_bundle
from reports.observatory.exports import write_csv
from reports.observatory.indicators import latest_quarter, quarter_indicators
from reports.site.html_report import write_report
from reports.web.app import create_app
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.registry import import_registry
from tests.conftest import FAST
from tests.support.smtp_server import smtp_server  # noqa: F401  (fixture)
from tests.reports.alerts.test_alerts import Fleet
from tests.support.webserver import LocalSite, html
from veilleur.campaign_console import run_from_cli
from veilleur.cli import cli


# The throwaway check, written as a check module would be: the indicator it feeds and its level on
# the observatory's grid, its finding with its presentation and its meaning (order of statuses,
# regression rule, advice, where its element is), and its decision on a capture.
TITLED = IndicatorSpec("titled", "Page d’accueil titrée", "probe (page_title check)",
                       "status of the page_title check: present, absent, unknown")


def titled_level(status: str | None) -> Level:
    return {"present": YES, "absent": NO}.get(status or "", UNKNOWN)


def _titled(finding: PageTitleFinding, visit: Visit) -> Reading:
    return Reading(titled_level(finding.status), finding.status, finding.title or finding.reason)


class PageTitleFinding(Finding):
    check: ClassVar[str] = "page_title"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")
    label: ClassVar[str] = "Titre de la page d’accueil"
    short_label: ClassVar[str] = "titre"
    tones: ClassVar[Mapping[str, Tone]] = {"present": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 1000
    order: ClassVar[tuple[str, ...]] = ("absent", "present")
    watched: ClassVar[bool] = True
    located_on: ClassVar[str | None] = "landing"
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(TITLED, _titled),)

    title: str | None = None

    def headline(self) -> str:
        return f"« {self.title} »" if self.title else ""

    def regression(self, before: Finding) -> str:
        return "La page d’accueil a perdu son titre"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        return (f"Redonnez un élément <title> à la page {where} : c’est le nom que lit un lecteur d’écran.",)


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
        # Its meaning is its own: the order of its statuses, the page its element is on, its indicators.
        assert set(finding.order) <= set(finding.statuses) and "unknown" not in finding.order
        assert finding.located_on in (None, "landing", "login", "contact", "accessibility", "other")
        assert not finding.tolerant or finding.watched
    keys = [feed.spec.key for _, feed in checks.indicator_feeds()]
    assert len(keys) == len(set(keys))
    assert [check_id for check_id, _ in checks.indicator_feeds()] == [
        "franceconnect", "accessibility_statement", "accessibility", "jedonnemonavis", "readability",
        "non_digital_alternative", "mobile", "online_procedure", "dlnuf"]
    assert [f.check for f in checks.watched_checks()] == [
        "franceconnect", "jedonnemonavis", "non_digital_alternative", "accessibility", "accessibility_statement"]


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


UNTITLED = PAGE.replace("<title>Allocation témoin</title>", "")


def test_a_new_check_feeds_its_own_indicator_and_raises_incidents_with_its_own_advice(page_title_check, tmp_path,
                                                                                   smtp_server, monkeypatch):
    monkeypatch.setenv("VEILLEUR_SMTP_URL", smtp_server.url())
    fleet = Fleet(tmp_path, 1)
    try:
        fleet.serve("svc0", PAGE)
        fleet.campaign()                    # titled
        fleet.serve("svc0", UNTITLED)
        fleet.campaign()
        fleet.campaign()                    # untitled twice: the regression is confirmed

        [incident] = [i for i in fleet.incidents() if i.check_id == "page_title"]
        assert (incident.status, incident.change) == ("open", "La page d’accueil a perdu son titre")
        [mail] = smtp_server.wait_for(1)
        text = mail.message().get_body(preferencelist=("plain",)).get_content()
        assert "Titre de la page d’accueil : présent → absent" in text
        assert "Redonnez un élément <title> à la page sur la page « accueil »" in text

        with fleet.db.sessions() as session:
            quarter = latest_quarter(session)
            [state] = quarter_indicators(session, quarter)
            titled = state.get("titled")
            assert (titled.level, titled.value, titled.source) == (NO, "absent", "sonde")
            assert [i.key for i in state.indicators][-1] == "titled"  # its place: position 1000, after the others
            exported = io.StringIO()
            write_csv([state], exported)
            row = next(csv.DictReader(io.StringIO(exported.getvalue())))
            assert (row["titled_level"], row["titled_value"]) == ("non", "absent")
            write_report(session, fleet.store, tmp_path / "rapport")
        table = (tmp_path / "rapport" / "indicateurs.html").read_text(encoding="utf-8")
        assert "Page d’accueil titrée" in table

        dashboard = TestClient(create_app(fleet.db, fleet.store))
        page = dashboard.get("/services/svc0")
        assert page.status_code == 200 and "Page d’accueil titrée" in page.text
        [served] = dashboard.get("/api/indicators").json()["items"]
        assert "titled" in str(served)
    finally:
        fleet.close()


def test_reports_name_no_check_but_loop_over_the_registry():
    """`if check == …` on a check's name, or a comparison with a registered check's id, would be a
    check's meaning written outside its module."""
    names = "|".join(checks.check_ids())
    compared = re.compile(rf"""(==|!=)\s*["']({names})["']|["']({names})["']\s*(==|!=)""")
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "reports").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if compared.search(line) or (re.search(r"\bif check(_id)? ==", line) and "AVAILABILITY" not in line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
