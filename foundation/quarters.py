"""Quarters of the calendar, in UTC: the period every indicator is computed for.

A quarter is written like 2026Q4 (also 2026-Q4, 2026 q4); `Quarter.parse` is the one reader of
that text, and names the bad input in an InputError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from foundation.errors import InputError
from foundation.times import as_utc

_QUARTER = re.compile(r"^(\d{4})[-\s]?[Qq]([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _QUARTER.match(text.strip())
        if not match:
            raise InputError(f"trimestre « {text} » : attendu sous la forme `2026Q4` (année, Q, numéro du trimestre de 1 à 4)")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, moment: datetime) -> "Quarter":
        moment = as_utc(moment)
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
        return self.start <= as_utc(moment) < self.end

    @property
    def label(self) -> str:
        """As a person reads it: "4e trimestre 2026" (the code stays for commands and data)."""
        # Imported here: the vocabulary loads babel, which most readers of a quarter never need.
        from foundation.vocabulary import quarter

        return quarter(self.year, self.number)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"
