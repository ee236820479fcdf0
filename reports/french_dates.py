"""Dates written the way a French reader expects them, in metropolitan French time: the names this
module always had, for the code that imports them, bound to the one date functions of
foundation/formatting.py (no second way of writing a date lives here)."""

from __future__ import annotations

from foundation.formatting import MONTHS
from foundation.formatting import date as french_date
from foundation.formatting import date_time as french_datetime
from foundation.formatting import elapsed as french_duration
from foundation.times import as_utc

__all__ = ["MONTHS", "as_utc", "french_date", "french_datetime", "french_duration"]
