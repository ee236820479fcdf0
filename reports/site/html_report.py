"""The static HTML report: services × checks, and one page per service with its evidence."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from checks.models import CHECK_IDS, FINDING_TYPES, Finding, finding_from_stored
from storage.evidence.store import EvidenceStore
from storage.schema_models import ServiceRun
from storage.registry import service_eligibility
from storage.runs import latest_runs
from foundation import __version__

CHECK_LABELS = {
    "franceconnect": "FranceConnect",
    "jedonnemonavis": "JeDonneMonAvis",
    "non_digital_alternative": "Alternative non numérique",
    "accessibility": "Accessibilité (axe-core)",
    "accessibility_statement": "Déclaration d’accessibilité",
    "readability": "Clarté du langage",
}

TONE = {
    "franceconnect": "good", "franceconnect_plus": "good", "present": "good", "totalement": "good",
    "measured": "info", "partiellement": "warn", "non": "bad", "absent": "bad", "unknown": "unknown",
}

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/json": ".json", "text/html; charset=utf-8": ".html.txt"}


@dataclass
class ServiceView:
    run: ServiceRun
    findings: dict[str, Finding]
    eligibility: str

    @property
    def slug(self) -> str:
        return self.run.service_id


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("reports.site", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(CHECK_IDS=CHECK_IDS, CHECK_LABELS=CHECK_LABELS, TONE=TONE)
    return env


def headline(check: str, finding: Finding) -> str:
    """A short figure to show beside a status in the table."""
    d = finding.details()
    if check == "accessibility" and d.get("violations") is not None:
        return f"{d['violations']} violations"
    if check == "accessibility_statement" and d.get("rate") is not None:
        return f"{d['rate']:g} %".replace(".", ",")
    if check == "readability" and d.get("score") is not None:
        return f"{d['score']:g}/10".replace(".", ",")
    if check == "jedonnemonavis" and d.get("demarche_id"):
        return f"démarche {d['demarche_id']}"
    return ""


def _copy_artifact(store: EvidenceStore, sha: str | None, media_type: str, assets: Path) -> str | None:
    if not sha or not store.exists(sha):
        return None
    name = sha + EXTENSIONS.get(media_type, "")
    target = assets / name
    if not target.exists():
        shutil.copyfile(store.path(sha), target)
    return f"evidence/{name}"


def write_report(session: Session, store: EvidenceStore, out_dir: Path, campaign_id: int | None = None) -> Path:
    out_dir = Path(out_dir)
    assets = out_dir / "evidence"
    (out_dir / "services").mkdir(parents=True, exist_ok=True)
    assets.mkdir(parents=True, exist_ok=True)
    env = _environment()
    env.globals["headline"] = headline
    views: list[ServiceView] = []
    for run in latest_runs(session, campaign_id):
        findings = {
            f.check: finding_from_stored(f.check, f.status, f.reason, f.details, f.evidence)
            for f in run.findings if f.check in FINDING_TYPES
        }
        views.append(ServiceView(run, findings, service_eligibility(run.service).summary()))
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    for view in views:
        pages = [
            {
                "record": page,
                "screenshot": _copy_artifact(store, page.screenshot_sha, "image/jpeg", assets),
                "dom": _copy_artifact(store, page.dom_sha, "text/html; charset=utf-8", assets),
                "axe": _copy_artifact(store, page.axe_sha, "application/json", assets),
            }
            for page in view.run.pages
        ]
        html = env.get_template("service.html").render(view=view, pages=pages, generated=generated, version=__version__)
        (out_dir / "services" / f"{view.slug}.html").write_text(html, encoding="utf-8")
    counts = {
        check: {status: sum(1 for v in views if check in v.findings and v.findings[check].status == status)
                for status in FINDING_TYPES[check].statuses}
        for check in CHECK_IDS
    }
    index = out_dir / "index.html"
    index.write_text(
        env.get_template("index.html").render(views=views, counts=counts, generated=generated, version=__version__),
        encoding="utf-8",
    )
    # Indicators, objectives and progress (reports/indicator_pages.py), linked from the index.
    from reports.site.indicator_pages import write_indicator_pages

    write_indicator_pages(session, store, out_dir, env, generated, __version__, campaign_id)
    return index
