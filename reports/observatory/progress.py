"""Progress since the previous quarter: each indicator per service, and per ministry; and the
share of services meeting each objective across quarters (the progress chart's data).

A change is told by the levels' order of merit (good > medium > bad). Levels that are not a
judgement (not applicable, unknown, no data) cannot be compared: going from "unknown" to "Oui" is
shown as "nouveau", never as progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foundation.quarters import Quarter
from reports.observatory.indicators import INDICATORS, Indicator, ServiceIndicators
from reports.observatory.levels import Level
from reports.observatory.objectives import OBJECTIVES, evaluate, states_at
from storage.schema import ServiceRun

BETTER, WORSE, SAME, NEW, LOST, NOT_COMPARABLE = "mieux", "moins bien", "stable", "nouveau", "perdu", "—"


def direction(before: Level | None, after: Level | None) -> str:
    rank_before = before.tone.rank if before else None
    rank_after = after.tone.rank if after else None
    if rank_before is not None and rank_after is not None:
        return BETTER if rank_after > rank_before else WORSE if rank_after < rank_before else SAME
    if rank_after is not None:
        return NEW
    if rank_before is not None:
        return LOST
    return SAME if before == after else NOT_COMPARABLE


@dataclass(frozen=True)
class Change:
    key: str
    before: Indicator | None
    after: Indicator

    @property
    def direction(self) -> str:
        return direction(self.before.level if self.before else None, self.after.level)

    @property
    def delta(self) -> float | None:
        """The change of the figure itself, when both quarters have one."""
        if self.before is None:
            return None
        a, b = self.after.value, self.before.value
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            return round(a - b, 3)
        return None


@dataclass(frozen=True)
class ServiceProgress:
    service_id: str
    service_name: str
    ministry_id: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class MinistryProgress:
    ministry_id: str
    ministry_name: str
    key: str
    good_before: int  # services at a good level in the previous quarter
    good_after: int
    services: int
    better: int
    worse: int


@dataclass(frozen=True)
class QuarterProgress:
    quarter: Quarter
    previous: Quarter
    services: tuple[ServiceProgress, ...]
    ministries: tuple[MinistryProgress, ...]


def compare(current: list[ServiceIndicators], previous: list[ServiceIndicators], quarter: Quarter) -> QuarterProgress:
    before_by_service = {s.service_id: s for s in previous}
    services = []
    for now in current:
        before = before_by_service.get(now.service_id)
        services.append(ServiceProgress(now.service_id, now.service_name, now.ministry_id, tuple(
            Change(i.key, before.get(i.key) if before else None, i) for i in now.indicators
        )))
    ministries = []
    names = {s.ministry_id: s.ministry_name for s in current}
    for ministry_id in sorted(names):
        mine = [p for p in services if p.ministry_id == ministry_id]
        for spec in INDICATORS:
            changes = [next(c for c in p.changes if c.key == spec.key) for p in mine]
            ministries.append(MinistryProgress(
                ministry_id, names[ministry_id], spec.key,
                good_before=sum(1 for c in changes if c.before and c.before.level.tone.rank == 2),
                good_after=sum(1 for c in changes if c.after.level.tone.rank == 2),
                services=len(changes),
                better=sum(1 for c in changes if c.direction == BETTER),
                worse=sum(1 for c in changes if c.direction == WORSE),
            ))
    return QuarterProgress(quarter, quarter.previous(), tuple(services), tuple(ministries))


# ------------------------------------------------------------------------------------------------
# Objectives across quarters


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: tuple[float | None, ...]  # percent of services meeting the objective, per quarter


@dataclass(frozen=True)
class History:
    quarters: tuple[Quarter, ...]
    series: tuple[Series, ...]


def observed_quarters(session: Session, last: Quarter | None = None, at_most: int = 8) -> tuple[Quarter, ...]:
    """The quarters from the first probe to `last` (default: the latest probed), at most `at_most`."""
    first, latest = session.execute(select(func.min(ServiceRun.started_at), func.max(ServiceRun.started_at))
                                    .where(ServiceRun.status == "done")).one()
    if first is None:
        return ()
    quarter = last or Quarter.of(latest)
    quarters = [quarter]
    while len(quarters) < at_most and quarters[-1] > Quarter.of(first):
        quarters.append(quarters[-1].previous())
    return tuple(reversed(quarters))


def objective_history(session: Session, quarters: tuple[Quarter, ...]) -> History:
    """Each objective's share at the end of each quarter."""
    shares: dict[str, list[float | None]] = {o.key: [] for o in OBJECTIVES}
    for quarter in quarters:
        last_day = (quarter.end - timedelta(days=1)).date()
        _, states = states_at(session, last_day)
        report = evaluate(states, last_day, quarter)
        for status in report.statuses:
            shares[status.objective.key].append(status.overall.percent)
    return History(quarters, tuple(Series(o.key, o.label, tuple(shares[o.key])) for o in OBJECTIVES))
