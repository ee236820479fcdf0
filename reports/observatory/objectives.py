"""The government's objectives for the essential online services, and where each one stands.

For each objective: the share of services meeting it, overall and per ministry, and the services
that miss it (with why), as of any date. Services for which an objective is not applicable (no
user account, for FranceConnect) are left out of its share. A service the probes could not check
does not meet the objective: meeting it is a claim that needs evidence.

"As of a date" means the state known that day: each service's indicators for the quarter holding
the date, from the runs made up to that day; a service not yet visited that quarter keeps the
state of its previous quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable

from sqlalchemy.orm import Session

from checks.jedonnemonavis import MIN_REVIEWS
from foundation import formatting
from foundation.grid import GRID
from foundation.quarters import Quarter
from reports.observatory import levels
from reports.observatory.indicators import ServiceIndicators, quarter_indicators

MET, MISSED, NOT_APPLICABLE = "met", "missed", "not_applicable"
# "No re-asking of data the administration already holds": the declared score must reach the
# grid's goal (Optimal) or, where nothing is declared, the visited pages must ask for no document
# the State already holds.


@dataclass(frozen=True)
class Verdict:
    status: str  # met | missed | not_applicable
    reason: str = ""
    # Judged on what the probe measured, for want of a declaration (shown as the source).
    measured: bool = False


def _authentication(s: ServiceIndicators) -> Verdict:
    indicator = s.get("authentication")
    if indicator.level == levels.NOT_APPLICABLE:
        return Verdict(NOT_APPLICABLE, "service sans compte usager")
    if s.fc_level_required == "franceconnect_plus":
        if indicator.level == levels.FRANCECONNECT_PLUS:
            return Verdict(MET)
        return Verdict(MISSED, f"FranceConnect+ requis, constat : {indicator.level.label}")
    if indicator.level in (levels.FRANCECONNECT, levels.FRANCECONNECT_PLUS):
        return Verdict(MET)
    return Verdict(MISSED, f"constat : {indicator.level.label}")


def _satisfaction(s: ServiceIndicators) -> Verdict:
    indicator = s.get("satisfaction")
    if GRID["satisfaction"].goal_reached(indicator.level):
        return Verdict(MET)
    if indicator.level == levels.TOO_FEW_REVIEWS:
        return Verdict(MISSED, f"{indicator.count} avis, moins de {MIN_REVIEWS}")
    if indicator.value is not None:
        return Verdict(MISSED, f"note {_figure(indicator)}")
    return Verdict(MISSED, f"{indicator.level.label} ({indicator.note})" if indicator.note else indicator.level.label)


def _figure(indicator) -> str:
    return formatting.figure(indicator.value, indicator.spec.kind)


def _level_is(key: str, wanted: levels.Level) -> Callable[[ServiceIndicators], Verdict]:
    def judge(s: ServiceIndicators) -> Verdict:
        indicator = s.get(key)
        if indicator.level == wanted:
            return Verdict(MET)
        shown = f" ({_figure(indicator)})" if _figure(indicator) else ""
        return Verdict(MISSED, f"{indicator.level.label}{shown}" + (f" — {indicator.note}" if indicator.note else ""))
    return judge


def _online(s: ServiceIndicators) -> Verdict:
    """The ministry's declaration where there is one; else what the probe saw on the site (the
    reason says which)."""
    declared, measured = s.get("online"), s.get("online_measured")
    if declared.value is not None:
        return Verdict(MET) if declared.level == levels.YES else Verdict(MISSED, f"déclaré : {declared.level.label}")
    if measured.level == levels.YES:
        return Verdict(MET, "mesuré par la sonde", measured=True)
    if measured.value is None and measured.level == levels.NO_DATA:
        return Verdict(MISSED, "ni déclaré ni mesuré")
    return Verdict(MISSED, f"mesuré : {measured.level.label}" + (f" — {measured.note}" if measured.note else ""),
                   measured=True)


def _plain_language(s: ServiceIndicators) -> Verdict:
    """The observatory's "Clarté du langage" (JeDonneMonAvis) where it is imported; else, for want
    of it, the readability formula measured on the pages (the reason says which)."""
    indicator, measured = s.get("simplicity"), s.get("readability")
    if indicator.value is not None or indicator.level == levels.TOO_FEW_REVIEWS:
        if GRID["simplicity"].goal_reached(indicator.level):
            return Verdict(MET)
        return Verdict(MISSED, f"{indicator.shown}" + (f" ({indicator.count} avis)" if indicator.count else ""))
    if measured.level == levels.GREEN:
        return Verdict(MET, "mesuré par la formule de lisibilité", measured=True)
    shown = f" ({_figure(measured)})" if _figure(measured) else ""
    return Verdict(MISSED, f"mesuré : {measured.level.label}{shown}" + (f" — {measured.note}" if measured.note else ""),
                   measured=True)


def _dlnuf(s: ServiceIndicators) -> Verdict:
    indicator, measured = s.get("dlnuf"), s.get("dlnuf_measured")
    if indicator.value is not None and GRID["dlnuf"].goal_reached(indicator.level):
        return Verdict(MET)
    if indicator.value is not None:
        return Verdict(MISSED, f"déclaré : {indicator.level.label} ({_figure(indicator)})")
    if measured.value == 0:
        return Verdict(MET, "mesuré par la sonde", measured=True)
    if measured.value is not None:
        return Verdict(MISSED, f"mesuré : {_figure(measured)} ({measured.note})", measured=True)
    if measured.level == levels.NO_DATA:
        return Verdict(MISSED, "ni déclaré ni mesuré")
    return Verdict(MISSED, f"mesuré : {measured.level.label}", measured=True)


@dataclass(frozen=True)
class Objective:
    key: str
    label: str
    deadline: date
    deadline_label: str
    indicator: str
    judge: Callable[[ServiceIndicators], Verdict]


OBJECTIVES: tuple[Objective, ...] = (
    Objective("franceconnect", "FranceConnect, ou FranceConnect+ selon le niveau de risque", date(2023, 12, 31),
              "décembre 2023", "authentication", _authentication),
    Objective("satisfaction", "Satisfaction usagers d'au moins 8/10", date(2024, 9, 22), "été 2024",
              "satisfaction", _satisfaction),
    Objective("non_digital_alternative", "Une alternative non numérique affichée", date(2024, 12, 31),
              "décembre 2024", "non_digital_alternative", _level_is("non_digital_alternative", levels.PRESENT)),
    Objective("rgaa", "Conformité RGAA à 100 %", date(2025, 12, 31), "décembre 2025", "handicap",
              _level_is("handicap", levels.YES)),
    Objective("plain_language", "Clarté du langage d'au moins 8/10", date(2025, 12, 31), "décembre 2025",
              "simplicity", _plain_language),
    Objective("online", "Démarche entièrement réalisable en ligne", date(2026, 12, 31), "décembre 2026", "online",
              _online),
    Objective("dlnuf", "Ne plus redemander les données déjà connues (Dites-le-nous une fois)", date(2026, 12, 31),
              "décembre 2026", "dlnuf", _dlnuf),
)


@dataclass(frozen=True)
class Share:
    met: int
    counted: int  # services for which the objective applies

    @property
    def percent(self) -> float | None:
        """The exact share (the chart draws it); pages, commands and the API publish `published`."""
        return 100.0 * self.met / self.counted if self.counted else None

    @property
    def published(self) -> float | None:
        """The share as published: a whole percent, truncated (foundation/formatting.py)."""
        return formatting.rounded(self.percent, formatting.SHARE_DECIMALS)


@dataclass(frozen=True)
class MinistryShare:
    ministry_id: str
    ministry_name: str
    share: Share


@dataclass(frozen=True)
class Miss:
    service_id: str
    service_name: str
    ministry_id: str
    reason: str


@dataclass(frozen=True)
class ObjectiveStatus:
    objective: Objective
    due: bool  # the deadline has passed on the date looked at
    overall: Share
    by_ministry: tuple[MinistryShare, ...]
    missing: tuple[Miss, ...]
    not_applicable: tuple[str, ...]
    measured: int = 0  # services judged on the probe's measure, for want of a declaration


@dataclass(frozen=True)
class ObjectivesReport:
    as_of: date
    quarter: Quarter
    services: int
    statuses: tuple[ObjectiveStatus, ...]


def evaluate(states: list[ServiceIndicators], as_of: date, quarter: Quarter) -> ObjectivesReport:
    """Judge every objective on the given service states (pure: no database)."""
    statuses = []
    for objective in OBJECTIVES:
        verdicts = [(s, objective.judge(s)) for s in states]
        counted = [(s, v) for s, v in verdicts if v.status != NOT_APPLICABLE]
        # A ministry without an active service (all retired) is not listed, as in every list of ministries.
        listed = {s.ministry_id for s in states if s.active}
        ministries: dict[str, tuple[str, list[Verdict]]] = {}
        for s, v in counted:
            if s.ministry_id in listed:
                ministries.setdefault(s.ministry_id, (s.ministry_name, []))[1].append(v)
        statuses.append(ObjectiveStatus(
            objective=objective,
            due=as_of > objective.deadline,
            overall=Share(sum(v.status == MET for _, v in counted), len(counted)),
            by_ministry=tuple(
                MinistryShare(mid, name, Share(sum(v.status == MET for v in vs), len(vs)))
                for mid, (name, vs) in sorted(ministries.items())
            ),
            missing=tuple(Miss(s.service_id, s.service_name, s.ministry_id, v.reason) for s, v in counted if v.status == MISSED),
            not_applicable=tuple(s.service_id for s, v in verdicts if v.status == NOT_APPLICABLE),
            measured=sum(v.measured for _, v in counted),
        ))
    return ObjectivesReport(as_of, quarter, len(states), tuple(statuses))


def states_at(session: Session, day: date) -> tuple[Quarter, list[ServiceIndicators]]:
    """Each service's indicators as known at the end of `day` (see the module's docstring)."""
    moment = datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.utc)
    quarter = Quarter.of(datetime.combine(day, time.min, tzinfo=timezone.utc))
    current = quarter_indicators(session, quarter, as_of=moment)
    previous = {s.service_id: s for s in quarter_indicators(session, quarter.previous())}
    states = []
    for state in current:
        before = previous.get(state.service_id)
        states.append(before if state.reference is None and before is not None and before.reference else state)
    return quarter, states


def objectives_at(session: Session, day: date) -> ObjectivesReport:
    quarter, states = states_at(session, day)
    return evaluate(states, day, quarter)
