"""Progress since the previous quarter: each indicator per service, and per ministry; and the
share of services meeting each objective across quarters (the progress chart's data).

The share of a ministry's services at a good level (`GoodShare`) is computed once, over all its
services, and says which of them it stands on ("2 sur 4 démarches, dont 2 sans donnée"): the
table of progress and the chart of each quarter print the same figure.

A change is told by the levels' order of merit (good > medium > bad). Levels that are not a
judgement (not applicable, unknown, no data) cannot be compared: going from "unknown" to "Oui" is
shown as "nouveau", never as progress. A service (or a ministry's indicator) with no judgement at
all in the previous quarter is "nouveau" as a whole, never "stable" nor "0 en mieux"; the counts
of a `Tally` are those the pages print, so they add up with what they show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foundation import formatting, vocabulary
from foundation.quarters import Quarter
from foundation.tones import Tone
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
    # Two levels that are not judgements: the same statement (not applicable, a declared or
    # measured figure) is stable; "no data" or "unknown" twice is nothing to compare.
    return SAME if before == after and before is not None and before.tone == Tone.NEUTRAL else NOT_COMPARABLE


@dataclass(frozen=True)
class Change:
    key: str
    before: Indicator | None
    after: Indicator

    @property
    def direction(self) -> str:
        return direction(self.before.level if self.before else None, self.after.level)

    @property
    def judged_before(self) -> bool:
        return self.before is not None and self.before.level.tone.rank is not None

    @property
    def delta(self) -> float | None:
        """The change of the published figure, when both quarters have one."""
        if self.before is None:
            return None
        a, b = self.after.value, self.before.value
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
            return formatting.difference(a, b)
        return None

    def text(self) -> str:
        """`mieux (+2,5)`, `nouveau`, `stable`, `—`: the change as every page prints it."""
        shown = self.direction
        if self.delta and self.direction != NOT_COMPARABLE:
            shown += f" ({formatting.signed(self.delta, self.after.spec.kind)})"
        return shown


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


@dataclass(frozen=True)
class Tally:
    """How a set of changes went (a service's indicators, or one indicator over a ministry's services)."""

    better: int = 0
    worse: int = 0
    same: int = 0  # judged in both quarters, at the same rank
    new: int = 0
    lost: int = 0
    judged_before: int = 0  # changes with a judgement in the previous quarter

    @classmethod
    def of(cls, changes) -> "Tally":
        changes = list(changes)
        directions = [c.direction for c in changes]
        return cls(
            better=directions.count(BETTER), worse=directions.count(WORSE),
            same=sum(1 for c in changes if c.direction == SAME and c.judged_before),
            new=directions.count(NEW), lost=directions.count(LOST),
            judged_before=sum(1 for c in changes if c.judged_before),
        )

    @property
    def summary(self) -> str:
        """`nouveau` when nothing was judged in the previous quarter; else what changed
        (`1 en mieux, 2 nouveaux`), `stable` when nothing did; `—` with nothing to compare."""
        if self.judged_before == 0:
            return NEW if self.new else NOT_COMPARABLE
        parts = []
        if self.better:
            parts.append(f"{self.better} en mieux")
        if self.worse:
            parts.append(f"{self.worse} en moins bien")
        if self.new:
            parts.append(_plural(self.new, "nouveau", "nouveaux"))
        if self.lost:
            parts.append(_plural(self.lost, "perdu", "perdus"))
        return ", ".join(parts) or SAME


@dataclass(frozen=True)
class ServiceProgress:
    service_id: str
    service_name: str
    ministry_id: str
    changes: tuple[Change, ...]

    def change(self, key: str) -> Change:
        return next(c for c in self.changes if c.key == key)

    def tally(self, keys: tuple[str, ...] | None = None) -> Tally:
        """How the service's indicators (or those of `keys`) went since the previous quarter."""
        return Tally.of(c for c in self.changes if keys is None or c.key in keys)


@dataclass(frozen=True)
class GoodShare:
    """The services of a set at a good level of one indicator, over all the services of the set:
    those without data (unknown, not measured) and those whose level is no judgement (not
    applicable, a declared figure) stay in the denominator, and are named beside the share."""

    services: int
    good: int
    without_data: int = 0
    not_judged: int = 0

    @classmethod
    def of(cls, levels) -> "GoodShare":
        """From each service's level (None: the service had no state at all then, so no data)."""
        tones = [level.tone if level is not None else Tone.UNKNOWN for level in levels]
        return cls(services=len(tones), good=tones.count(Tone.GOOD), without_data=tones.count(Tone.UNKNOWN),
                   not_judged=tones.count(Tone.NEUTRAL))

    @property
    def judged(self) -> int:
        return self.services - self.without_data - self.not_judged

    @property
    def percent(self) -> float | None:
        """Percent of all the services; None when none of them was judged (nothing to show)."""
        return 100.0 * self.good / self.services if self.judged else None

    @property
    def basis(self) -> str:
        """`sur 4 démarches, dont 2 sans donnée`: the services the share stands on."""
        text = f"sur {vocabulary.count(self.services, 'démarche', 'démarches')}"
        parts = []
        if self.without_data:
            parts.append(f"{self.without_data} sans donnée")
        if self.not_judged:
            parts.append(f"{self.not_judged} sans niveau jugé (non applicable ou déclaré)")
        return text + (", dont " + " et ".join(parts) if parts else "")

    @property
    def text(self) -> str:
        """`2 sur 4 démarches, dont 2 sans donnée (50 %)`, or `aucune donnée` when none was judged."""
        if self.percent is None:
            return "aucune donnée"
        return f"{self.good} {self.basis} ({formatting.share(self.percent)})"


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
    tally: Tally = Tally()
    # The shares the pages print, from the same levels as the counts above.
    before: GoodShare = GoodShare(0, 0)
    after: GoodShare = GoodShare(0, 0)

    @property
    def judged_before(self) -> int:
        """Services with a judgement of this indicator in the previous quarter: none, and the
        pages say "aucune donnée" rather than "0 sur 4"."""
        return self.tally.judged_before


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
    # A ministry without an active service (empty, or all its services retired) is not listed.
    names = {s.ministry_id: s.ministry_name for s in current if s.active}
    for ministry_id in sorted(names):
        mine = [p for p in services if p.ministry_id == ministry_id]
        for spec in INDICATORS:
            changes = [p.change(spec.key) for p in mine]
            tally = Tally.of(changes)
            before = GoodShare.of(c.before.level if c.before else None for c in changes)
            after = GoodShare.of(c.after.level for c in changes)
            ministries.append(MinistryProgress(
                ministry_id, names[ministry_id], spec.key, good_before=before.good, good_after=after.good,
                services=len(changes), better=tally.better, worse=tally.worse, tally=tally, before=before, after=after,
            ))
    return QuarterProgress(quarter, quarter.previous(), tuple(services), tuple(ministries))


# ------------------------------------------------------------------------------------------------
# Objectives across quarters


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: tuple[float | None, ...]  # percent of services meeting the objective, per quarter
    # How the points are written (foundation/formatting.py), and what brings them to the chart's
    # 0–100 scale (a score out of 10 is drawn ×10, and still written "8,7/10").
    kind: str = "share"
    scale: float = 1.0


@dataclass(frozen=True)
class History:
    # The points in time: quarters, or visits (their start, or their name when it is unknown),
    # which the chart labels with their time when two fall on one day.
    quarters: tuple[Quarter | datetime | str, ...]
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
