"""The observatory's grid, as data once: its 12 indicators, each level's label, colour, threshold and whether it reaches the goal.

A `Level` has a stable code for exports, the label the observatory shows, a tone that says whether
it is good news (so that progress can be told between two quarters) and the DSFR colour it is
drawn in. `GRID` lists the observatory's 12 indicators (../shared/OBSERVATORY.md) with their levels;
`GRID[slug].level(figure, reviews)` is the only place a figure becomes an observatory level, by the
observatory's rule: the level of the **highest threshold that is ≤ the figure** (inclusive from
below), "À venir" without a figure, "Nombre d'avis insuffisant" under 100 JeDonneMonAvis reviews.
The report, the dashboard, the API, the exports, the objectives and the e-mails read levels made
here. Veilleur's own measures (axe-core, readability formula, measured online and DLNUF, mobile)
are not in the grid: they keep their own levels (below `MEASURES`) and are shown beside it.
docs/indicators.md is written from this data (a test holds them together).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from foundation import formatting
from foundation.tones import Tone


class Colour(str, Enum):
    """The DSFR colours of the observatory's levels."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    BLUE = "blue"  # the goal reached, on an indicator without a scale (FranceConnect)
    GREY = "grey"  # not a judgement, or no figure

    @property
    def dsfr(self) -> str:
        """The DSFR badge modifier (`fr-badge--…`) that draws this colour."""
        return {Colour.GREEN: "success", Colour.YELLOW: "warning", Colour.RED: "error", Colour.BLUE: "info",
                Colour.GREY: "new"}[self]


_TONE_COLOUR = {Tone.GOOD: Colour.GREEN, Tone.MEDIUM: Colour.YELLOW, Tone.BAD: Colour.RED, Tone.NEUTRAL: Colour.GREY,
                Tone.UNKNOWN: Colour.GREY}


@dataclass(frozen=True)
class Level:
    code: str
    label: str
    tone: Tone
    # The DSFR colour; by default the tone's (good green, medium yellow, bad red, else grey).
    colour: Colour = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.colour is None:
            object.__setattr__(self, "colour", _TONE_COLOUR[self.tone])


# Authentication
FRANCECONNECT_PLUS = Level("franceconnect_plus", "FranceConnect +", Tone.GOOD, Colour.BLUE)
FRANCECONNECT = Level("franceconnect", "FranceConnect", Tone.GOOD, Colour.BLUE)
NOT_APPLICABLE = Level("non_applicable", "Non applicable", Tone.NEUTRAL)
# Yes / partly / no (disability, online end to end)
YES = Level("oui", "Oui", Tone.GOOD)
PARTIAL = Level("partiel", "Partiel", Tone.MEDIUM)
NO = Level("non", "Non", Tone.BAD)
LOCAL_ROLLOUT = Level("deploiement_local", "En cours de déploiement local", Tone.GOOD)
PROACTIVE = Level("proactive", "Démarche proactive", Tone.GOOD, Colour.BLUE)
# Availability, load time, DLNUF, help reachable
OPTIMAL = Level("optimal", "Optimal", Tone.GOOD)
WEAK = Level("faible", "Faible", Tone.BAD)
# Scores out of 10 (shown "8,4 / 10"; these are the labels of the observatory's statistics)
VERY_GOOD = Level("tres_bien", "Très bien", Tone.GOOD)
INSUFFICIENT = Level("insuffisant", "Insuffisant", Tone.MEDIUM)
CRITICAL = Level("critique", "Critique", Tone.BAD)
TOO_FEW_REVIEWS = Level("avis_insuffisants", "Nombre d'avis insuffisant", Tone.UNKNOWN)
# A rate shown as it is (usage, autonomy): grey, the figure is the label
RATE = Level("taux", "Taux", Tone.NEUTRAL)
# No figure, on an observatory indicator
TO_COME = Level("a_venir", "À venir", Tone.UNKNOWN)

