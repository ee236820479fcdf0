"""Exports of a quarter's indicators: one row per service, every indicator with its level, value,
source and evidence reference (`veilleur export --quarter 2026Q4 --format csv|json`).

`columns()` is the data dictionary: the CSV has exactly these columns in this order, and
docs/indicators.md documents each of them (a test holds the two together). Values are the figures
as published (reports/observatory/indicators.py: truncated to the decimals of their kind), written
with a decimal point: the number a reader sees on the dashboard as "8,7/10" is 8.7 here.

`--excel` writes the same columns for a spreadsheet set up in French, which reads a CSV as columns
only when they are separated by `;`, and reads `8,7` (not `8.7`) as a number: `;` between
columns, decimal commas in the figures (nowhere else: ids, dates, URLs are left as they are),
CRLF line ends, and a UTF-8 byte-order mark first, without which Excel takes the file for
Windows-1252 and breaks every accent. The numbers stay numbers, read back as such by Excel and by
any CSV reader told the separator and the decimal mark.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TextIO

from foundation import __version__
from reports.observatory.indicators import INDICATORS, SPECS, Indicator, ServiceIndicators
from reports.observatory.levels import ALL_LEVELS


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    title: str = ""  # the French title of the column in the export for Excel


# The French titles of the service columns (export for Excel).
SERVICE_TITLES: dict[str, str] = {
    "quarter": "Trimestre", "service_id": "Identifiant de la démarche", "service_name": "Démarche",
    "ministry_id": "Identifiant du ministère", "ministry_name": "Ministère", "administration": "Administration",
    "reference_run_id": "Visite de référence", "reference_campaign_id": "Campagne de la visite",
    "reference_run_at": "Date de la visite de référence", "reference_rule": "Choix de la visite",
}
# The French words of each indicator's columns.
PART_TITLES: dict[str, str] = {"level": "niveau", "value": "valeur", "count": "nombre", "note": "explication",
                               "source": "source", "evidence": "preuves"}


SERVICE_COLUMNS: tuple[Column, ...] = (
    Column("quarter", "the quarter exported, as 2026Q4"),
    Column("service_id", "the service's id in the registry"),
    Column("service_name", "the service's name"),
    Column("ministry_id", "the ministry's id in the registry"),
    Column("ministry_name", "the ministry's name"),
    Column("administration", "the administration running the service"),
    Column("reference_run_id", "the run (service run) standing for the service in the quarter; empty if none"),
    Column("reference_campaign_id", "the campaign of that run"),
    Column("reference_run_at", "when that run started (UTC, ISO 8601)"),
    Column("reference_rule", "why that run: \"dernière campagne terminée du trimestre\" (the rule) or \"choix manuel\" (chosen by hand)"),
)


def _indicator_columns() -> tuple[Column, ...]:
    columns: list[Column] = []
    for spec in INDICATORS:
        columns += [
            Column(f"{spec.key}_level", f"{spec.label}: level code (see the table of levels)"),
            Column(f"{spec.key}_value", f"{spec.label}: {spec.value_meaning}"),
        ]
        if spec.count_meaning:
            columns.append(Column(f"{spec.key}_count", f"{spec.label}: {spec.count_meaning}"))
        columns += [
            Column(f"{spec.key}_note", f"{spec.label}: why this level, in one line"),
            Column(f"{spec.key}_source", f"{spec.label}: where the value comes from ({spec.origin})"),
            Column(f"{spec.key}_evidence", f"{spec.label}: evidence references (run=, finding=, page=, screenshot=, url=, import=)"),
        ]
    return tuple(columns)


def columns() -> tuple[Column, ...]:
    """The CSV's columns, in order: the service's, then each indicator's (those of every registered check too)."""
    return tuple(Column(c.name, c.meaning, _title(c.name)) for c in SERVICE_COLUMNS + _indicator_columns())


def _title(name: str) -> str:
    if name in SERVICE_TITLES:
        return SERVICE_TITLES[name]
    key, part = name.rsplit("_", 1)
    return f"{SPECS[key].label} : {PART_TITLES[part]}"
