"""Each service's indicators for a quarter, each with its level and the evidence it rests on.

Probe-based indicators come from the service's reference run for the quarter
(storage/reference_runs.py); availability and load time from every probe of the quarter;
satisfaction from the JeDonneMonAvis import; the declared indicators from the declarations in
force. Every indicator carries references to what it rests on (runs, findings, pages and their
screenshots, imported file rows), so that a level can always be traced back to its evidence.

Each figure is published here once, truncated to the decimals of its kind by the one rounding rule
(foundation/formatting.py), and its level is judged on that published figure: the dashboard, the
static report, the exports, the API and the objectives all read this value, so a figure and its
level read the same everywhere.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from checks import finding_from_stored, indicator_feeds
from checks.jedonnemonavis import JeDonneMonAvisFinding
from checks.models import Feed, Finding, ImportedScore, Visit
from foundation import formatting, grid, vocabulary
from foundation.grid import GRID, GRID_INDICATORS, IndicatorSpec
from foundation.quarters import Quarter
from foundation.times import as_utc
from probes import interruption
from reports.observatory import levels
from reports.observatory.levels import Level
from storage.reference_runs import Reference, reference_runs
from storage.schema import (
    DeclaredIndicator,
    FindingRecord,
    JdmaFigureRecord,
    SatisfactionScore,
    Service,
    ServiceRun,
)


# The indicators computed here; those a check feeds are declared in its module
# (`Finding.indicators`) and listed from the registry.
OWN: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("simplicity", GRID["simplicity"].label, "JeDonneMonAvis import (review export)",
                  "mean of the answers on the clarity of the information, 1 to 5 weighted 0 to 10, over 12 months",
                  kind="score", count_meaning="avis des 12 derniers mois", position=41),
    IndicatorSpec("help_reachable", GRID["help_reachable"].label, "JeDonneMonAvis import (review export)",
                  "share of the users who sought help that reached the administration, percent, over 12 months",
                  kind="percent", count_meaning="avis des 12 derniers mois", position=42),
    IndicatorSpec("help_efficient", GRID["help_efficient"].label, "JeDonneMonAvis import (review export)",
                  "mean rating of the help obtained, 5 points weighted 0 to 10, over 12 months",
                  kind="score", count_meaning="avis des 12 derniers mois", position=43),
    IndicatorSpec("help_used", GRID["help_used"].label, "JeDonneMonAvis import (review export)",
                  "share of the users who sought help outside the online service, percent, over 12 months",
                  kind="percent", count_meaning="avis des 12 derniers mois", position=44),
    IndicatorSpec("uptime", GRID["uptime"].label, "every probe of the quarter",
                  "share of the quarter's visits where the service answered, percent", kind="percent",
                  count_meaning="visites du trimestre", position=70),
    IndicatorSpec("load_time", GRID["performance"].label, "every probe of the quarter",
                  "mean HTTP response time of the démarche's address (DNS, connection, TLS, first byte, body), milliseconds",
                  kind="duration",
                  count_meaning="chargements mesurés", position=80),
    IndicatorSpec("online", GRID["online"].label, "declared",
                  "the observatory's label: Oui, En cours de déploiement local, Partiel, Non, Démarche proactive", position=100),
    IndicatorSpec("dlnuf", GRID["dlnuf"].label, "declared",
                  "declared score of the observatory: documents asked that the administration holds (0–1 Optimal, 2–4 Partiel, from 5 Faible)",
                  kind="held",
                  position=120),
    IndicatorSpec("digital_usage", GRID["usage"].label, "declared",
                  "share of users going through the digital channel, percent", kind="percent", position=140),
)


def _place(spec: IndicatorSpec) -> tuple[int, int, str]:
    # The observatory's 12 indicators first, in its order; Veilleur's measures after, by position.
    grid_order = [g.key for g in GRID_INDICATORS]
    return (grid_order.index(spec.key) if spec.key in grid_order else len(grid_order), spec.position, spec.key)


def _all_specs() -> tuple[IndicatorSpec, ...]:
    fed = tuple(feed.spec for _, feed in indicator_feeds())
    return tuple(sorted(OWN + fed, key=_place))


class _Indicators(Sequence[IndicatorSpec]):
    """Every indicator in its place, read from the check registry each time it is asked: a check
    registered after this module was imported feeds the indicators all the same."""

    def __getitem__(self, index):
        return _all_specs()[index]

    def __len__(self) -> int:
        return len(_all_specs())

    def __iter__(self) -> Iterator[IndicatorSpec]:
        return iter(_all_specs())


class _Specs(Mapping[str, IndicatorSpec]):
    """The indicators by key, as `INDICATORS` lists them."""

    def __getitem__(self, key: str) -> IndicatorSpec:
        for spec in _all_specs():
            if spec.key == key:
                return spec
        raise KeyError(key)

    def __len__(self) -> int:
        return len(_all_specs())

    def __iter__(self) -> Iterator[str]:
        return iter(spec.key for spec in _all_specs())


INDICATORS: Sequence[IndicatorSpec] = _Indicators()
SPECS: Mapping[str, IndicatorSpec] = _Specs()


def published(key: str, value):
    """The figure as the observatory publishes it: truncated to the decimals of its kind."""
    return SPECS[key].published(value)


@dataclass(frozen=True)
class EvidenceRef:
    """What an indicator rests on: ids in the database, files in the evidence store, imported rows."""

    runs: tuple[int, ...] = ()
    findings: tuple[int, ...] = ()
    pages: tuple[int, ...] = ()
    screenshots: tuple[str, ...] = ()  # sha256 of page screenshots in the evidence store
    urls: tuple[str, ...] = ()  # the pages where the decisive evidence was found
    imports: tuple[str, ...] = ()  # imported file and rows

    def text(self) -> str:
        parts = []
        for name, values in (("run", self.runs), ("finding", self.findings), ("page", self.pages),
                             ("screenshot", self.screenshots), ("url", self.urls), ("import", self.imports)):
            if values:
                parts.append(f"{name}=" + ",".join(str(v) for v in values))
        return "; ".join(parts)


@dataclass(frozen=True)
class Indicator:
    key: str
    level: Level
    value: float | str | None
    source: str
    evidence: EvidenceRef = field(default_factory=EvidenceRef)
    count: int | None = None
    note: str | None = None

    @property
    def spec(self) -> IndicatorSpec:
        return SPECS[self.key]

    @property
    def shown(self) -> str:
        """What the observatory shows for it: "8,4 / 10", "87 %", "Optimal", "À venir"."""
        return grid.shown(self.key, self.level, self.value)

    @property
    def beside(self) -> str:
        """The figure written beside what is shown, unless what is shown is the figure already."""
        return "" if self.shown != self.level.label else formatting.figure(self.value, self.spec.kind)


@dataclass(frozen=True)
class ReferenceInfo:
    run_id: int
    campaign_id: int
    started_at: datetime | None
    rule: str
    reason: str | None


@dataclass(frozen=True)
class ServiceIndicators:
    quarter: Quarter
    service_id: str
    service_name: str
    ministry_id: str
    ministry_name: str
    administration: str | None
    has_account: bool
    fc_level_required: str
    reference: ReferenceInfo | None
    indicators: tuple[Indicator, ...]
    active: bool = True  # False: retired (then listed only in a quarter it was visited in)

    def get(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


# ------------------------------------------------------------------------------------------------
# Evidence of a finding


def _finding_evidence(run: ServiceRun, record: FindingRecord, extra_urls: tuple[str, ...] = ()) -> EvidenceRef:
    urls: list[str] = []
    for item in record.evidence or []:
        url = item.get("page_url") if isinstance(item, dict) else None
        if url and url not in urls:
            urls.append(url)
    for url in extra_urls:
        if url and url not in urls:
            urls.append(url)
    pages = [p for p in run.pages if p.url in urls or p.final_url in urls]
    # A figure computed over the whole visit (axe, readability) points at every page of it.
    pages = pages or list(run.pages)
    return EvidenceRef(
        runs=(run.id,), findings=(record.id,), pages=tuple(p.id for p in pages),
        screenshots=tuple(dict.fromkeys(p.screenshot_sha for p in pages if p.screenshot_sha)),
        urls=tuple(urls[:5]),
    )


# ------------------------------------------------------------------------------------------------
# One indicator each


def _typed(record: FindingRecord) -> Finding:
    return finding_from_stored(record.check, record.status, record.reason, record.details or {}, record.evidence or [])


def _fed(feed: Feed, run: ServiceRun | None, record: FindingRecord | None, visit: Visit) -> Indicator:
    """An indicator a check feeds, read by the check's own rule from its typed finding."""
    if run is None or record is None:
        reading = feed.reading(None, visit)
        return Indicator(feed.spec.key, reading.level, reading.value, reading.source,
                         EvidenceRef(imports=reading.imports), reading.count, reading.note)
    reading = feed.reading(_typed(record), visit)
    evidence = replace(_finding_evidence(run, record, reading.urls), imports=reading.imports)
    return Indicator(feed.spec.key, reading.level, reading.value, reading.source, evidence, reading.count, reading.note)


