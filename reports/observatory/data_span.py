"""From when the database holds data: a quarter or a day asked for outside it is refused with a
French line naming the option (`export --quarter 1999Q1`), instead of answering with an empty table
that reads as if every service missed everything."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foundation import formatting
from foundation.errors import InputError
from foundation.quarters import Quarter
from foundation.times import as_utc
from storage.schema import DeclaredIndicator, Ministry, SatisfactionScore, ServiceRun


def first_data_quarter(session: Session) -> Quarter | None:
    """The earliest quarter with a visit or an imported figure; None when there is none."""
    quarters = []
    first_run = session.scalar(select(func.min(ServiceRun.started_at)))
    if first_run is not None:
        quarters.append(Quarter.of(as_utc(first_run)))
    for column in (SatisfactionScore.quarter, DeclaredIndicator.quarter):
        text = session.scalar(select(func.min(column)))
        if text:
            quarters.append(Quarter.parse(text))
    return min(quarters) if quarters else None


def require_quarter_with_data(session: Session, quarter: Quarter, option: str = "--quarter") -> None:
    """Refuse a quarter after the current one, or before the first one with data."""
    current = Quarter.of(datetime.now(timezone.utc))
    if quarter > current:
        raise InputError(f"{option} {quarter} : le {quarter.label} n’a pas commencé "
                         f"(trimestre en cours : {current.label})")
    first = first_data_quarter(session)
    if first is not None and quarter < first:
        raise InputError(f"{option} {quarter} : aucune donnée au {quarter.label} ; les données commencent "
                         f"au {first.label}")


def require_day_with_data(session: Session, day: date, option: str = "--date") -> None:
    """Refuse a day before the first visit recorded (the objectives would all read as missed)."""
    first_run = session.scalar(select(func.min(ServiceRun.started_at)))
    if first_run is not None and day < formatting.paris_time(as_utc(first_run)).date():
        raise InputError(f"{option} {day.isoformat()} : aucune donnée avant le {formatting.date(first_run)} "
                         "(première visite enregistrée)")


def require_ministry(session: Session, ministry_id: str, option: str = "--ministry") -> None:
    if session.get(Ministry, ministry_id) is None:
        raise InputError(f"{option} {ministry_id} : aucun ministère de ce nom dans le registre")
