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
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from foundation import formatting, vocabulary
from foundation.quarters import Quarter
from foundation.times import as_utc
from reports.observatory import levels
from reports.observatory.levels import Level
from storage.reference_runs import Reference, reference_runs
from storage.schema import DeclaredIndicator, FindingRecord, PageRecord, SatisfactionScore, Service, ServiceRun


@dataclass(frozen=True)
class IndicatorSpec:
    key: str
    label: str
    origin: str  # where the figure comes from, for the data dictionary
    value_meaning: str
    # What kind of figure the value is (foundation/formatting.py): score, percent, duration,
    # violations; "status" for a text value, which the level's label says.
    kind: str = "status"
    count_meaning: str | None = None


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("authentication", "Authentification", "probe (franceconnect check); registry (has_account)",
                  "status of the franceconnect check: franceconnect_plus, franceconnect, absent, unknown"),
    IndicatorSpec("handicap", "Prise en compte du handicap", "probe (accessibility_statement check)",
                  "declared RGAA conformity rate, percent", kind="percent"),
    IndicatorSpec("accessibility_axe", "Contrôle automatique axe-core", "probe (accessibility check)",
                  "axe-core violations on the visited pages (evidence shown beside the declared rate, never in it)",
                  kind="violations", count_meaning="pages mesurées"),
    IndicatorSpec("satisfaction", "Satisfaction usagers", "JeDonneMonAvis import; probe (jedonnemonavis check)",
                  "satisfaction score out of 10", kind="score", count_meaning="avis sur lesquels repose la note"),
    IndicatorSpec("readability", "Clarté du langage", "probe (readability check)", "readability score out of 10",
                  kind="score"),
    IndicatorSpec("non_digital_alternative", "Alternative non numérique", "probe (non_digital_alternative check)",
                  "status of the check: present, absent, unknown"),
    IndicatorSpec("uptime", "Disponibilité", "every probe of the quarter",
                  "share of the quarter's visits where the service answered, percent", kind="percent",
                  count_meaning="visites du trimestre"),
    IndicatorSpec("load_time", "Temps de chargement", "every probe of the quarter",
                  "mean HTTP response time of the démarche's address (DNS, connection, TLS, first byte, body), milliseconds", kind="duration",
                  count_meaning="chargements mesurés"),
    IndicatorSpec("mobile", "Compatibilité mobile", "probe (mobile check)",
                  "status of the mobile check: compatible, incompatible, unknown"),
    IndicatorSpec("online", "Réalisable en ligne", "declared", "oui, partiel or non"),
    IndicatorSpec("online_measured", "Réalisable en ligne (mesuré)", "probe (online_procedure check)",
                  "status of the online_procedure check: online, partial, offline, unknown"),
    IndicatorSpec("dlnuf", "Dites-le-nous une fois", "declared", "declared score out of 10", kind="score"),
    IndicatorSpec("dlnuf_measured", "Dites-le-nous une fois (mesuré)", "probe (dlnuf check)",
                  "supporting documents asked that the administration already holds, count", kind="held",
                  count_meaning="pièces demandées"),
    IndicatorSpec("digital_usage", "Taux d'usage du canal numérique", "declared",
                  "share of users going through the digital channel, percent", kind="percent"),
)
SPECS: dict[str, IndicatorSpec] = {spec.key: spec for spec in INDICATORS}


def published(key: str, value):
    """The figure as the observatory publishes it: truncated to the decimals of its kind."""
    return formatting.rounded_as(value, SPECS[key].kind)


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


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------
# One indicator each