def _finding_demarche(findings: dict[str, FindingRecord]) -> str | None:
    record = findings.get(JeDonneMonAvisFinding.check)
    button_finding = _typed(record) if record else None
    return button_finding.demarche_id if isinstance(button_finding, JeDonneMonAvisFinding) else None


def _demarche(service: Service, findings: dict[str, FindingRecord], known_demarche: str | None) -> str | None:
    """The JeDonneMonAvis démarche a service's figures are filed under: the registry's, else the
    one its button names."""
    return service.jdma_demarche_id or _finding_demarche(findings) or known_demarche


def _jdma(key: str, service: Service, demarche: str | None, records: list[JdmaFigureRecord]) -> Indicator:
    """A JeDonneMonAvis indicator imported from a review export: shown from 100 reviews."""
    chosen = next((r for r in records if r.indicator == key and r.service_id == service.id), None) or next(
        (r for r in records if r.indicator == key and demarche and r.demarche_id == demarche), None)
    if chosen is None:
        return Indicator(key, levels.TO_COME, None, "JeDonneMonAvis", note="pas d'export d'avis importé pour le trimestre")
    value = published(key, chosen.value)
    return Indicator(key, GRID[key].level(value, chosen.reviews), value, "JeDonneMonAvis",
                     EvidenceRef(imports=(chosen.source,)), count=chosen.reviews,
                     note=f"{vocabulary.count(chosen.answers, 'réponse', 'réponses')} à la question")


