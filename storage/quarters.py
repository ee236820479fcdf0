"""Quarters, and which run stands for a service in a quarter (its reference run).

Rule: a service's reference run for a quarter is its run in the last full campaign of the quarter
that finished (all units done); if no finished campaign of the quarter probed it, its last
completed run in a full campaign of the quarter (availability checks never stand for a quarter).
Quarters are calendar quarters in UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.schema_models import Campaign, ServiceRun
from foundation.errors import InputError

_QUARTER = re.compile(r"^(\d{4})[-\s]?[Qq]([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _QUARTER.match(text.strip())
        if not match:
            raise InputError(f"quarter {text!r}: expected a form like 2026Q4")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime) -> "Quarter":
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
        return cls(moment.year, (moment.month - 1) // 3 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * (self.number - 1) + 1, 1, tzinfo=timezone.utc)

    @property
    def end(self) -> datetime:
        """Exclusive end: the start of the next quarter."""
        return self.next().start

    def next(self) -> "Quarter":
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def contains(self, moment: datetime) -> bool:
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def reference_runs(session: Session, quarter: Quarter) -> dict[str, ServiceRun]:
    """Each service's reference run for the quarter (services with no run in it are absent)."""
    runs = session.scalars(
        select(ServiceRun).join(Campaign).where(ServiceRun.status == "done", Campaign.kind == "full")
        .order_by(ServiceRun.id)
    ).all()
    in_quarter = [r for r in runs if r.started_at is not None and quarter.contains(_aware(r.started_at))]
    chosen: dict[str, ServiceRun] = {}
    # Later runs overwrite earlier ones; runs of finished campaigns overwrite any unfinished one.
    for prefer_finished in (False, True):
        for run in in_quarter:
            finished = run.campaign.status == "finished"
            if prefer_finished == finished:
                chosen[run.service_id] = run
    return chosen
