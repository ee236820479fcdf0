"""The indicator pages of `veilleur report --out DIR`: the quarter's indicator table with its bar
charts, one evidence page per service, the objectives page and the progress page with its chart
(progression.svg: lines from two quarters on, bars before).

The quarter shown is the one of the latest completed run (of the campaign reported, if one was
asked); the objectives are judged at the end of that quarter, or today if the quarter is not over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from jinja2 import Environment
from sqlalchemy.orm import Session

from checks import finding_from_stored, finding_types
from checks.models import Finding
from reports.observatory.indicators import INDICATORS, Indicator, latest_quarter, quarter_indicators
from reports.observatory.level_bars import QuarterLevels
from reports.observatory.objectives import objectives_at
from reports.observatory.progress import compare, objective_history, observed_quarters
from reports.observatory.progress_chart import progress_svg
from reports.site.assets import copy_artifact
from reports.tones import STATIC_BADGE as BADGE
from storage.evidence.store import EvidenceStore
from storage.schema import FindingRecord, PageRecord, ServiceRun


@dataclass(frozen=True)
class PageEvidence:
    record: PageRecord
    screenshot: str | None  # path relative to the report root
    dom: str | None


@dataclass(frozen=True)
class IndicatorEvidence:
    indicator: Indicator
    runs: list[ServiceRun]
    findings: list[tuple[FindingRecord, Finding | None]]  # stored record, and the typed finding rebuilt from it
    pages: list[PageEvidence]


def _evidence(session: Session, store: EvidenceStore, assets: Path, indicator: Indicator) -> IndicatorEvidence:
    ids = indicator.evidence
    runs = [session.get(ServiceRun, run_id) for run_id in ids.runs]
    findings = []
    for finding_id in ids.findings:
        record = session.get(FindingRecord, finding_id)
        typed = (finding_from_stored(record.check, record.status, record.reason, record.details, record.evidence)
                 if record.check in finding_types() else None)
        findings.append((record, typed))
    pages = []
    for page_id in ids.pages:
        page = session.get(PageRecord, page_id)
        pages.append(PageEvidence(
            page,
            copy_artifact(store, page.screenshot_sha, "image/jpeg", assets),
            copy_artifact(store, page.dom_sha, "text/html; charset=utf-8", assets),
        ))
    return IndicatorEvidence(indicator, [r for r in runs if r is not None], findings, pages)


def write_indicator_pages(
    session: Session, store: EvidenceStore, out_dir: Path, env: Environment, generated: str, version: str,
    campaign_id: int | None = None,
) -> Path:
    quarter = latest_quarter(session, campaign_id)
    env.globals.update(BADGE=BADGE, INDICATORS=INDICATORS)
    common = {"generated": generated, "version": version, "quarter": quarter}
    states = quarter_indicators(session, quarter)
    previous = quarter_indicators(session, quarter.previous())

    (out_dir / "indicateurs").mkdir(parents=True, exist_ok=True)
    assets = out_dir / "evidence"
    assets.mkdir(parents=True, exist_ok=True)
    for state in states:
        evidence = [_evidence(session, store, assets, i) for i in state.indicators]
        (out_dir / "indicateurs" / f"{state.service_id}.html").write_text(
            env.get_template("indicators/service.html").render(state=state, evidence=evidence, **common), encoding="utf-8")
    table = out_dir / "indicateurs.html"
    levels = QuarterLevels(quarter, tuple(states))
    table.write_text(env.get_template("indicators/table.html").render(states=states, levels=levels, **common),
                     encoding="utf-8")

    today = datetime.now(timezone.utc).date()
    day = min(today, (quarter.end - timedelta(days=1)).date())
    objectives = objectives_at(session, day)
    (out_dir / "objectifs.html").write_text(
        env.get_template("indicators/objectives.html").render(report=objectives, **common), encoding="utf-8")

    history = objective_history(session, observed_quarters(session, last=quarter))
    (out_dir / "progression.svg").write_text(progress_svg(history), encoding="utf-8")
    progress = compare(states, previous, quarter)
    (out_dir / "progression.html").write_text(
        env.get_template("indicators/progress.html").render(history=history, progress=progress, **common),
        encoding="utf-8")
    return table