def _uptime(probes: list[ServiceRun]) -> Indicator:
    # A refusal or challenge addressed to the probe, a waiting room or an address that no longer
    # leads to the démarche says nothing of whether the service was up: left out.
    visits = [r for r in probes if r.ok is not None
              and (r.ok or r.error_class not in interruption.NOT_AVAILABILITY)]
    if not visits:
        return Indicator("uptime", levels.TO_COME, None, "sondes du trimestre")
    failed = [r for r in visits if not r.ok]
    # Computed exactly, then published; the level is judged on the published figure, so that
    # "99,9 %" is never green on one service and orange on another.
    percent = published("uptime", Fraction(100 * (len(visits) - len(failed)), len(visits)))
    classes = sorted({vocabulary.error_class(r.error_class) for r in failed})
    note = (f"{vocabulary.count(len(visits), 'visite', 'visites')}, {vocabulary.count(len(failed), 'échec', 'échecs')}"
            + (f" ({', '.join(classes)})" if classes else ""))
    if left_out := len([r for r in probes if r.ok is False]) - len(failed):
        note += (f" ; {vocabulary.count(left_out, 'visite non comptée', 'visites non comptées')} (sonde refusée, "
                 f"salle d’attente ou adresse à mettre à jour)")
    # The failed visits are the evidence of downtime; the others are counted.
    return Indicator("uptime", levels.uptime_level(percent), percent, "sondes du trimestre",
                     EvidenceRef(runs=tuple(r.id for r in failed)), count=len(visits), note=note)