LEVEL_CODES: dict[str, str] = {level.code: level.label for level in ALL_LEVELS}


@dataclass(frozen=True)
class CsvDialect:
    """How the CSV export is written: for programs (the default) or for French Excel."""

    delimiter: str
    decimal_mark: str
    line_end: str
    byte_order_mark: bool
    # French titles and the level labels people read, instead of the column names and level codes.
    french: bool = False


PLAIN_CSV = CsvDialect(delimiter=",", decimal_mark=".", line_end="\n", byte_order_mark=False)
EXCEL_CSV = CsvDialect(delimiter=";", decimal_mark=",", line_end="\r\n", byte_order_mark=True, french=True)


def _cell(value, decimal_mark: str = ".") -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Plain decimal notation (never 1.2e+06) of the published figure, trailing zeros dropped.
        text = format(Decimal(repr(value)), "f")
        text = text.rstrip("0").rstrip(".") if "." in text else text
        return text.replace(".", decimal_mark)
    return str(value)


def export_row(s: ServiceIndicators, decimal_mark: str = ".", labels: bool = False) -> dict[str, str]:
    ref = s.reference
    row = {
        "quarter": str(s.quarter), "service_id": s.service_id, "service_name": s.service_name,
        "ministry_id": s.ministry_id, "ministry_name": s.ministry_name, "administration": s.administration or "",
        "reference_run_id": _cell(ref.run_id if ref else None),
        "reference_campaign_id": _cell(ref.campaign_id if ref else None),
        "reference_run_at": ref.started_at.isoformat() if ref and ref.started_at else "",
        "reference_rule": ref.rule if ref else "",
    }
    for indicator in s.indicators:
        key = indicator.key
        row[f"{key}_level"] = indicator.level.label if labels else indicator.level.code
        row[f"{key}_value"] = _cell(indicator.value, decimal_mark)
        if indicator.spec.count_meaning:
            row[f"{key}_count"] = _cell(indicator.count, decimal_mark)
        row[f"{key}_note"] = indicator.note or ""
        row[f"{key}_source"] = indicator.source
        row[f"{key}_evidence"] = indicator.evidence.text()
    return row


def write_csv(states: list[ServiceIndicators], out: TextIO, dialect: CsvDialect = PLAIN_CSV) -> None:
    if dialect.byte_order_mark:
        out.write("\ufeff")
    listed = columns()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator=dialect.line_end)
    writer.writerow([c.title if dialect.french else c.name for c in listed])
    for s in states:
        row = export_row(s, dialect.decimal_mark, labels=dialect.french)
        writer.writerow([row.get(c.name, "") for c in listed])


def indicator_json(indicator: Indicator) -> dict:
    e = indicator.evidence
    return {
        "label": indicator.spec.label, "level": indicator.level.code, "level_label": indicator.level.label,
        # What the observatory shows ("8,4 / 10", "Optimal") and the DSFR colour it is drawn in.
        "shown": indicator.shown, "colour": indicator.level.colour.value,
        "value": indicator.value, "count": indicator.count, "note": indicator.note, "source": indicator.source,
        "evidence": {"runs": list(e.runs), "findings": list(e.findings), "pages": list(e.pages),
                     "screenshots": list(e.screenshots), "urls": list(e.urls), "imports": list(e.imports)},
    }


def write_json(states: list[ServiceIndicators], out: TextIO, quarter: str) -> None:
    document = {
        "quarter": quarter,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "generator": f"Veilleur {__version__}",
        "levels": LEVEL_CODES,
        "services": [
            {
                "service_id": s.service_id, "service_name": s.service_name, "ministry_id": s.ministry_id,
                "ministry_name": s.ministry_name, "administration": s.administration,
                "reference_run": None if s.reference is None else {
                    "run_id": s.reference.run_id, "campaign_id": s.reference.campaign_id,
                    "started_at": s.reference.started_at.isoformat() if s.reference.started_at else None,
                    "rule": s.reference.rule, "reason": s.reference.reason,
                },
                "indicators": {i.key: indicator_json(i) for i in s.indicators},
            }
            for s in states
        ],
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