# Veilleur's own measures, shown beside the grid (never inside an observatory level)
GREEN = Level("vert", "Bon", Tone.GOOD)
ORANGE = Level("orange", "Moyen", Tone.MEDIUM)
RED = Level("rouge", "Faible", Tone.BAD)
PRESENT = Level("presente", "Présente", Tone.GOOD)
ABSENT = Level("absente", "Absente", Tone.BAD)
DECLARED = Level("declare", "Déclaré", Tone.NEUTRAL)
MEASURED = Level("mesure", "Mesuré", Tone.NEUTRAL)
UNKNOWN = Level("inconnu", "Inconnu", Tone.UNKNOWN)
NO_DATA = Level("non_renseigne", "Non renseigné", Tone.UNKNOWN)

ALL_LEVELS: tuple[Level, ...] = (
    FRANCECONNECT_PLUS, FRANCECONNECT, NOT_APPLICABLE, YES, PARTIAL, NO, LOCAL_ROLLOUT, PROACTIVE, OPTIMAL, WEAK,
    VERY_GOOD, INSUFFICIENT, CRITICAL, TOO_FEW_REVIEWS, RATE, TO_COME,
    GREEN, ORANGE, RED, PRESENT, ABSENT, DECLARED, MEASURED, UNKNOWN, NO_DATA,
)

MIN_REVIEWS = 100  # JeDonneMonAvis figures show only from 100 reviews

# A Veilleur measure out of 10 (readability formula): at least 8 good, at least 5 medium.
SCORE_GREEN = 8.0
SCORE_ORANGE = 5.0


def score_level(score: float | None) -> Level:
    """A Veilleur measure out of 10 (not an observatory indicator): at least 8 good, 5 medium, else weak."""
    if score is None:
        return NO_DATA
    if score >= SCORE_GREEN:
        return GREEN
    if score >= SCORE_ORANGE:
        return ORANGE
    return RED


@dataclass(frozen=True)
class Step:
    """A level of the grid: reached from `threshold` (inclusive) up to the next step's; `goal`
    when it is the level the government's objective asks for."""

    level: Level
    threshold: float | None = None  # None: a labelled level, matched on its label
    goal: bool = False


@dataclass(frozen=True)
class GridIndicator:
    """One of the observatory's 12 indicators.

    `slug` is the observatory's, `key` Veilleur's (exports, API, stored declarations), `grist` the
    column of the observatory's Grist document. `figure` says how the figure is shown in place of a
    level label: "score" ("8,4 / 10"), "percent" ("87 %"), or "" (the level's label is shown).
    """

    slug: str
    key: str
    label: str
    grist: str
    steps: tuple[Step, ...] = ()
    figure: str = ""
    # Figures on the 0–100 scale in Veilleur, 0–1 in the Grist document.
    percent: bool = False
    jdma: bool = False  # a JeDonneMonAvis figure: shown only from MIN_REVIEWS reviews
    not_applicable: bool = False  # "Non applicable" is one of its levels
    no_figure: Level = TO_COME

    @property
    def scaled(self) -> tuple[Step, ...]:
        """The steps with a threshold, lowest threshold first."""
        return tuple(sorted((s for s in self.steps if s.threshold is not None), key=lambda s: s.threshold))

    @property
    def levels(self) -> tuple[Level, ...]:
        """Every level the indicator can show, its steps first."""
        extra = [self.no_figure] + ([TOO_FEW_REVIEWS] if self.jdma else []) + (
            [NOT_APPLICABLE] if self.not_applicable else []) + ([RATE] if not self.steps else [])
        return tuple(dict.fromkeys([s.level for s in self.steps] + extra))

    def level(self, figure: float | None, reviews: int | None = None) -> Level:
        """The level of a figure: the step of the highest threshold ≤ the figure; "À venir"
        without a figure; "Nombre d'avis insuffisant" under 100 reviews (JeDonneMonAvis)."""
        if self.jdma and reviews is not None and reviews < MIN_REVIEWS:
            return TOO_FEW_REVIEWS
        if figure is None:
            return self.no_figure
        if not self.steps:
            return RATE
        reached = [s for s in self.scaled if s.threshold <= figure]
        # Below the lowest threshold (a negative figure) is no level of the grid.
        return reached[-1].level if reached else self.no_figure

    def labelled(self, label: str | None) -> Level:
        """A labelled indicator's level (online, auth), matched on the observatory's label or its code."""
        for step in self.steps:
            if label is not None and label.strip().casefold() in (step.level.label.casefold(), step.level.code):
                return step.level
        if self.not_applicable and label is not None and label.strip().casefold() in ("non applicable", "non_applicable"):
            return NOT_APPLICABLE
        return self.no_figure

    def goal_reached(self, level: Level) -> bool:
        return any(s.goal and s.level == level for s in self.steps)

    def shown(self, level: Level, figure: float | str | None) -> str:
        """What the observatory shows: "8,4 / 10", "87 %", or the level's label."""
        if isinstance(figure, (int, float)) and not isinstance(figure, bool) and level not in (
                TOO_FEW_REVIEWS, NOT_APPLICABLE, self.no_figure):
            if self.figure == "score":
                return formatting.grid_score(figure)
            if self.figure == "percent":
                return formatting.grid_percent(figure)
        return level.label


