"""Times are UTC everywhere: the database may hand back naive datetimes (SQLite), read them as UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import overload


@overload
def as_utc(moment: datetime) -> datetime: ...


@overload
def as_utc(moment: None) -> None: ...


def as_utc(moment: datetime | None) -> datetime | None:
    """The same instant in UTC; a naive datetime is taken to be in UTC already. None stays None
    (a column not filled yet)."""
    if moment is None:
        return None
    # SQLite keeps no offset: what Veilleur wrote there in UTC comes back naive.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
