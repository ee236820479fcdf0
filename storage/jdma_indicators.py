"""The five JeDonneMonAvis indicators of a démarche over 12 rolling months, computed from the review export its owner downloads.

The export (JeDonneMonAvis's back office, one row per review) has `Review ID`, `Review Created At`
and one column per question of the form, titled with the question's label. The observatory's
methods (../shared/OBSERVATORY.md), per review of the 12 months before the end date:

- satisfaction: « De façon générale, comment ça s'est passé ? » — Très bien 10, Moyen 5, Pas bien 0;
- clarté du langage: « Qu'avez-vous pensé des informations et des instructions fournies ? »
  (formerly « Que pensez-vous du langage utilisé ? »), 1 to 5 weighted 0 / 2,5 / 5 / 7,5 / 10;
- aide joignable: among the reviews that answered whether they reached the administration (one
  Oui/Non column per channel), the share that reached it on at least one channel;
- aide efficace: the quality of the help obtained (one column per channel, Très mauvaise to
  Excellente weighted 0 / 2,5 / 5 / 7,5 / 10), each review's channels averaged, then the reviews;
- niveau d'autonomie: among the reviews that answered « avez-vous tenté d'obtenir de l'aide … ? »,
  the share that sought help (anything but « Je n'ai pas eu besoin d'aide »).

Each figure is shown only from 100 reviews in the window (the grid's "Nombre d'avis insuffisant");
the levels are the grid's (foundation/grid.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

from foundation import formatting
from foundation.errors import InputError
from foundation.grid import GRID, Level
from foundation.times import as_utc
from storage.csv_table import CsvRow, CsvTable, read_csv_table
from storage.values import header_key, plain_text

REVIEW_DATE = {"reviewcreatedat", "datedelavis", "dateavis", "createdat"}
SATISFACTION = {"defacongeneralecommentcasestpasse", "satisfaction", "commentsestpasseecettedemarchepourvous"}
CLARITY = {"quavezvouspensedesinformationsetdesinstructionsfournies", "clartedesinformations",
           "quepensezvousdulangageutilise"}
HELP_TRIED = {header_key("Durant votre parcours, avez-vous tenté d’obtenir de l’aide par l’un des moyens suivants ?")}
# One column per channel, in the form's words.
REACHED = {header_key(f"{channel} avec l’administration") for channel in
           ("Au guichet", "Par téléphone", "Par e-mail", "Par chat")}
QUALITY = {header_key(channel) for channel in ("Au guichet", "Par téléphone", "Par e-mail", "Par chat")}

SMILEY = {"tres bien": 10.0, "bien": 10.0, "moyen": 5.0, "pas bien": 0.0, "mauvais": 0.0,
          "good": 10.0, "medium": 5.0, "bad": 0.0}  # labels, or the smiley codes of the form
FIVE_POINTS = {"1": 0.0, "2": 2.5, "3": 5.0, "4": 7.5, "5": 10.0}
QUALITY_POINTS = {"tres mauvaise": 0.0, "mauvaise": 2.5, "ni bonne, ni mauvaise": 5.0, "ni bonne ni mauvaise": 5.0,
                  "bonne": 7.5, "excellente": 10.0}
YES_NO = {"oui": True, "non": False}
NO_HELP_NEEDED = "je n'ai pas eu besoin d'aide"


@dataclass(frozen=True)
class Review:
    """One review's answers to the questions the observatory counts (None: not answered)."""

    row: int
    created_at: datetime
    satisfaction: float | None
    clarity: float | None
    reached: bool | None  # reached the administration on at least one channel
    help_quality: float | None  # mean of the channels' ratings, 0–10
    sought_help: bool | None


@dataclass(frozen=True)
class JdmaFigure:
    """One JeDonneMonAvis indicator: its figure (a score out of 10 or a percentage), the answers
    it rests on and the reviews of the window, which decide whether it is shown."""

    slug: str
    value: float | None
    answers: int
    reviews: int

    @property
    def level(self) -> Level:
        return GRID[self.slug].level(self.value, self.reviews)

    @property
    def shown(self) -> str:
        return GRID[self.slug].shown(self.level, self.value)


@dataclass(frozen=True)
class JdmaFigures:
    start: datetime
    end: datetime
    reviews: int
    figures: tuple[JdmaFigure, ...]

    def get(self, slug: str) -> JdmaFigure:
        return next(f for f in self.figures if f.slug == slug)


