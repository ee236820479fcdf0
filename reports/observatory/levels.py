"""The levels of the indicators that no check feeds, each read from the observatory's grid (foundation/grid.py).

Availability, load time, the JeDonneMonAvis figures and the declared indicators are judged here;
an indicator fed by a check is judged in that check's module (its `Finding.indicators`), on the
same grid. No threshold is written here: every one is in `foundation.grid.GRID`, which
docs/indicators.md is checked against.
"""

from __future__ import annotations

from foundation.grid import (
    ABSENT,
    ALL_LEVELS,
    CRITICAL,
    DECLARED,
    FRANCECONNECT,
    FRANCECONNECT_PLUS,
    GREEN,
    GRID,
    INSUFFICIENT,
    LOCAL_ROLLOUT,
    MEASURED,
    MIN_REVIEWS,
    NO,
    NO_DATA,
    NOT_APPLICABLE,
    OPTIMAL,
    ORANGE,
    PARTIAL,
    PRESENT,
    PROACTIVE,
    RATE,
    RED,
    SCORE_GREEN,
    SCORE_ORANGE,
    TO_COME,
    TOO_FEW_REVIEWS,
    UNKNOWN,
    VERY_GOOD,
    WEAK,
    YES,
    Level,
    score_level,
)

__all__ = ["ABSENT", "ALL_LEVELS", "CRITICAL", "DECLARED", "FRANCECONNECT", "FRANCECONNECT_PLUS", "GREEN",
           "INSUFFICIENT", "LOCAL_ROLLOUT", "MEASURED", "MIN_REVIEWS", "NO", "NO_DATA", "NOT_APPLICABLE", "OPTIMAL", "ORANGE",
           "PARTIAL", "PRESENT", "PROACTIVE", "RATE", "RED", "SCORE_GREEN", "SCORE_ORANGE", "TO_COME", "TOO_FEW_REVIEWS",
           "UNKNOWN", "VERY_GOOD", "WEAK", "YES", "Level", "dlnuf_level", "jdma_level", "load_time_level",
           "online_level", "score_level", "uptime_level"]


def jdma_level(slug: str, figure: float | None, reviews: int | None) -> Level:
    """A JeDonneMonAvis indicator (satisfaction, simplicity, help_*) on the grid."""
    return GRID[slug].level(figure, reviews)


def uptime_level(percent: float | None) -> Level:
    """Share of probes that reached the service: from 99.9 % Optimal, from 98.5 % Partiel, else Faible."""
    return GRID["uptime"].level(percent)


def load_time_level(milliseconds: float | None) -> Level:
    """The address's HTTP response time: under 400 ms Optimal, from 400 ms Partiel, from 800 ms Faible."""
    return GRID["performance"].level(milliseconds)


def dlnuf_level(score: float | None) -> Level:
    """Declared "Dites-le-nous une fois" score: 0–1 Optimal, 2–4 Partiel, from 5 Faible."""
    return GRID["dlnuf"].level(score)


def online_level(declared: str | None) -> Level:
    """"Réalisable en ligne", as declared: the observatory's label (Oui, Partiel, Non, …) or its code."""
    return GRID["online"].labelled(declared)
