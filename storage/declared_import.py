"""Importing the indicators administrations declare (`veilleur import declared FILE`).

The probes cannot tell whether a démarche can be completed online end to end, whether it asks
again for data the administration already holds ("Dites-le-nous une fois"), or how many users
take the digital channel. Those are declared, one row per service and quarter:

    service_id,quarter,realisable_en_ligne,dites_le_nous_une_fois,taux_usage_numerique,source
    carte-grise,2026Q4,oui,8,"92,5 %",Déclaration ANTS du 2026-10-12

A blank cell declares nothing (an earlier declaration stays in force). A declaration holds from
its quarter on, until a later quarter declares the indicator again. The whole file is validated
before anything is written, and every mistake in it is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.errors import InputError
from foundation.quarters import Quarter
from storage.csv_table import CsvRow, CsvTable, parse_number
from storage.xlsx_table import read_table
from storage.schema import DeclaredIndicator, Service
from foundation.grid import GRID
from storage.values import plain_text

# CSV column → indicator key (as in exports).
DECLARED_COLUMNS: dict[str, str] = {
    "realisable_en_ligne": "online",
    "dites_le_nous_une_fois": "dlnuf",
    "taux_usage_numerique": "digital_usage",
}
ONLINE_VALUES = {"oui": "oui", "partiel": "partiel", "partiellement": "partiel", "non": "non"}
KNOWN_COLUMNS = {"service_id", "quarter", "source", *DECLARED_COLUMNS}


@dataclass(frozen=True)
class Declaration:
    service_id: str
    quarter: Quarter
    indicator: str
    value: str  # canonical: oui|partiel|non, or a decimal number with a point
    declared_by: str | None
    row: int


def _value(table: CsvTable, row: CsvRow, indicator: str, column: str) -> str:
    if indicator == "online":
        value = ONLINE_VALUES.get(plain_text(row.cells[column]))
        if value is None:
            raise table.error(row.number, column, f"attendu : oui, partiel ou non ; reçu « {row.cells[column]} »")
        return value
    if indicator == "dlnuf":
        return f"{parse_number(table, row, column, 0, 10):g}"
    return f"{parse_number(table, row, column, 0, 100, unit='%'):g}"


# The observatory's Grist document (../shared/OBSERVATORY.md): its column → indicator key. Its
# other columns (identity, Veilleur's own figures) are not declarations and are left aside.
GRIST_DECLARED: dict[str, str] = {"statutenligne": "online", "scoredlnuf": "dlnuf", "recoursaunumerique": "digital_usage"}
GRIST_SERVICE, GRIST_QUARTER = "refdemarche", "refedition"


def _grist_value(table: CsvTable, row: CsvRow, indicator: str, column: str) -> str:
    if indicator == "online":
        level = GRID["online"].labelled(row.cells[column])
        if level == GRID["online"].no_figure:
            labels = ", ".join(step.level.label for step in GRID["online"].steps)
            raise table.error(row.number, column, f"valeur inconnue {row.cells[column]!r} (attendu : {labels})")
        return level.code
    if indicator == "dlnuf":
        return f"{parse_number(table, row, column, 0, 1000):g}"
    # Percentages are 0–1 in the Grist document, 0–100 in Veilleur.
    share = Decimal(repr(parse_number(table, row, column, 0, 1)))
    return f"{share * 100:g}"


def _read_grist(table: CsvTable, known_services: set[str]) -> list[Declaration]:
    errors = table.error_list()
    if GRIST_QUARTER not in table.columns:
        errors.add(table.error(1, None, "export Grist sans colonne 'Ref_Edition' (le trimestre, par exemple 2026Q4)"), at=1)
        errors.raise_if_any()
    declarations: list[Declaration] = []
    for row in table.rows:
        service_id = row.cells[GRIST_SERVICE].strip()
        if service_id not in known_services:
            errors.add(table.error(row.number, GRIST_SERVICE, f"service {service_id!r} absent du registre"), at=row.number)
        try:
            quarter = Quarter.parse(row.cells[GRIST_QUARTER])
        except InputError as exc:
            errors.add(table.error(row.number, GRIST_QUARTER, str(exc)), at=row.number)
            continue
        for column, indicator in GRIST_DECLARED.items():
            if column not in table.columns or not row.cells[column].strip():
                continue
            try:
                value = _grist_value(table, row, indicator, column)
            except InputError as exc:
                errors.add(exc, at=row.number)
                continue
            declarations.append(Declaration(service_id, quarter, indicator, value, "Grist", row.number))
    errors.raise_if_any()
    return declarations


def read_declarations(path: Path, known_services: set[str]) -> list[Declaration]:
    """The file's declarations, or `InputErrors` listing every mistake of the file."""
    table = read_table(path)
    if GRIST_SERVICE in table.columns:
        return _read_grist(table, known_services)
    errors = table.error_list()
    for key, name in table.columns.items():
        if name.strip().lower() not in KNOWN_COLUMNS:
            errors.add(table.error(1, key, f"colonne inconnue (attendu : service_id, quarter, {', '.join(DECLARED_COLUMNS)}, source)"), at=1)
    by_name = {name.strip().lower(): key for key, name in table.columns.items()}
    for required in ("service_id", "quarter"):
        if required not in by_name:
            errors.add(table.error(1, None, f"pas de colonne « {required} »"), at=1)
    if not any(column in by_name for column in DECLARED_COLUMNS):
        errors.add(table.error(1, None, f"pas de colonne d’indicateur (attendu : l’une de {', '.join(DECLARED_COLUMNS)})"), at=1)
    if errors:  # the rows cannot be read without their columns
        errors.raise_if_any()
    declarations: list[Declaration] = []
    seen: dict[tuple[str, Quarter, str], int] = {}
    for row in table.rows:
        service_id = row.cells[by_name["service_id"]].strip()
        if service_id not in known_services:
            errors.add(table.error(row.number, by_name["service_id"], f"la démarche « {service_id} » n’est pas au registre"), at=row.number)
        try:
            quarter = Quarter.parse(row.cells[by_name["quarter"]])
        except InputError as exc:
            errors.add(table.error(row.number, by_name["quarter"], str(exc)), at=row.number)
            quarter = None
        declared_by = row.cells[by_name["source"]].strip() or None if "source" in by_name else None
        for column, indicator in DECLARED_COLUMNS.items():
            if column not in by_name or not row.cells[by_name[column]].strip():
                continue
            try:
                value = _value(table, row, indicator, by_name[column])
            except InputError as exc:
                errors.add(exc, at=row.number)
                continue
            if quarter is None:
                continue
            key = (service_id, quarter, indicator)
            if key in seen:
                errors.add(table.error(row.number, by_name[column], f"déjà déclaré pour {service_id} au {quarter.label} ligne {seen[key]}"), at=row.number)
                continue
            seen[key] = row.number
            declarations.append(Declaration(service_id, quarter, indicator, value, declared_by, row.number))
    errors.raise_if_any()
    return declarations


def import_declared(session: Session, path: Path) -> list[Declaration]:
    """Validate the whole file, then record its declarations (replacing the same service, quarter
    and indicator), in one transaction."""
    declarations = read_declarations(path, set(session.scalars(select(Service.id))))
    try:
        for d in declarations:
            existing = session.scalars(select(DeclaredIndicator).where(
                DeclaredIndicator.service_id == d.service_id, DeclaredIndicator.quarter == str(d.quarter),
                DeclaredIndicator.indicator == d.indicator,
            )).first()
            if existing is None:
                existing = DeclaredIndicator(service_id=d.service_id, quarter=str(d.quarter), indicator=d.indicator)
                session.add(existing)
            existing.value, existing.declared_by = d.value, d.declared_by
            existing.source_file, existing.source_row = Path(path).name, d.row
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return declarations