def _column(table: CsvTable, names: set[str]) -> str | None:
    return next((key for key in table.columns if key in names), None)


def _date(table: CsvTable, row: CsvRow, column: str) -> datetime:
    raw = row.cells[column].strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y"):
        try:
            return as_utc(datetime.strptime(raw.removesuffix("Z").split(".")[0], fmt))
        except ValueError:
            continue
    raise table.error(row.number, column, f"date attendue, par exemple 2026-11-03 14:05:00 ; lu {raw!r}")


def _answer(table: CsvTable, row: CsvRow, column: str | None, marks: dict, expected: str):
    if column is None:
        return None
    text = plain_text(row.cells[column])
    if not text:
        return None
    if text not in marks:
        raise table.error(row.number, column, f"réponse inconnue {row.cells[column]!r} (attendu : {expected})")
    return marks[text]


def read_reviews(path: Path) -> list[Review]:
    """Every review of a JeDonneMonAvis export, validated whole: a wrong answer or date is
    reported with its row and column, and nothing is returned."""
    table = read_csv_table(path)
    date_column = _column(table, REVIEW_DATE)
    satisfaction = _column(table, SATISFACTION)
    if date_column is None or satisfaction is None:
        raise table.error(1, None, "ce n'est pas un export d'avis JeDonneMonAvis : il faut les colonnes "
                                   "'Review Created At' et « De façon générale, comment ça s'est passé ? »")
    clarity, tried = _column(table, CLARITY), _column(table, HELP_TRIED)
    reached = [key for key in table.columns if key in REACHED]
    quality = [key for key in table.columns if key in QUALITY]
    reviews: list[Review] = []
    errors = table.error_list()
    for row in table.rows:
        try:
            reached_answers = [_answer(table, row, c, YES_NO, "Oui ou Non") for c in reached]
            ratings = [_answer(table, row, c, QUALITY_POINTS, "Très mauvaise à Excellente") for c in quality]
            tried_text = plain_text(row.cells[tried]) if tried else ""
            answered_reached = [a for a in reached_answers if a is not None]
            answered_ratings = [r for r in ratings if r is not None]
            reviews.append(Review(
                row=row.number, created_at=_date(table, row, date_column),
                satisfaction=_answer(table, row, satisfaction, SMILEY, "Très bien, Moyen ou Pas bien"),
                clarity=_answer(table, row, clarity, FIVE_POINTS, "une note de 1 à 5"),
                reached=any(answered_reached) if answered_reached else None,
                help_quality=(float(sum(Fraction(repr(r)) for r in answered_ratings) / len(answered_ratings))
                              if answered_ratings else None),
                sought_help=(tried_text != NO_HELP_NEEDED) if tried_text else None,
            ))
        except InputError as exc:
            errors.add(exc, at=row.number)
    errors.raise_if_any()
    return reviews


def _year_before(end: datetime) -> datetime:
    try:
        return end.replace(year=end.year - 1)
    except ValueError:  # 29 February: a year before is 28 February
        return (end - timedelta(days=1)).replace(year=end.year - 1)


def _mean(values: list[float]) -> float | None:
    return float(sum(Fraction(repr(v)) for v in values) / len(values)) if values else None


def _share(flags: list[bool]) -> float | None:
    return float(Fraction(100 * sum(flags), len(flags))) if flags else None


def jdma_figures(reviews: list[Review], end: datetime) -> JdmaFigures:
    """The five indicators over the 12 months before `end` (exclusive), each published truncated
    to the decimals of its kind (foundation/formatting.py)."""
    start = _year_before(as_utc(end))
    window = [r for r in reviews if start <= r.created_at < as_utc(end)]
    count = len(window)

    def figure(slug: str, values: list, compute, kind: str) -> JdmaFigure:
        return JdmaFigure(slug, formatting.rounded_as(compute(values), kind), len(values), count)

    return JdmaFigures(start, as_utc(end), count, (
        figure("satisfaction", [r.satisfaction for r in window if r.satisfaction is not None], _mean, "score"),
        figure("simplicity", [r.clarity for r in window if r.clarity is not None], _mean, "score"),
        figure("help_reachable", [r.reached for r in window if r.reached is not None], _share, "percent"),
        figure("help_efficient", [r.help_quality for r in window if r.help_quality is not None], _mean, "score"),
        figure("help_used", [r.sought_help for r in window if r.sought_help is not None], _share, "percent"),
    ))
