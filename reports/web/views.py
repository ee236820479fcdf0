"""What the dashboard's pages show, read from the database with the same functions as the CLI and
the exports (quarter_indicators, compare, objectives_at, objective_history), so that the figures
are the same wherever one looks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from checks import finding_from_stored, indicator_feeds
from checks.models import Feed, Visit
from foundation.errors import InputError
from foundation.quarters import Quarter
from foundation.times import as_utc
from reports.alerts.incident_list import IncidentEntry, entries, incidents_query
from reports.observatory.indicators import INDICATORS, ServiceIndicators, latest_quarter, quarter_indicators
from reports.observatory.level_bars import QuarterLevels
from reports.observatory.progress import (
    GoodShare,
    History,
    QuarterProgress,
    Series,
    ServiceProgress,
    Tally,
    compare,
    observed_quarters,
)
from storage.schema import FindingRecord, Ministry, PageRecord, Service, ServiceRun

# Tone → DSFR badge modifier.


def parse_quarter(text: str | None) -> Quarter | None:
    """A quarter from the address, or None when it is not one of 2000Q1–2199Q4 (year 0 or 9999
    would break date arithmetic, and no campaign ran then)."""
    try:
        quarter = Quarter.parse(text or "")
    except InputError:
        return None
    return quarter if 2000 <= quarter.year <= 2199 else None


def quarter_choices(session: Session) -> tuple[Quarter, ...]:
    return observed_quarters(session) or (latest_quarter(session),)


@dataclass(frozen=True)
class OverviewRow:
    state: ServiceIndicators
    tally: Tally  # how the shown indicators went since the previous quarter


@dataclass(frozen=True)
class Overview:
    quarter: Quarter
    rows: list[OverviewRow]
    progress: QuarterProgress

    @property
    def levels(self) -> QuarterLevels:
        """The shown services' levels, for the bar charts (reports/observatory/level_bars.py)."""
        return QuarterLevels(self.quarter, tuple(r.state for r in self.rows), ("démarche", "démarches"), "fr-table")


def overview(session: Session, quarter: Quarter, ministry_id: str | None = None,
             keys: tuple[str, ...] | None = None) -> Overview:
    """The quarter's states and, per service, how its `keys` indicators (default: all) went since
    the previous quarter."""
    states = quarter_indicators(session, quarter)
    progress = compare(states, quarter_indicators(session, quarter.previous()), quarter)
    by_service = {p.service_id: p for p in progress.services}
    rows = []
    for state in states:
        if ministry_id and state.ministry_id != ministry_id:
            continue
        rows.append(OverviewRow(state, by_service[state.service_id].tally(keys)))
    return Overview(quarter, rows, progress)


def ministry_history(session: Session, ministry_id: str, quarters: tuple[Quarter, ...]) -> History:
    """Per indicator, the share of the ministry's services at a good level, quarter after quarter:
    the `GoodShare` the progress table prints, over all the services."""
    points: dict[str, list[float | None]] = {spec.key: [] for spec in INDICATORS}
    for quarter in quarters:
        mine = [s for s in quarter_indicators(session, quarter) if s.ministry_id == ministry_id]
        for spec in INDICATORS:
            points[spec.key].append(GoodShare.of(s.get(spec.key).level for s in mine).percent)
    series = tuple(Series(spec.key, spec.label, tuple(points[spec.key])) for spec in INDICATORS
                   if any(p is not None for p in points[spec.key]))
    return History(quarters, series)


def service_progress(session: Session, state: ServiceIndicators) -> ServiceProgress:
    """How the service's indicators went since the previous quarter (compare, as everywhere)."""
    previous = [s for s in quarter_indicators(session, state.quarter.previous()) if s.service_id == state.service_id]
    return compare([state], previous, state.quarter).services[0]


def service_quarters(session: Session, service_id: str, quarters: tuple[Quarter, ...]) -> list[ServiceIndicators]:
    found = []
    for quarter in quarters:
        state = next((s for s in quarter_indicators(session, quarter) if s.service_id == service_id), None)
        if state is not None:
            found.append(state)
    return found


def service_runs(session: Session, service_id: str, limit: int = 12) -> list[ServiceRun]:
    """The service's latest completed runs, oldest first."""
    runs = session.scalars(
        select(ServiceRun).where(ServiceRun.service_id == service_id, ServiceRun.status == "done")
        .options(selectinload(ServiceRun.findings), selectinload(ServiceRun.pages))
        .order_by(ServiceRun.started_at.desc(), ServiceRun.id.desc()).limit(limit)
    ).all()
    return list(reversed(runs))


