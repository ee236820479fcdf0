"""The observatory's grid: the levels an indicator takes, the shape of an indicator, and the score scale.

A `Level` has a stable code for exports, the label the observatory shows, and a tone that says
whether it is good news, so that progress can be told between two quarters. The checks that feed
an indicator judge their level on this grid (each in its own module, with its thresholds); the
indicators that no check feeds (availability, load time, declarations, satisfaction) judge theirs
in reports/observatory/levels.py. docs/indicators.md lists every threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from foundation import formatting
from foundation.tones import Tone


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    tone: Tone


# Authentication
FRANCECONNECT_PLUS = Level("franceconnect_plus", "FranceConnect+", Tone.GOOD)
FRANCECONNECT = Level("franceconnect", "FranceConnect", Tone.GOOD)
NOT_APPLICABLE = Level("non_applicable", "Non applicable", Tone.NEUTRAL)
# Yes / partly / no (disability, online end to end)
YES = Level("oui", "Oui", Tone.GOOD)
PARTIAL = Level("partiel", "Partiel", Tone.MEDIUM)
NO = Level("non", "Non", Tone.BAD)
# Scores out of 10, uptime, load time
GREEN = Level("vert", "Vert", Tone.GOOD)
ORANGE = Level("orange", "Orange", Tone.MEDIUM)
RED = Level("rouge", "Rouge", Tone.BAD)
TOO_FEW_REVIEWS = Level("avis_insuffisants", "Nombre d'avis insuffisant", Tone.UNKNOWN)
# Non-digital alternative
PRESENT = Level("presente", "Présente", Tone.GOOD)
ABSENT = Level("absente", "Absente", Tone.BAD)
# Figures shown as they are
DECLARED = Level("declare", "Déclaré", Tone.NEUTRAL)
MEASURED = Level("mesure", "Mesuré", Tone.NEUTRAL)
# No figure
UNKNOWN = Level("inconnu", "Inconnu", Tone.UNKNOWN)
NO_DATA = Level("non_renseigne", "Non renseigné", Tone.UNKNOWN)

ALL_LEVELS: tuple[Level, ...] = (
    FRANCECONNECT_PLUS, FRANCECONNECT, NOT_APPLICABLE, YES, PARTIAL, NO, GREEN, ORANGE, RED, TOO_FEW_REVIEWS,
    PRESENT, ABSENT, DECLARED, MEASURED, UNKNOWN, NO_DATA,
)

SCORE_GREEN = 8.0  # out of 10, at least
SCORE_ORANGE = 5.0


def score_level(score: float | None) -> Level:
    """A score out of 10: at least 8 green, at least 5 orange, else red."""
    if score is None:
        return NO_DATA
    if score >= SCORE_GREEN:
        return GREEN
    if score >= SCORE_ORANGE:
        return ORANGE
    return RED


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator of the observatory: its key in exports, its label, where its figure comes from
    and what it means (the data dictionary), and its place among the indicators."""

    key: str
    label: str
    origin: str  # where the figure comes from, for the data dictionary
    value_meaning: str
    # What kind of figure the value is (foundation/formatting.py): score, percent, duration,
    # violations; "status" for a text value, which the level's label says.
    kind: str = "status"
    count_meaning: str | None = None
    # Place among the indicators in tables, exports and charts, lowest first.
    position: int = 1000

    def published(self, value):
        """The figure as the observatory publishes it: truncated to the decimals of its kind."""
        return formatting.rounded_as(value, self.kind)
