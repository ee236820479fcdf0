"""The demo, end to end: bundled sites → registry → campaign → report where every status shows,
and every screen made from its data — report, dashboard, alert e-mail, evidence bundle — written
in French (read as text, and seen in the real browser)."""

from __future__ import annotations

import contextlib
import email
import email.policy
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks import finding_types
from foundation import vocabulary
from tests.support.french_text import all_problems, visible_text


@dataclass
class Demo:
    data: Path  # the demo's own data dir
    report: Path  # the static report's folder
    index: Path
    stderr: str

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.data / 'veilleur.db'}"

    def mails(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted((self.data / "outbox").glob("*.eml"))]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    from veilleur.demo.run import run_demo
    from veilleur.settings import read_settings

    tmp = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VEILLEUR_DATA_DIR", str(tmp / "data"))
        env.delenv("VEILLEUR_DATABASE_URL", raising=False)
        env.delenv("VEILLEUR_PUBLIC_URL", raising=False)
        env.setenv("VEILLEUR_PAGE_TIMEOUT", "8")
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            index = run_demo(tmp / "report", read_settings())
        # The commands of the tests below read the demo's data, as its last line tells a person to.
        env.setenv("VEILLEUR_DATA_DIR", str(tmp / "data" / "demo"))
        yield Demo(data=tmp / "data" / "demo", report=tmp / "report", index=index, stderr=err.getvalue())


@pytest.fixture(scope="module")
def dashboard(demo):
    from fastapi.testclient import TestClient

    from reports.web.app import create_app
    from storage.db import open_database
    from storage.evidence.store import EvidenceStore

    db = open_database(demo.database_url)
    try:
        yield db, TestClient(create_app(db, EvidenceStore(demo.data / "evidence")))
    finally:
        db.close()


def _findings(demo: Demo) -> tuple[dict, list]:
    from sqlalchemy import create_engine, text

    engine = create_engine(demo.database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("select r.service_id, f.check_id, f.status from findings f join service_runs r "
                                 "on r.id = f.service_run_id where r.campaign_id = 1")).all()
        incidents = conn.execute(text("select service_id, check_id, status from incidents")).all()
    engine.dispose()
    return {(sid, check): status for sid, check, status in rows}, [tuple(i) for i in incidents]


def _expected() -> dict:
    from veilleur.demo.server import serve_sites

    with serve_sites() as sites:
        return {(site.id, check): status for site in sites.sites for check, status in site.config.expected.items()}


def test_demo_report_shows_every_status_of_every_check_as_expected(demo):
    last_line = demo.stderr.strip().splitlines()[-1]
    assert last_line == (f"Tableau de bord : VEILLEUR_DATA_DIR={demo.data.resolve()} veilleur serve "
                         "--host 127.0.0.1 --port 8000 → http://127.0.0.1:8000/")
    found, incidents = _findings(demo)
    expected = _expected()
    mismatches = {key: (found.get(key), status) for key, status in expected.items() if found.get(key) != status}
    assert mismatches == {}
    report = demo.index.read_text(encoding="utf-8")
    for check, cls in finding_types().items():
        for status in cls.statuses:
            assert (check, status) in {(c, s) for (_, c), s in found.items()}
            # shown in its French word, never as its code
            assert f'">{vocabulary.status(status)}</span>' in report
    # the played regression: confirmed by the two later campaigns, and its digest is in the outbox
    assert incidents == [("carte-grise", "franceconnect", "open")]
    [digest] = demo.mails()
    assert "Le bouton FranceConnect a disparu" in digest.get_body(preferencelist=("plain",)).get_content()
    assert "qualite" in digest["To"] or "@" in digest["To"]
    service_pages = list((demo.report / "services").glob("*.html"))
    assert len(service_pages) == len({sid for sid, _ in expected})
    assert list((demo.report / "evidence").glob("*.jpg"))  # screenshots copied next to the report


def test_every_indicator_reads_the_same_on_every_screen(demo, dashboard):
    from reports.observatory.indicators import latest_quarter
    from tests.test_one_truth import assert_one_truth

    db, client = dashboard
    with db.sessions() as session:
        quarter = latest_quarter(session)
    expected = _expected()
    services = sorted({sid for sid, _ in expected})
    ministries = sorted({m["id"] for m in _registry(demo)["ministries"]})
    shown = assert_one_truth(db, client, demo.report, CliRunner(), services, ministries, quarter)
    assert shown["carte-grise"]["readability"][1].endswith("/10")


