"""The observatory's levels, and the thresholds that turn a figure into a level.

Each function takes the figure (or the status a check found) and returns a `Level`: a stable code
for exports, the label the observatory shows, and a tone that says whether it is good news, so
that progress can be told between two quarters. The thresholds are the observatory's (issue 6);
docs/indicators.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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

# Thresholds
SCORE_GREEN = 8.0  # out of 10, at least
SCORE_ORANGE = 5.0
MIN_REVIEWS = 100  # fewer reviews: "Nombre d'avis insuffisant"
RGAA_FULL = 100.0  # declared conformity rate, percent
RGAA_PARTIAL = 50.0
STATEMENT_MAX_AGE_YEARS = 3
UPTIME_GREEN = 99.9  # percent, strictly above
UPTIME_ORANGE = 98.5  # percent, at least
LOAD_GREEN_MS = 400.0  # strictly below: Optimal in the observatory's words
LOAD_ORANGE_MS = 800.0  # strictly below: Partiel; from there on, Faible


def authentication_level(franceconnect_status: str | None, has_account: bool) -> Level:
    """From the `franceconnect` check; "Non applicable" when the registry says there is no account."""
    if not has_account:
        return NOT_APPLICABLE
    return {"franceconnect_plus": FRANCECONNECT_PLUS, "franceconnect": FRANCECONNECT, "absent": NO}.get(
        franceconnect_status or "", UNKNOWN)


def statement_expired(statement_date: date, as_of: date) -> bool:
    """Whether an accessibility statement is over three years old on `as_of`."""
    try:
        anniversary = statement_date.replace(year=statement_date.year + STATEMENT_MAX_AGE_YEARS)
    except ValueError:  # 29 February → 28 February
        anniversary = statement_date.replace(year=statement_date.year + STATEMENT_MAX_AGE_YEARS, day=28)
    return as_of > anniversary


def handicap_level(statement_status: str | None, rate: float | None, expired: bool) -> Level:
    """"Prise en compte du handicap", from the declared RGAA rate only (never from axe-core).

    100 % → Oui, at least 50 % → Partiel, below → Non. No statement, or one over three years old,
    is Non. A statement that says "totalement conforme" without a figure stands for 100 %; one
    that gives no rate otherwise cannot be shown to reach 50 %, so it is Non.
    """
    if statement_status in (None, "unknown"):
        return UNKNOWN
    if statement_status == "absent" or expired:
        return NO
    if rate is None:
        return YES if statement_status == "totalement" else NO
    if rate >= RGAA_FULL:
        return YES
    if rate >= RGAA_PARTIAL:
        return PARTIAL
    return NO


def score_level(score: float | None) -> Level:
    """A score out of 10: at least 8 green, at least 5 orange, else red."""
    if score is None:
        return NO_DATA
    if score >= SCORE_GREEN:
        return GREEN
    if score >= SCORE_ORANGE:
        return ORANGE
    return RED


def satisfaction_level(score: float | None, reviews: int | None, button_status: str | None) -> Level:
    """"Satisfaction usagers": the imported JeDonneMonAvis score, once there are 100 reviews.

    Without an imported score, a missing button is Non (no way for users to give their opinion).
    """
    if score is not None and reviews is not None:
        return TOO_FEW_REVIEWS if reviews < MIN_REVIEWS else score_level(score)
    if button_status == "absent":
        return NO
    if button_status in (None, "unknown"):
        return UNKNOWN
    return NO_DATA


def readability_level(status: str | None, score: float | None) -> Level:
    if status != "measured" or score is None:
        return UNKNOWN
    return score_level(score)


def alternative_level(status: str | None) -> Level:
    return {"present": PRESENT, "absent": ABSENT}.get(status or "", UNKNOWN)


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


def online_measured_level(status: str | None) -> Level:
    """"Réalisable en ligne", as the `online_procedure` check saw it on the site: a start control
    leading to an online form (Oui), a required step off line (Partiel), paper only (Non)."""
    return {"online": YES, "partial": PARTIAL, "offline": NO}.get(status or "", UNKNOWN)


# "Dites-le-nous une fois", measured: supporting documents asked that the administration already
# holds (and could fetch itself through an API). 0–1 green, 2–4 orange, more than 4 red.
DLNUF_GREEN_MAX = 1
DLNUF_ORANGE_MAX = 4


def dlnuf_measured_level(status: str | None, held: int | None) -> Level:
    if status != "measured" or held is None:
        return UNKNOWN
    if held <= DLNUF_GREEN_MAX:
        return GREEN
    if held <= DLNUF_ORANGE_MAX:
        return ORANGE
    return RED


def mobile_level(status: str | None) -> Level:
    """"Compatibilité mobile": usable on a 360 px wide phone screen (Oui) or not (Non)."""
    return {"compatible": YES, "incompatible": NO}.get(status or "", UNKNOWN)