def _load_time(probes: list[ServiceRun]) -> Indicator:
    """The mean of the address's HTTP response time over the quarter's probes that got an answer
    (probes/response_time.py); the browser's timings of the page stay technical detail."""
    measured = [r for r in probes if r.ok and r.response_ms is not None]
    if not measured:
        return Indicator("load_time", levels.TO_COME, None, "sondes du trimestre")
    # The mean of the exact figures, then published in whole milliseconds; the level is judged on
    # the published figure.
    mean = published("load_time", statistics.mean(Fraction(repr(float(r.response_ms))) for r in measured))
    evidence = EvidenceRef(runs=tuple(r.id for r in measured), urls=tuple(dict.fromkeys(r.url for r in measured)))
    return Indicator("load_time", levels.load_time_level(mean), mean, "sondes du trimestre", evidence,
                     count=len(measured), note="moyenne du temps de réponse HTTP de l'adresse de la démarche")


def _declared(key: str, declared: DeclaredIndicator | None, level: Callable[[float], Level] | None = None,
              words: Callable[[str], Level] | None = None) -> Indicator:
    """A declared figure, judged by `level` (shown as declared without it), or declared words
    ("oui", "partiel", "non") judged by `words`."""
    if declared is None:
        return Indicator(key, levels.TO_COME, None, "déclaré")
    source = "déclaré" + (f" : {declared.declared_by}" if declared.declared_by else "")
    evidence = EvidenceRef(imports=(f"{declared.source_file}: ligne {declared.source_row}",))
    note = f"déclaré pour {declared.quarter}"
    if words is not None:
        return Indicator(key, words(declared.value), declared.value, source, evidence, note=note)
    value = published(key, float(declared.value))
    return Indicator(key, level(value) if level else levels.DECLARED, value, source, evidence, note=note)


# ------------------------------------------------------------------------------------------------
# A quarter


def _quarter_probes(session: Session, quarter: Quarter, as_of: datetime | None) -> dict[str, list[ServiceRun]]:
    end = quarter.end if as_of is None else min(quarter.end, as_of)
    runs = session.scalars(
        select(ServiceRun).where(ServiceRun.status == "done", ServiceRun.started_at >= quarter.start,
                                 ServiceRun.started_at < end)
        .options(selectinload(ServiceRun.pages)).order_by(ServiceRun.id)
    ).all()
    by_service: dict[str, list[ServiceRun]] = defaultdict(list)
    for run in runs:
        by_service[run.service_id].append(run)
    return by_service


def _declarations(session: Session, quarter: Quarter) -> dict[tuple[str, str], DeclaredIndicator]:
    """The declaration in force for each (service, indicator): the latest quarter not after this one."""
    in_force: dict[tuple[str, str], DeclaredIndicator] = {}
    rows = session.scalars(select(DeclaredIndicator).order_by(DeclaredIndicator.quarter)).all()
    for row in rows:
        if Quarter.parse(row.quarter) <= quarter:
            in_force[(row.service_id, row.indicator)] = row
    return in_force


def _known_demarches(session: Session) -> dict[str, str]:
    """Each service's JeDonneMonAvis démarche id as last seen on its site by any run."""
    rows = session.execute(
        select(ServiceRun.service_id, FindingRecord.details).join(FindingRecord.run)
        .where(FindingRecord.check == JeDonneMonAvisFinding.check, FindingRecord.status == "present")
        .order_by(FindingRecord.id)
    ).all()
    return {service_id: details["demarche_id"] for service_id, details in rows if (details or {}).get("demarche_id")}


