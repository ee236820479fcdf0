"""The levels of the indicators that no check feeds, and the thresholds that turn their figures into a level.

Availability, load time and the declared indicators are judged here; an indicator fed by a check is judged in that check's module (its
`Finding.indicators`), on the same grid (foundation/grid.py, whose levels this module names for
the observatory's screens). The thresholds are the observatory's (issue 6); docs/indicators.md
lists them.
"""

from __future__ import annotations

from foundation.grid import (
    ABSENT,
    ALL_LEVELS,
    DECLARED,
    FRANCECONNECT,
    FRANCECONNECT_PLUS,
    GREEN,
    MEASURED,
    NO,
    NO_DATA,
    NOT_APPLICABLE,
    ORANGE,
    PARTIAL,
    PRESENT,
    RED,
    SCORE_GREEN,
    SCORE_ORANGE,
    TOO_FEW_REVIEWS,
    UNKNOWN,
    YES,
    Level,
    score_level,
)

__all__ = ["ABSENT", "ALL_LEVELS", "DECLARED", "FRANCECONNECT", "FRANCECONNECT_PLUS", "GREEN", "LOAD_GREEN_MS",
           "LOAD_ORANGE_MS", "MEASURED", "NO", "NO_DATA", "NOT_APPLICABLE", "ORANGE", "PARTIAL",
           "PRESENT", "RED", "SCORE_GREEN", "SCORE_ORANGE", "TOO_FEW_REVIEWS", "UNKNOWN", "UPTIME_GREEN",
           "UPTIME_ORANGE", "YES", "Level", "load_time_level", "online_level", "score_level",
           "uptime_level"]

# Thresholds
UPTIME_GREEN = 99.9  # percent, strictly above
UPTIME_ORANGE = 98.5  # percent, at least
LOAD_GREEN_MS = 400.0  # strictly below: Optimal in the observatory's words
LOAD_ORANGE_MS = 800.0  # strictly below: Partiel; from there on, Faible


def uptime_level(percent: float | None) -> Level:
    """Share of probes that reached the service: above 99.9 % green, at least 98.5 % orange."""
    if percent is None:
        return NO_DATA
    if percent > UPTIME_GREEN:
        return GREEN
    if percent >= UPTIME_ORANGE:
        return ORANGE
    return RED


def load_time_level(milliseconds: float | None) -> Level:
    """The address's HTTP response time, with the observatory's boundaries: under 400 ms green
    (Optimal), under 800 ms orange (Partiel), from 800 ms on red (Faible)."""
    if milliseconds is None:
        return NO_DATA
    if milliseconds < LOAD_GREEN_MS:
        return GREEN
    if milliseconds < LOAD_ORANGE_MS:
        return ORANGE
    return RED


def online_level(declared: str | None) -> Level:
    """"Réalisable en ligne", as declared: oui, partiel or non."""
    return {"oui": YES, "partiel": PARTIAL, "non": NO}.get(declared or "", NO_DATA)
