"""Whether a service is one of the State's essential online services ("démarches essentielles").

A service is in scope when any one criterion holds: more than 200,000 uses a year, it opens a
national financial aid, it belongs to one of the ten "moments de vie", or it is listed on the
Portail Numérique Unique.
"""

from __future__ import annotations

from dataclasses import dataclass

VOLUME_THRESHOLD = 200_000


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]

    def summary(self) -> str:
        return ", ".join(self.reasons) if self.eligible else "non"


def eligibility(annual_volume: int | None, financial_aid: bool, life_events: list[str], pnu: bool) -> Eligibility:
    reasons: list[str] = []
    if annual_volume is not None and annual_volume > VOLUME_THRESHOLD:
        reasons.append("volume > 200 000/an")
    if financial_aid:
        reasons.append("aide financière nationale")
    if life_events:
        reasons.append("moment de vie")
    if pnu:
        reasons.append("Portail Numérique Unique")
    return Eligibility(bool(reasons), tuple(reasons))