def test_carte_grise_losing_its_franceconnect_button_reads_non_everywhere_from_the_latest_run(demo, dashboard):
    """The played regression stands for the quarter: the latest full visit of carte-grise (which kept
    the audit of its unchanged pages) wins over the first one (which audited every page)."""
    from reports.observatory.indicators import latest_quarter
    from storage.reference_runs import reference_runs
    from storage.schema import ServiceRun
    from tests.test_one_truth import assert_one_truth
    from veilleur.cli import cli

    db, client = dashboard
    with db.sessions() as session:
        quarter = latest_quarter(session)
        latest = max(session.query(ServiceRun.id).filter(ServiceRun.service_id == "carte-grise").all())[0]
        reference = reference_runs(session, quarter)["carte-grise"]
        assert any(page.audit_run_id is not None for page in reference.run.pages)
    assert reference.run.id == latest
    ministries = sorted({m["id"] for m in _registry(demo)["ministries"]})
    # dashboard (overview, ministry, service page), static report, API, CSV and JSON exports
    shown = assert_one_truth(db, client, demo.report, CliRunner(), ["carte-grise"], ministries, quarter)
    assert shown["carte-grise"]["authentication"] == ("Non", "")
    objectives = CliRunner().invoke(cli, ["objectives"], env={"VEILLEUR_DATA_DIR": str(demo.data)})
    assert objectives.exit_code == 0, objectives.output
    assert "carte-grise (interieur) : constat : Non" in objectives.output
    report = (demo.report / "indicateurs" / "carte-grise.html").read_text(encoding="utf-8")
    assert "FranceConnect" not in report.split('id="authentication"', 1)[1].split("</h2>", 1)[0]


def test_the_demo_sites_served_alike_on_loopback_all_answer_in_optimal_time(demo, dashboard):
    """Load time is the address's HTTP response time, not our browser's load event: the demo's
    sites served alike from loopback are all green (Optimal), whatever our CPU was doing; the one
    told to wait 2.5 s before answering is red (Faible), the one answering 500 has no figure."""
    from reports.observatory import levels
    from reports.observatory.indicators import latest_quarter, quarter_indicators
    from veilleur.demo.server import Behaviour, serve_sites

    with serve_sites() as sites:
        behaviours = {site.id: site.config.behaviour for site in sites.sites}
    db, _ = dashboard
    with db.sessions() as session:
        load = {s.service_id: s.get("load_time") for s in quarter_indicators(session, latest_quarter(session))}
    alike = [sid for sid, behaviour in behaviours.items() if behaviour == Behaviour()]
    assert len(alike) >= 12
    assert {sid: load[sid].level for sid in alike if load[sid].level != levels.OPTIMAL} == {}
    assert all(load[sid].count and load[sid].value < 400 for sid in alike)
    assert load["adaptation-logement"].level == levels.WEAK and load["adaptation-logement"].value >= 2500
    assert load["cheque-energie"].level == levels.TO_COME
    # The report shows each visit's response time by phase; the browser's load stays a page's detail.
    page = (demo.report / "indicateurs" / "carte-grise.html").read_text(encoding="utf-8")
    section = page.split('id="load_time"', 1)[1].split("</section>", 1)[0]
    assert "réponse HTTP de l’adresse en" in section and "premier octet" in section


def _registry(demo: Demo) -> dict:
    import yaml

    return yaml.safe_load((demo.data / "registry.yaml").read_text(encoding="utf-8"))


def _dashboard_paths(demo: Demo, client) -> list[str]:
    registry = _registry(demo)
    paths = ["/", "/objectifs", "/accessibilite", "/proposer", "/cle-publique", "/incidents"]
    paths += [f"/ministeres/{m['id']}" for m in registry["ministries"]]
    return paths + [f"/services/{s['id']}" for s in registry["services"]]


def _bundle(demo: Demo, tmp_path: Path) -> str:
    from veilleur.cli import cli

    out = tmp_path / "preuves.zip"
    result = CliRunner().invoke(cli, ["evidence", "export", "--service", "carte-grise", "--out", str(out)],
                                env={"VEILLEUR_DATA_DIR": str(demo.data)})
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as bundle:
        [index] = [n for n in bundle.namelist() if n.endswith("index.html")]
        return bundle.read(index).decode("utf-8")


def test_every_screen_made_from_the_demo_speaks_french_without_codes(demo, dashboard, tmp_path):
    _, client = dashboard
    screens: list[tuple[str, str]] = []
    for page in sorted(demo.report.rglob("*.html")):
        screens.append((f"rapport {page.relative_to(demo.report)}", visible_text(page.read_text(encoding="utf-8"))))
    for path in _dashboard_paths(demo, client):
        response = client.get(path)
        assert response.status_code == 200, path
        screens.append((f"tableau de bord {path}", visible_text(response.text)))
    [mail] = demo.mails()
    screens.append(("e-mail (texte)", mail.get_body(preferencelist=("plain",)).get_content()))
    screens.append(("e-mail (HTML)", visible_text(mail.get_body(preferencelist=("html",)).get_content())))
    screens.append(("dossier de preuves", visible_text(_bundle(demo, tmp_path))))

    assert len(screens) > 40
    assert all_problems(screens) == {}


