"""The static HTML report: services × checks, and one page per service with its evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from checks import check_ids, finding_from_stored, finding_types
from checks.models import Finding
from foundation import __version__, formatting
from foundation.errors import InputError
from reports.site.assets import copy_artifact
from reports.site.indicator_pages import write_indicator_pages
from reports.tones import STATIC_BADGE
from storage.evidence.manifests import chain_indexes
from storage.evidence.store import EvidenceStore
from storage.registry import service_eligibility
from storage.runs import latest_runs
from storage.schema import Campaign, ServiceRun


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
    # The checks as registered now (each carries its label and tones), read at each report.
    env.globals.update(FINDINGS=finding_types(), BADGE=STATIC_BADGE)
    formatting.register(env)
    return env


def report_campaign(session: Session, campaign_id: int) -> Campaign:
    """The campaign a report is asked for; InputError if there is none, or nothing to report in it."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise InputError(f"--campaign {campaign_id} : aucune campagne de ce numéro")
    if campaign.kind != "full":
        raise InputError(f"--campaign {campaign_id} : une vérification de disponibilité (pages d’accueil seules, "
                         "sans constat) : rien à mettre au rapport")
    return campaign


def write_report(session: Session, store: EvidenceStore, out_dir: Path, campaign_id: int | None = None) -> Path:
    if campaign_id is not None:
        report_campaign(session, campaign_id)  # before anything is written
    out_dir = Path(out_dir)
    assets = out_dir / "evidence"
    (out_dir / "services").mkdir(parents=True, exist_ok=True)
    assets.mkdir(parents=True, exist_ok=True)
    env = _environment()
    views: list[ServiceView] = []
    for run in latest_runs(session, campaign_id):
        findings = {
            f.check: finding_from_stored(f.check, f.status, f.reason, f.details, f.evidence)
            for f in run.findings if f.check in finding_types()
        }
        views.append(ServiceView(run, findings, service_eligibility(run.service).summary()))
    generated = formatting.date_time(datetime.now(timezone.utc))
    for view in views:
        visits = chain_indexes(session, {p.audit_run_id for p in view.run.pages if p.audit_run_id is not None})
        pages = [
            {
                "record": page,
                "unchanged_since": visits.get(page.audit_run_id),
                "screenshot": copy_artifact(store, page.screenshot_sha, "image/jpeg", assets),
                "dom": copy_artifact(store, page.dom_sha, "text/html; charset=utf-8", assets),
                "axe": copy_artifact(store, page.axe_sha, "application/json", assets),
            }
            for page in view.run.pages
        ]
        html = env.get_template("service.html").render(view=view, pages=pages, generated=generated, version=__version__)
        (out_dir / "services" / f"{view.slug}.html").write_text(html, encoding="utf-8")
    counts = {
        check: {status: sum(1 for v in views if check in v.findings and v.findings[check].status == status)
                for status in finding_types()[check].statuses}
        for check in check_ids()
    }
    index = out_dir / "index.html"
    index.write_text(
        env.get_template("index.html").render(views=views, counts=counts, generated=generated, version=__version__),
        encoding="utf-8",
    )
    # Indicators, objectives and progress, linked from the index.
    write_indicator_pages(session, store, out_dir, env, generated, __version__, campaign_id)
    return index