def service_indicators(
    service: Service, quarter: Quarter, reference: Reference | None, probes: list[ServiceRun],
    scores: list[SatisfactionScore], declared: dict[tuple[str, str], DeclaredIndicator],
    known_demarche: str | None = None, jdma: list[JdmaFigureRecord] | None = None,
) -> ServiceIndicators:
    run = reference.run if reference else None
    findings = {f.check: f for f in run.findings} if run else {}
    started = as_utc(run.started_at) if run else None
    # A statement's age is judged on the day of the visit that read it.
    as_of = started.date() if started else (quarter.end - timedelta(days=1)).date()
    visit = Visit(has_account=service.has_account, fc_level_required=service.fc_level_required, as_of=as_of,
                  service_id=service.id, jdma_demarche_id=service.jdma_demarche_id, known_demarche=known_demarche,
                  scores=tuple(ImportedScore(s.service_id, s.demarche_id, s.score, s.reviews, s.source) for s in scores))
    computed = {
        **{key: _jdma(key, service, _demarche(service, findings, known_demarche), jdma or [])
           for key in ("simplicity", "help_reachable", "help_efficient", "help_used")},
        "uptime": _uptime(probes),
        "load_time": _load_time(probes),
        "online": _declared("online", declared.get((service.id, "online")), words=levels.online_level),
        "dlnuf": _declared("dlnuf", declared.get((service.id, "dlnuf")), level=levels.dlnuf_level),
        "digital_usage": _declared("digital_usage", declared.get((service.id, "digital_usage")),
                                   level=GRID["usage"].level),
    }
    for check_id, feed in indicator_feeds():
        computed[feed.spec.key] = _fed(feed, run, findings.get(check_id), visit)
    indicators = tuple(computed[spec.key] for spec in INDICATORS)
    info = ReferenceInfo(run.id, run.campaign_id, started, reference.rule, reference.reason) if reference else None
    return ServiceIndicators(
        quarter=quarter, service_id=service.id, service_name=service.name, ministry_id=service.ministry_id,
        ministry_name=service.ministry.name, administration=service.administration, has_account=service.has_account,
        fc_level_required=service.fc_level_required, reference=info, indicators=indicators, active=service.active,
    )


def quarter_indicators(session: Session, quarter: Quarter, as_of: datetime | None = None) -> list[ServiceIndicators]:
    """Every active service's indicators for the quarter (and any retired one probed in it),
    as known at `as_of` (default: the whole quarter)."""
    references = reference_runs(session, quarter, as_of)
    probes = _quarter_probes(session, quarter, as_of)
    services = session.scalars(
        select(Service).where(Service.active.is_(True) | Service.id.in_(list(references)))
        .options(selectinload(Service.ministry)).order_by(Service.ministry_id, Service.id)
    ).all()
    scores = session.scalars(
        select(SatisfactionScore).where(SatisfactionScore.quarter == str(quarter))
        .order_by(SatisfactionScore.imported_at.desc(), SatisfactionScore.id.desc())
    ).all()
    declared = _declarations(session, quarter)
    demarches = _known_demarches(session)
    jdma = session.scalars(
        select(JdmaFigureRecord).where(JdmaFigureRecord.quarter == str(quarter))
        .order_by(JdmaFigureRecord.imported_at.desc(), JdmaFigureRecord.id.desc())
    ).all()
    return [
        service_indicators(s, quarter, references.get(s.id), probes.get(s.id, []), list(scores), declared,
                           demarches.get(s.id), list(jdma))
        for s in services
    ]


def latest_quarter(session: Session, campaign_id: int | None = None) -> Quarter:
    """The quarter of the latest completed run (of one campaign, if given), or the current one:
    what a report or the dashboard shows when no quarter is asked for."""
    query = select(func.max(ServiceRun.started_at)).where(ServiceRun.status == "done")
    if campaign_id is not None:
        query = query.where(ServiceRun.campaign_id == campaign_id)
    latest = session.scalar(query)
    return Quarter.of(latest if latest else datetime.now(timezone.utc))
