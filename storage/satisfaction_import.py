"""Importing user satisfaction from JeDonneMonAvis (`veilleur import satisfaction FILE`).

Two kinds of file are accepted (docs/indicators.md):

- the review export of one démarche, as JeDonneMonAvis's back office writes it: `Review ID`,
  `Review Created At`, then one column per question, among them the main one ("De façon générale,
  comment ça s'est passé ?", alias "Satisfaction") answered "Très bien", "Moyen" or "Pas bien".
  The file does not say which démarche it is: the command is told (--demarche or --service).
  Each quarter's score is computed as JeDonneMonAvis computes it for the observatory: the mean
  of 10 per "Très bien", 5 per "Moyen" and 0 per "Pas bien", over the reviews of the quarter that
  answered the question;
- a summary, one row per démarche (or service) and quarter: `demarche_id` or `service_id`,
  `quarter`, `score` (out of 10) and `reviews` (how many reviews the score rests on).

The whole file is validated before anything is written, and every mistake in it is reported at
once; a quarter imported again replaces the figures of the same démarche (or service) for that
quarter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from foundation.errors import InputError, InputErrors
from foundation.quarters import Quarter
from foundation.times import as_utc
from storage.csv_table import CsvRow, CsvTable, parse_count, parse_number, read_csv_table
from storage.jdma_indicators import Review, jdma_figures, read_reviews
from storage.schema import JdmaFigureRecord, SatisfactionScore, Service
from storage.values import plain_text

# JeDonneMonAvis's marks for the main question (its observatory statistics use the same).
SMILEY_MARKS: dict[str, float] = {"tres bien": 10.0, "bien": 10.0, "moyen": 5.0, "pas bien": 0.0, "mauvais": 0.0}

REVIEW_ID = {"reviewid", "iddelavis", "idavis"}
REVIEW_DATE = {"reviewcreatedat", "datedelavis", "dateavis", "createdat"}
SATISFACTION_QUESTION = {
    "defacongeneralecommentcasestpasse",  # current form
    "satisfaction",  # the question's alias in JeDonneMonAvis
    "commentsestpasseecettedemarchepourvous",  # earlier form
}
SUMMARY_DEMARCHE = {"demarcheid", "iddemarche", "demarche", "productid"}
SUMMARY_SERVICE = {"serviceid", "service"}
SUMMARY_QUARTER = {"quarter", "trimestre"}
SUMMARY_SCORE = {"score", "satisfaction", "note", "notesatisfaction"}
SUMMARY_REVIEWS = {"reviews", "avis", "nombreavis", "nombredavis", "nbavis", "reviewcount"}


@dataclass(frozen=True)
class QuarterScore:
    quarter: Quarter
    demarche_id: str | None
    service_id: str | None
    score: float
    reviews: int
    source: str


@dataclass(frozen=True)
class SatisfactionImport:
    kind: str  # "review export" or "summary"
    scores: list[QuarterScore]
    skipped_reviews: int  # reviews that did not answer the main question


def _column(table: CsvTable, names: set[str]) -> str | None:
    return next((key for key in table.columns if key in names), None)


def _review_date(table: CsvTable, row: CsvRow, column: str) -> datetime:
    raw = row.cells[column].strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y"):
        try:
            moment = datetime.strptime(raw.removesuffix("Z").split(".")[0], fmt)
        except ValueError:
            continue
        return as_utc(moment)  # JeDonneMonAvis writes UTC
    raise table.error(row.number, column, f"attendu : une date comme 2026-11-03 14:05:00 ; reçu « {raw} »")


def _read_review_export(table: CsvTable, demarche_id: str | None, service_id: str | None) -> SatisfactionImport:
    if not (demarche_id or service_id):
        raise InputError(
            f"{table.path} : un export d’avis JeDonneMonAvis ne dit pas de quelle démarche il parle : "
            "précisez --demarche ID (ou --service ID)"
        )
    date_column = _column(table, REVIEW_DATE)
    if date_column is None:
        raise table.error(1, None, "pas de colonne « Review Created At » (la date de chaque avis)")
    question = _column(table, SATISFACTION_QUESTION)
    if question is None:
        raise table.error(
            1, None, "pas de colonne de satisfaction (« De façon générale, comment ça s'est passé ? » ou « Satisfaction »)"
        )
    marks: dict[Quarter, list[float]] = defaultdict(list)
    rows: dict[Quarter, list[int]] = defaultdict(list)
    skipped = 0
    errors = table.error_list()
    for row in table.rows:
        answer = plain_text(row.cells[question])
        if not answer:
            skipped += 1
            continue
        if answer not in SMILEY_MARKS:
            errors.add(table.error(row.number, question, f"réponse inconnue « {row.cells[question]} » (attendu : Très bien, Moyen ou Pas bien)"), at=row.number)
        try:
            quarter = Quarter.of(_review_date(table, row, date_column))
        except InputError as exc:
            errors.add(exc, at=row.number)
            continue
        if answer in SMILEY_MARKS:
            marks[quarter].append(SMILEY_MARKS[answer])
            rows[quarter].append(row.number)
    errors.raise_if_any()
    scores = [
        QuarterScore(
            quarter=quarter, demarche_id=demarche_id, service_id=service_id,
            score=round(sum(values) / len(values), 4), reviews=len(values),
            source=f"{table.path.name}: {len(values)} avis du trimestre (lignes {min(rows[quarter])} à {max(rows[quarter])})",
        )
        for quarter, values in sorted(marks.items())
    ]
    return SatisfactionImport("review export", scores, skipped)


def _read_summary(table: CsvTable) -> SatisfactionImport:
    demarche = _column(table, SUMMARY_DEMARCHE)
    service = _column(table, SUMMARY_SERVICE)
    quarter_column = _column(table, SUMMARY_QUARTER)
    score_column = _column(table, SUMMARY_SCORE)
    reviews_column = _column(table, SUMMARY_REVIEWS)
    if not (demarche or service) or not (quarter_column and score_column and reviews_column):
        raise table.error(
            1, None,
            "pas un fichier JeDonneMonAvis : attendu soit un export d’avis (« Review ID », « Review Created At » et la "
            "question de satisfaction), soit les colonnes demarche_id (ou service_id), quarter, score et reviews",
        )
    scores: list[QuarterScore] = []
    seen: dict[tuple[str | None, str | None, Quarter], int] = {}
    errors = table.error_list()
    for row in table.rows:
        demarche_id = row.cells[demarche].strip() if demarche else ""
        service_id = row.cells[service].strip() if service else ""
        found: list[InputError] = []
        if not (demarche_id or service_id):
            found.append(table.error(row.number, demarche or service, "vide : de quelle démarche parle cette ligne ?"))
        quarter = None
        try:
            quarter = Quarter.parse(row.cells[quarter_column])
        except InputError as exc:
            found.append(table.error(row.number, quarter_column, str(exc)))
        key = (demarche_id or None, None if demarche_id else service_id, quarter)
        if quarter is not None and (demarche_id or service_id):
            if key in seen:
                found.append(table.error(row.number, quarter_column, f"{quarter.label} déjà donné pour cette démarche ligne {seen[key]}"))
            else:
                seen[key] = row.number
        score = reviews = None
        try:
            score = parse_number(table, row, score_column, 0, 10)
        except InputError as exc:
            found.append(exc)
        try:
            reviews = parse_count(table, row, reviews_column)
        except InputError as exc:
            found.append(exc)
        for error in found:
            errors.add(error, at=row.number)
        if found:
            continue
        scores.append(QuarterScore(
            quarter=quarter, demarche_id=key[0], service_id=key[1], score=score, reviews=reviews,
            source=f"{table.path.name}: ligne {row.number}",
        ))
    errors.raise_if_any()
    return SatisfactionImport("summary", scores, 0)


def read_satisfaction(path: Path, demarche_id: str | None = None, service_id: str | None = None) -> SatisfactionImport:
    table = read_csv_table(path)
    if _column(table, REVIEW_ID) or _column(table, REVIEW_DATE):
        return _read_review_export(table, demarche_id, service_id)
    if demarche_id or service_id:
        raise InputError(f"{path} : --demarche et --service servent à un export d’avis ; ce fichier nomme ses démarches")
    return _read_summary(table)


def _rolling(score: QuarterScore, reviews: list[Review], file_name: str) -> QuarterScore:
    figures = jdma_figures(reviews, score.quarter.end)
    satisfaction = figures.get("satisfaction")
    return replace(score, score=satisfaction.value, reviews=satisfaction.answers,
                   source=(f"{file_name}: {satisfaction.answers} avis du {figures.start:%Y-%m-%d} au "
                           f"{figures.end:%Y-%m-%d} (exclu)"))


def _store_jdma_figures(session: Session, score: QuarterScore, reviews: list[Review], file_name: str) -> None:
    figures = jdma_figures(reviews, score.quarter.end)
    key = (JdmaFigureRecord.demarche_id == score.demarche_id) if score.demarche_id else (
        JdmaFigureRecord.service_id == score.service_id)
    session.execute(delete(JdmaFigureRecord).where(JdmaFigureRecord.quarter == str(score.quarter), key))
    for figure in figures.figures:
        if figure.slug == "satisfaction":  # the quarter's satisfaction is stored above
            continue
        session.add(JdmaFigureRecord(
            quarter=str(score.quarter), demarche_id=score.demarche_id, service_id=score.service_id,
            indicator=figure.slug, value=figure.value, answers=figure.answers, reviews=figure.reviews,
            source=(f"{file_name}: {figure.reviews} avis du {figures.start:%Y-%m-%d} au {figures.end:%Y-%m-%d} "
                    f"(exclu), {figure.answers} réponses"),
        ))


def import_satisfaction(
    session: Session, path: Path, demarche_id: str | None = None, service_id: str | None = None,
) -> SatisfactionImport:
    """Validate the whole file, then replace the figures it gives, in one transaction."""
    if demarche_id and service_id:
        raise InputError("donnez --demarche ou --service, pas les deux")
    if service_id and session.get(Service, service_id) is None:
        raise InputError(f"--service {service_id} : aucune démarche de ce nom dans le registre")
    imported = read_satisfaction(path, demarche_id, service_id)
    # A review export also gives the other JeDonneMonAvis indicators, each over the 12 months
    # before the end of every quarter it covers.
    reviews = read_reviews(path) if imported.kind == "review export" else []
    if reviews:
        # The observatory's satisfaction covers the 12 months before the end of the quarter too.
        imported = SatisfactionImport(imported.kind, [_rolling(score, reviews, path.name) for score in imported.scores],
                                      imported.skipped_reviews)
    known = set(session.scalars(select(Service.id)))
    unknown = [f"{path} : {score.source} : la démarche « {score.service_id} » n’est pas au registre"
               for score in imported.scores if score.service_id and score.service_id not in known]
    if unknown:
        raise InputErrors(str(path), unknown)
    try:
        for score in imported.scores:
            key = (SatisfactionScore.demarche_id == score.demarche_id) if score.demarche_id else (
                SatisfactionScore.service_id == score.service_id)
            session.execute(delete(SatisfactionScore).where(SatisfactionScore.quarter == str(score.quarter), key))
            session.add(SatisfactionScore(
                quarter=str(score.quarter), demarche_id=score.demarche_id, service_id=score.service_id,
                score=score.score, reviews=score.reviews, source=score.source,
            ))
            if reviews:
                _store_jdma_figures(session, score, reviews, path.name)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return imported
