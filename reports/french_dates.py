"""Dates written the way a French reader expects them, in metropolitan French time."""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from foundation.times import as_utc

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def _paris() -> tuple[tzinfo, str]:
    try:
        return ZoneInfo("Europe/Paris"), "heure de Paris"
    except ZoneInfoNotFoundError:
        # A minimal image without tzdata: say UTC rather than show a wrong local time.
        return timezone.utc, "UTC"


def french_date(moment: datetime) -> str:
    """`1er mars 2026`."""
    zone, _ = _paris()
    local = as_utc(moment).astimezone(zone)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {MONTHS[local.month - 1]} {local.year}"


def french_datetime(moment: datetime) -> str:
    """`12 mars 2026 à 14 h 05, heure de Paris`."""
    zone, label = _paris()
    local = as_utc(moment).astimezone(zone)
    return f"{french_date(moment)} à {local.hour} h {local.minute:02d}, {label}"


def french_duration(start: datetime, end: datetime) -> str:
    """How long since `start`, roughly: `moins d’une heure`, `5 heures`, `3 jours`."""
    seconds = max(0.0, (as_utc(end) - as_utc(start)).total_seconds())
    if seconds < 3600:
        return "moins d’une heure"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} heure{'s' if hours > 1 else ''}"
    days = int(seconds // 86400)
    return f"{days} jour{'s' if days > 1 else ''}"