def _score(slug: str, key: str, label: str, grist: str) -> GridIndicator:
    return GridIndicator(slug, key, label, grist, (
        Step(CRITICAL, 0.0), Step(INSUFFICIENT, 5.0), Step(VERY_GOOD, 8.0, goal=True)), figure="score", jdma=True)


GRID_INDICATORS: tuple[GridIndicator, ...] = (
    GridIndicator("online", "online", "Réalisable en ligne", "Statut_En_ligne", (
        Step(YES, goal=True), Step(LOCAL_ROLLOUT, goal=True), Step(PARTIAL), Step(NO), Step(PROACTIVE, goal=True))),
    _score("satisfaction", "satisfaction", "Satisfaction Usagers", "Note_Satisfaction"),
    GridIndicator("handicap", "handicap", "Prise en compte du handicap", "Taux_RGAA_Publie", (
        Step(NO, 0.0), Step(PARTIAL, 50.0), Step(YES, 100.0, goal=True)), percent=True),
    GridIndicator("dlnuf", "dlnuf", "Dites-le-nous une fois", "Score_DLNUF", (
        Step(OPTIMAL, 0.0, goal=True), Step(PARTIAL, 2.0), Step(WEAK, 5.0)), not_applicable=True),
    GridIndicator("usage", "digital_usage", "Taux d'utilisation de la version numérique", "Recours_au_Numerique",
                  figure="percent", percent=True),
    _score("simplicity", "simplicity", "Clarté du langage", "Note_Clarte_Langage"),
    GridIndicator("help_reachable", "help_reachable", "Aide joignable", "Aide_Joignable", (
        Step(WEAK, 0.0), Step(PARTIAL, 70.0), Step(OPTIMAL, 85.0, goal=True)), figure="percent", percent=True,
        jdma=True),
    _score("help_efficient", "help_efficient", "Aide efficace", "Aide_Efficace"),
    GridIndicator("help_used", "help_used", "Niveau d'autonomie", "Niveau_Autonomie", figure="percent", percent=True,
                  jdma=True),
    GridIndicator("uptime", "uptime", "Disponibilité du service", "Dashlord_UpDown_Dispo", (
        Step(WEAK, 0.0), Step(PARTIAL, 98.5), Step(OPTIMAL, 99.9, goal=True)), percent=True),
    GridIndicator("performance", "load_time", "Temps de chargement des pages", "Dashlord_UpDown_Tps_Moy_Chargement", (
        Step(OPTIMAL, 0.0, goal=True), Step(PARTIAL, 400.0), Step(WEAK, 800.0))),
    GridIndicator("auth", "authentication", "Authentification", "FranceConnect", (
        Step(FRANCECONNECT, goal=True), Step(FRANCECONNECT_PLUS, goal=True), Step(NO)), not_applicable=True),
)

GRID: dict[str, GridIndicator] = {g.slug: g for g in GRID_INDICATORS}
BY_KEY: dict[str, GridIndicator] = {g.key: g for g in GRID_INDICATORS}

# Veilleur's own measures, shown beside the grid: key → the grid indicator they stand beside.
MEASURES: dict[str, str] = {
    "accessibility_axe": "handicap", "readability": "simplicity", "online_measured": "online",
    "dlnuf_measured": "dlnuf", "mobile": "", "non_digital_alternative": "",
}


def shown(key: str, level: Level, figure) -> str:
    """What a reader sees for an indicator (by Veilleur's key): the grid's "8,4 / 10", "87 %" or
    the level's label; a measure's level label."""
    return BY_KEY[key].shown(level, figure) if key in BY_KEY else level.label


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