def test_screenshots_of_each_screen_in_the_real_browser(demo, dashboard, tmp_path):
    """Report, dashboard, e-mail and bundle as a reader sees them at 1,280 px; kept in
    VEILLEUR_SCREENSHOTS (when set) for a person to look at. In the browser too, the text a
    reader can see holds nothing that is not French."""
    from playwright.sync_api import sync_playwright

    from probes.chromium import find_chromium, launch_args
    from reports.web.app import create_app
    from storage.evidence.store import EvidenceStore
    from tests.support.french_text import problems
    from tests.support.web_site import LiveServer

    db, _ = dashboard
    shots = Path(os.environ.get("VEILLEUR_SCREENSHOTS") or tmp_path / "captures")
    shots.mkdir(parents=True, exist_ok=True)
    [mail] = demo.mails()
    (tmp_path / "e-mail.html").write_text(mail.get_body(preferencelist=("html",)).get_content(), encoding="utf-8")
    (tmp_path / "dossier.html").write_text(_bundle(demo, tmp_path), encoding="utf-8")
    # Text a reader sees: rendered, not hidden, outside code and captured markup.
    read_text = """() => {
      const skip = 'script,style,code,pre,kbd,samp,template,noscript';
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const parts = [];
      while (walker.nextNode()) {
        const el = walker.currentNode.parentElement;
        if (!el || el.closest(skip) || !el.checkVisibility()) continue;
        parts.push(walker.currentNode.textContent);
      }
      return parts.join(' ');
    }"""
    app = create_app(db, EvidenceStore(demo.data / "evidence"))
    with LiveServer(app) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=launch_args())
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        screens = {
            "rapport-accueil": demo.index.as_uri(),
            "rapport-service": (demo.report / "services" / "carte-grise.html").as_uri(),
            "rapport-indicateurs": (demo.report / "indicateurs.html").as_uri(),
            "tableau-de-bord": server.url + "/",
            "tableau-de-bord-service": server.url + "/services/carte-grise",
            "tableau-de-bord-incidents": server.url + "/incidents",
            "e-mail": (tmp_path / "e-mail.html").as_uri(),
            "dossier-de-preuves": (tmp_path / "dossier.html").as_uri(),
        }
        seen = {}
        for name, url in screens.items():
            page.goto(url)
            page.screenshot(path=shots / f"{name}.png", full_page=True)
            seen[name] = problems(" ".join(page.evaluate(read_text).split()))
        browser.close()
    assert {name: p for name, p in seen.items() if p} == {}
    assert all((shots / f"{name}.png").stat().st_size > 10_000 for name in screens)


def test_the_commands_bundles_and_e_mails_use_the_glossarys_words(demo, tmp_path):
    """The screen-reading test on what the operators read: the output of `run` (the demo's
    campaigns), `objectives`, `mail list`, `verify`, `registry import`, an evidence bundle and the
    alert e-mail — French, no raw identifier, and the glossary's words: « démarche », never
    "service(s)"; « 4e trimestre 2026 », never `2026Q4`; Paris time, never UTC."""
    from tests.support.french_text import TYPED, all_glossary_problems
    from veilleur.cli import cli

    env = {"VEILLEUR_DATA_DIR": str(demo.data), "VEILLEUR_DATABASE_URL": "", "COLUMNS": "250"}
    runner = CliRunner()
    outputs = [("veilleur run (démonstration)", demo.stderr)]
    for args in (["objectives"], ["mail", "list"], ["verify"],
                 ["registry", "import", str(demo.data / "registry.yaml"), "--dry-run"],
                 ["registry", "import", str(demo.data / "registry.yaml")]):
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 0, (args, result.output)
        outputs.append((f"veilleur {' '.join(args[:2])}", result.output))
    [mail] = demo.mails()
    outputs.append(("e-mail (texte)", mail.get_body(preferencelist=("plain",)).get_content()))
    outputs.append(("e-mail (HTML)", visible_text(mail.get_body(preferencelist=("html",)).get_content())))
    outputs.append(("dossier de preuves", visible_text(_bundle(demo, tmp_path))))
    # File names and paths are data; what a person types is a command.
    readable = [(name, TYPED.sub(" ", text.replace(str(demo.data.resolve()), " ").replace(str(demo.data), " ")))
                for name, text in outputs]
    assert all_problems(readable) == {}
    assert all_glossary_problems(readable) == {}
