"""Reading a CSV file someone else produced (a JeDonneMonAvis export, a ministry's declarations):
any of the usual separators, UTF-8 with or without BOM, and errors that name file, row and column.

Rows are numbered as a spreadsheet shows them: the header is row 1, and a cell holding line
breaks (JDMA comments often do) does not shift the numbers of the rows after it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from foundation.errors import InputError
from storage.text_file import read_text_file


def header_key(text: str) -> str:
    """A column name reduced to lowercase letters and digits, so that `Review ID`, `review_id`
    and `Review Id ` are the same column, and accents or apostrophes do not matter."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def plain_text(text: str) -> str:
    """A cell value compared without case, accents, apostrophe style or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


@dataclass(frozen=True)
class CsvRow:
    number: int  # spreadsheet row number (header = 1)
    cells: dict[str, str]  # column key (header_key) → raw cell text


@dataclass(frozen=True)
class CsvTable:
    path: Path
    columns: dict[str, str]  # column key → the header as written in the file
    rows: list[CsvRow]

    def error(self, row: int | None, column: str | None, message: str) -> InputError:
        where = f"{self.path}: row {row}" if row else str(self.path)
        if column is not None:
            where += f", column '{self.columns.get(column, column)}'"
        return InputError(f"{where}: {message}")


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
        raise InputError(f"{path}: the file is empty")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header = next(reader)
    columns: dict[str, str] = {}
    for name in header:
        key = header_key(name)
        if not key:
            raise InputError(f"{path}: row 1: a column has no name")
        if key in columns:
            raise InputError(f"{path}: row 1: column '{name}' appears twice")
        columns[key] = name.strip()
    keys = list(columns)
    rows: list[CsvRow] = []
    for number, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) > len(keys):
            raise InputError(f"{path}: row {number}: {len(record)} cells, but the header has {len(keys)} columns")
        cells = {key: (record[i] if i < len(record) else "") for i, key in enumerate(keys)}
        rows.append(CsvRow(number, cells))
    return CsvTable(path, columns, rows)


def parse_number(table: CsvTable, row: CsvRow, column: str, low: float, high: float, unit: str = "") -> float:
    """A decimal number written the French way or not (`8,4`, `8.4`, `74,5 %`), within bounds."""
    raw = row.cells[column]
    text = raw.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if unit:
        text = text.removesuffix(unit)
    try:
        value = float(text)
    except ValueError:
        raise table.error(row.number, column, f"expected a number, got {raw!r}") from None
    if not low <= value <= high:
        raise table.error(row.number, column, f"expected a number from {low:g} to {high:g}, got {raw!r}")
    return value


def parse_count(table: CsvTable, row: CsvRow, column: str) -> int:
    raw = row.cells[column]
    text = raw.strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if not text.isdigit():
        raise table.error(row.number, column, f"expected a whole number, got {raw!r}")
    return int(text)