def _figure(check_id: str, feed: Feed, run: ServiceRun) -> float | None:
    record = next((f for f in run.findings if f.check == check_id), None)
    if record is None:
        return None
    finding = finding_from_stored(record.check, record.status, record.reason, record.details or {},
                                  record.evidence or [])
    day = as_utc(run.started_at).date() if run.started_at else None
    value = feed.reading(finding, Visit(as_of=day)).value
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def run_history(runs: list[ServiceRun]) -> History:
    """Figures run after run, drawn on one 0–100 scale: those the checks draw (`Feed.history`:
    the declared RGAA rate, the plain-language score drawn × 10 and written out of 10), and
    whether the landing page answered."""
    drawn = [(check_id, feed) for check_id, feed in indicator_feeds() if feed.history]
    series = tuple(
        Series(feed.spec.key, feed.history, tuple(_figure(check_id, feed, run) for run in runs), kind=feed.spec.kind,
               scale=10.0 if feed.spec.kind == "score" else 1.0)
        for check_id, feed in drawn)
    up = tuple(100.0 if run.ok else 0.0 if run.ok is not None else None for run in runs)
    # Moments, not days: the chart writes the time of visits that fall on the same day.
    labels = tuple(as_utc(r.started_at) if r.started_at else f"visite {r.id}" for r in runs)
    return History(labels, series + (Series("uptime", "Page d’accueil disponible (100 % = oui)", up, kind="percent"),))


def latest_findings_run(session: Session, service_id: str) -> ServiceRun | None:
    return session.scalars(
        select(ServiceRun).join(FindingRecord, FindingRecord.service_run_id == ServiceRun.id)
        .where(ServiceRun.service_id == service_id, ServiceRun.status == "done")
        .options(selectinload(ServiceRun.findings), selectinload(ServiceRun.pages))
        .order_by(ServiceRun.started_at.desc(), ServiceRun.id.desc()).limit(1)
    ).first()


def page_for(run: ServiceRun, url: str | None) -> PageRecord | None:
    for page in run.pages:
        if url in (page.url, page.final_url):
            return page
    return None


def ministries(session: Session) -> list[Ministry]:
    """Every ministry of the registry (a proposal may name one whose services are not followed yet)."""
    return list(session.scalars(select(Ministry).order_by(Ministry.name)))


def listed_ministries(session: Session) -> list[Ministry]:
    """The ministries the filters offer: those with an active service (an empty or retired
    ministry has nothing to show), as every list of ministries of the observatory."""
    active = select(Service.ministry_id).where(Service.active.is_(True))
    return list(session.scalars(select(Ministry).where(Ministry.id.in_(active)).order_by(Ministry.name)))


def objectives_day(quarter: Quarter) -> date:
    today = datetime.now(timezone.utc).date()
    return min(today, (quarter.end - timedelta(days=1)).date())


# ------------------------------------------------------------------------------------------------
# Incidents

INCIDENTS_PER_PAGE = 100
INCIDENT_STATES = {"all": "Tous les incidents", "open": "En cours", "closed": "Clos"}


@dataclass(frozen=True)
class IncidentGroup:
    ministry_id: str
    ministry_name: str
    entries: list[IncidentEntry]

    @property
    def open(self) -> int:
        return sum(1 for e in self.entries if e.open)


@dataclass(frozen=True)
class Incidents:
    state: str
    ministry_id: str | None
    groups: list[IncidentGroup]
    total: int                  # matching the filters, over every page
    open: int                   # of them, still open
    page: int
    pages: int

    def href(self, page: int) -> str:
        state = self.state if self.state != "all" else None
        pairs = (("ministere", self.ministry_id), ("statut", state), ("page", page if page > 1 else None))
        query = {k: v for k, v in pairs if v}
        return "/incidents" + (f"?{urlencode(query)}" if query else "")

    @property
    def previous(self) -> str | None:
        return self.href(self.page - 1) if self.page > 1 else None

    @property
    def next(self) -> str | None:
        return self.href(self.page + 1) if self.page < self.pages else None


def incidents(session: Session, state: str, ministry_id: str | None, page: int = 1) -> Incidents:
    """Incidents by ministry (open ones first in each), a page of INCIDENTS_PER_PAGE at a time."""
    query = incidents_query(state, ministry_id, grouped=True)
    matching = query.order_by(None).subquery()
    by_state = dict(session.execute(select(matching.c.status, func.count()).group_by(matching.c.status)).all())
    total = sum(by_state.values())
    pages = max(1, -(-total // INCIDENTS_PER_PAGE))
    page = min(max(1, page), pages)
    shown = list(session.scalars(query.limit(INCIDENTS_PER_PAGE).offset((page - 1) * INCIDENTS_PER_PAGE)))
    groups: list[IncidentGroup] = []
    for entry in entries(session, shown):
        if not groups or groups[-1].ministry_id != entry.ministry_id:
            groups.append(IncidentGroup(entry.ministry_id, entry.ministry_name, []))
        groups[-1].entries.append(entry)
    return Incidents(state, ministry_id, groups, total, by_state.get("open", 0), page, pages)