def _authentication(service: Service, run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("franceconnect")
    note = "niveau requis : FranceConnect+" if service.fc_level_required == "franceconnect_plus" else None
    evidence = _finding_evidence(run, record) if run and record else EvidenceRef()
    if not service.has_account:
        return Indicator("authentication", levels.NOT_APPLICABLE, record.status if record else None,
                         "registre (service sans compte usager)", evidence, note="service sans compte usager")
    if record is None:
        return Indicator("authentication", levels.NO_DATA, None, "sonde", evidence, note=note)
    return Indicator("authentication", levels.authentication_level(record.status, True), record.status, "sonde",
                     evidence, note=note)


def _handicap(run: ServiceRun | None, findings: dict[str, FindingRecord], as_of: date) -> Indicator:
    record = findings.get("accessibility_statement")
    if run is None or record is None:
        return Indicator("handicap", levels.NO_DATA, None, "sonde")
    if record.status == "unknown":
        return Indicator("handicap", levels.UNKNOWN, None, "sonde", _finding_evidence(run, record), note=record.reason)
    details = record.details or {}
    rate = details.get("rate")
    statement_date = _parse_date(details.get("date"))
    # The check's own word on the statement's age wins; older findings do not carry it.
    expired = details.get("expired")
    if expired is None:
        expired = statement_date is not None and levels.statement_expired(statement_date, as_of)
    notes = [f"déclaration : {vocabulary.status(record.status)}"]
    if statement_date:
        notes.append(f"datée du {formatting.date(statement_date)}" + (", de plus de trois ans" if expired else ""))
    elif record.status != "absent":
        notes.append("date non trouvée")
    if rate is None and record.status not in ("absent", "totalement"):
        notes.append("taux non publié")
    rate = published("handicap", float(rate)) if rate is not None else None
    return Indicator(
        "handicap", levels.handicap_level(record.status, rate, bool(expired)), rate,
        "sonde", _finding_evidence(run, record, (details.get("statement_url") or "",)), note=" ; ".join(notes),
    )


def _accessibility_axe(run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("accessibility")
    if run is None or record is None:
        return Indicator("accessibility_axe", levels.NO_DATA, None, "sonde")
    details = record.details or {}
    if record.status != "measured" or details.get("violations") is None:
        return Indicator("accessibility_axe", levels.UNKNOWN, None, "sonde", _finding_evidence(run, record), note=record.reason)
    rules = details.get("rules") or []
    impact = details.get("by_impact") or {}
    note = "règles : " + ", ".join(rules[:8]) + (" …" if len(rules) > 8 else "") if rules else "aucune violation"
    if impact:
        note += " ; par gravité : " + vocabulary.by_impact(impact)
    return Indicator("accessibility_axe", levels.MEASURED, int(details["violations"]), "sonde",
                     _finding_evidence(run, record), count=details.get("pages_measured"), note=note)


def _satisfaction(
    service: Service, run: ServiceRun | None, findings: dict[str, FindingRecord], scores: list[SatisfactionScore],
    known_demarche: str | None,
) -> Indicator:
    record = findings.get("jedonnemonavis")
    finding_demarche = (record.details or {}).get("demarche_id") if record else None
    demarche = service.jdma_demarche_id or finding_demarche or known_demarche
    # A figure imported for the service itself wins over one found through the démarche id.
    chosen = next((s for s in scores if s.service_id == service.id), None) or next(
        (s for s in scores if demarche and s.demarche_id == demarche), None)
    button = record.status if record else None
    if button == "present":
        note = "bouton JDMA présent" + (f" (démarche {finding_demarche})" if finding_demarche else "")
    elif button == "absent":
        note = "bouton JDMA absent"
    else:
        note = "bouton JDMA non vérifié" if record else None
    evidence = _finding_evidence(run, record) if run and record else EvidenceRef()
    if chosen is None:
        level = levels.satisfaction_level(None, None, button) if record else levels.NO_DATA
        return Indicator("satisfaction", level, None, "sonde", evidence,
                         note=(note + " ; " if note else "") + "pas de note importée pour le trimestre")
    evidence = EvidenceRef(evidence.runs, evidence.findings, evidence.pages, evidence.screenshots, evidence.urls,
                           (chosen.source,))
    score = published("satisfaction", chosen.score)
    return Indicator("satisfaction", levels.satisfaction_level(score, chosen.reviews, button), score,
                     "JeDonneMonAvis", evidence, count=chosen.reviews, note=note)


def _readability(run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("readability")
    if run is None or record is None:
        return Indicator("readability", levels.NO_DATA, None, "sonde")
    score = (record.details or {}).get("score")
    score = published("readability", float(score)) if score is not None else None
    words = (record.details or {}).get("words")
    return Indicator("readability", levels.readability_level(record.status, score),
                     score, "sonde", _finding_evidence(run, record),
                     note=f"{words} mots analysés" if words else record.reason)


def _alternative(run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("non_digital_alternative")
    if run is None or record is None:
        return Indicator("non_digital_alternative", levels.NO_DATA, None, "sonde")
    details = record.details or {}
    found = [*(details.get("phones") or []), *(details.get("addresses") or [])]
    if details.get("appointment"):
        found.append("prise de rendez-vous")
    note = "; ".join(found[:5]) if found else record.reason
    return Indicator("non_digital_alternative", levels.alternative_level(record.status), record.status, "sonde",
                     _finding_evidence(run, record), note=note)


def _online_measured(run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("online_procedure")
    if run is None or record is None:
        return Indicator("online_measured", levels.NO_DATA, None, "sonde")
    return Indicator("online_measured", levels.online_measured_level(record.status), record.status, "sonde",
                     _finding_evidence(run, record), note=record.reason)


def _dlnuf_measured(run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("dlnuf")
    if run is None or record is None:
        return Indicator("dlnuf_measured", levels.NO_DATA, None, "sonde")
    details = record.details or {}
    documents, held = details.get("documents") or [], details.get("held") or []
    if record.status != "measured":
        return Indicator("dlnuf_measured", levels.UNKNOWN, None, "sonde", _finding_evidence(run, record),
                         note=record.reason)
    note = (("déjà détenues : " + ", ".join(held) if held else "aucune pièce déjà détenue")
            + (" ; demandées : " + ", ".join(documents) if documents else " ; aucune pièce demandée"))
    return Indicator("dlnuf_measured", levels.dlnuf_measured_level(record.status, len(held)), len(held), "sonde",
                     _finding_evidence(run, record), count=len(documents), note=note)


def _mobile(run: ServiceRun | None, findings: dict[str, FindingRecord]) -> Indicator:
    record = findings.get("mobile")
    if run is None or record is None:
        return Indicator("mobile", levels.NO_DATA, None, "sonde")
    problems = (record.details or {}).get("problems") or []
    note = vocabulary.detail_value("problems", problems) if problems else record.reason
    return Indicator("mobile", levels.mobile_level(record.status), record.status, "sonde",
                     _finding_evidence(run, record), note=note)


def _uptime(probes: list[ServiceRun]) -> Indicator:
    visits = [r for r in probes if r.ok is not None]
    if not visits:
        return Indicator("uptime", levels.NO_DATA, None, "sondes du trimestre")
    failed = [r for r in visits if not r.ok]
    # Computed exactly, then published; the level is judged on the published figure, so that
    # "99,9 %" is never green on one service and orange on another.
    percent = published("uptime", Fraction(100 * (len(visits) - len(failed)), len(visits)))
    classes = sorted({vocabulary.error_class(r.error_class) for r in failed})
    note = (f"{vocabulary.count(len(visits), 'visite', 'visites')}, {vocabulary.count(len(failed), 'échec', 'échecs')}"
            + (f" ({', '.join(classes)})" if classes else ""))
    # The failed visits are the evidence of downtime; the others are counted.
    return Indicator("uptime", levels.uptime_level(percent), percent, "sondes du trimestre",
                     EvidenceRef(runs=tuple(r.id for r in failed)), count=len(visits), note=note)


def _load_time(probes: list[ServiceRun]) -> Indicator:
    """The mean of the address's HTTP response time over the quarter's probes that got an answer
    (probes/response_time.py); the browser's timings of the page stay technical detail."""
    measured = [r for r in probes if r.ok and r.response_ms is not None]
    if not measured:
        return Indicator("load_time", levels.NO_DATA, None, "sondes du trimestre")
    # The mean of the exact figures, then published in whole milliseconds; the level is judged on
    # the published figure.
    mean = published("load_time", statistics.mean(Fraction(repr(float(r.response_ms))) for r in measured))
    evidence = EvidenceRef(runs=tuple(r.id for r in measured), urls=tuple(dict.fromkeys(r.url for r in measured)))
    return Indicator("load_time", levels.load_time_level(mean), mean, "sondes du trimestre", evidence,
                     count=len(measured), note="moyenne du temps de réponse HTTP de l'adresse de la démarche")


def _declared(key: str, declared: DeclaredIndicator | None) -> Indicator:
    if declared is None:
        return Indicator(key, levels.NO_DATA, None, "déclaré")
    source = "déclaré" + (f" : {declared.declared_by}" if declared.declared_by else "")
    evidence = EvidenceRef(imports=(f"{declared.source_file}: ligne {declared.source_row}",))
    note = f"déclaré pour {declared.quarter}"
    if key == "online":
        return Indicator(key, levels.online_level(declared.value), declared.value, source, evidence, note=note)
    value = published(key, float(declared.value))
    level = levels.score_level(value) if key == "dlnuf" else levels.DECLARED
    return Indicator(key, level, value, source, evidence, note=note)


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
        .where(FindingRecord.check == "jedonnemonavis", FindingRecord.status == "present").order_by(FindingRecord.id)
    ).all()
    return {service_id: details["demarche_id"] for service_id, details in rows if (details or {}).get("demarche_id")}


def service_indicators(
    service: Service, quarter: Quarter, reference: Reference | None, probes: list[ServiceRun],
    scores: list[SatisfactionScore], declared: dict[tuple[str, str], DeclaredIndicator],
    known_demarche: str | None = None,
) -> ServiceIndicators:
    run = reference.run if reference else None
    findings = {f.check: f for f in run.findings} if run else {}
    started = as_utc(run.started_at) if run else None
    # A statement's age is judged on the day of the visit that read it.
    as_of = started.date() if started else (quarter.end - timedelta(days=1)).date()
    indicators = (
        _authentication(service, run, findings),
        _handicap(run, findings, as_of),
        _accessibility_axe(run, findings),
        _satisfaction(service, run, findings, scores, known_demarche),
        _readability(run, findings),
        _alternative(run, findings),
        _uptime(probes),
        _load_time(probes),
        _mobile(run, findings),
        _declared("online", declared.get((service.id, "online"))),
        _online_measured(run, findings),
        _declared("dlnuf", declared.get((service.id, "dlnuf"))),
        _dlnuf_measured(run, findings),
        _declared("digital_usage", declared.get((service.id, "digital_usage"))),
    )
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
    return [
        service_indicators(s, quarter, references.get(s.id), probes.get(s.id, []), list(scores), declared,
                           demarches.get(s.id))
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
