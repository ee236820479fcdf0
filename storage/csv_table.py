"""Reading a CSV file someone else produced (a JeDonneMonAvis export, a ministry's declarations):
any of the usual separators, UTF-8 with or without BOM, and errors that name file, row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, and a cell holding line
breaks (JDMA comments often do) does not shift the numbers of the rows after it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import ErrorList, InputError
from storage.text_file import read_text_file
from storage.values import decimal_number, header_key, whole_number


@dataclass(frozen=True)
class CsvRow:
    number: int  # spreadsheet row number (header = 1)
    cells: dict[str, str]  # column key (header_key) → raw cell text


@dataclass(frozen=True)
class CsvTable:
    path: Path
    columns: dict[str, str]  # column key → the header as written in the file
    rows: list[CsvRow]
    # Rows that could not be split into the header's columns: (row number, message). They are
    # left out of `rows`; the reader reports them with its own mistakes (`error_list`).
    problems: tuple[tuple[int, str], ...] = ()
    delimiter: str = ","  # the separator found in the header: ",", ";" or a tab

    def error(self, row: int | None, column: str | None, message: str) -> InputError:
        where = f"{self.path} : ligne {row}" if row else str(self.path)
        if column is not None:
            where += f", colonne « {self.columns.get(column, column)} »"
        return InputError(f"{where} : {message}")

    def error_list(self) -> ErrorList:
        """Where to gather this file's mistakes, holding already the rows that could not be read."""
        errors = ErrorList(self.path)
        for row, message in self.problems:
            errors.add(message, at=row)
        return errors


def _delimiter(text: str) -> str:
    # The separator that splits the header into the most columns. csv.Sniffer is fooled by
    # headers such as JDMA's "De façon générale, comment ça s'est passé ?" (a quoted comma).
    header = next(csv.reader(io.StringIO(text), delimiter=","), [])
    best, best_count = ",", len(header)
    for candidate in (";", "\t"):
        count = len(next(csv.reader(io.StringIO(text), delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best


def read_csv_table(path: Path) -> CsvTable:
    path = Path(path)
    text = read_text_file(path)
    if not text.strip():
        raise InputError(f"{path} : le fichier est vide")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader)
    while header and not header[-1].strip():  # spreadsheets leave empty columns at the end
        header.pop()
    if not header:
        raise InputError(f"{path} : ligne 1 : pas de noms de colonnes")
    columns: dict[str, str] = {}
    for name in header:
        key = header_key(name)
        if not key:
            raise InputError(f"{path} : ligne 1 : une colonne n’a pas de nom")
        if key in columns:
            raise InputError(f"{path} : ligne 1 : la colonne « {name} » figure deux fois")
        columns[key] = name.strip()
    keys = list(columns)
    rows: list[CsvRow] = []
    problems: list[tuple[int, str]] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(keys) and any(cell.strip() for cell in record[len(keys):]):
            problems.append((number, f"{path} : ligne {number} : {len(record)} cellules, mais l’en-tête a {len(keys)} colonnes"))
            continue
        cells = {key: (record[i] if i < len(record) else "") for i, key in enumerate(keys)}
        rows.append(CsvRow(number, cells))
    return CsvTable(path, columns, rows, tuple(problems), delimiter)


def parse_number(table: CsvTable, row: CsvRow, column: str, low: float, high: float, unit: str = "") -> float:
    """A decimal number written the French way or not (`8,4`, `8.4`, `74,5 %`), within bounds."""
    raw = row.cells[column]
    try:
        value = decimal_number(raw, unit)
    except ValueError:
        raise table.error(row.number, column, f"attendu : un nombre ; reçu « {raw} »") from None
    if not low <= value <= high:
        raise table.error(row.number, column, f"attendu : un nombre de {low:g} à {high:g} ; reçu « {raw} »")
    return value


def parse_count(table: CsvTable, row: CsvRow, column: str) -> int:
    """A count written with or without spaces between thousands (`1 250`)."""
    raw = row.cells[column]
    try:
        value = whole_number(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise table.error(row.number, column, f"attendu : un nombre entier ; reçu « {raw} »")
    return value
