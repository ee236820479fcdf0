"""Reading the first sheet of an Excel workbook (.xlsx) as the imports' table, without a spreadsheet library.

An .xlsx file is a zip of XML parts: the workbook names its sheets, the first sheet holds rows of
cells addressed A1, B1…, a text cell points into the shared strings (or holds its text inline),
a number cell holds the number as written. Only what a table of values needs is read (no
formulas are computed: a formula cell gives the value Excel saved with it). The observatory's
Grist document exports its tables this way.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from foundation.errors import InputError
from storage.csv_table import CsvRow, CsvTable
from storage.values import header_key

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_CELL = re.compile(r"([A-Z]+)(\d+)")


def _text(node: ElementTree.Element) -> str:
    """The text of a string item: its `t`, or its rich-text runs' `t` joined."""
    return "".join(t.text or "" for t in node.iter(f"{{{_NS['m']}}}t"))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _number(text: str) -> str:
    """A number as Excel saved it, written back the way it was typed (0.1, not 0.10000000000000001)."""
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and "e" not in text.lower() else repr(value)


def _first_sheet(book: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    sheet = workbook.find("m:sheets/m:sheet", _NS)
    if sheet is None:
        raise InputError("le classeur n'a aucune feuille")
    rel_id = sheet.get(f"{{{_NS['r']}}}id")
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall("rel:Relationship", _NS):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        with zipfile.ZipFile(path) as book:
            names = set(book.namelist())
            shared = []
            if "xl/sharedStrings.xml" in names:
                strings = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
                shared = [_text(item) for item in strings.findall("m:si", _NS)]
            sheet = ElementTree.fromstring(book.read(_first_sheet(book)))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, InputError) as exc:
        raise InputError(f"{path}: classeur Excel illisible ({exc}) ; enregistrez-le en « CSV UTF-8 »") from None
    rows = []
    for row in sheet.iter(f"{{{_NS['m']}}}row"):
        cells: dict[int, str] = {}
        for position, cell in enumerate(row.findall("m:c", _NS)):
            match = _CELL.fullmatch(cell.get("r", ""))
            index = _column_index(match.group(1)) if match else position
            kind, value = cell.get("t"), cell.find("m:v", _NS)
            if kind == "inlineStr":
                cells[index] = _text(cell.find("m:is", _NS) or cell)
            elif kind == "s" and value is not None:
                cells[index] = shared[int(value.text or 0)]
            elif kind == "b" and value is not None:
                cells[index] = "oui" if value.text == "1" else "non"
            elif value is not None:
                cells[index] = value.text or "" if kind in ("str", "e") else _number(value.text or "")
        width = max(cells, default=-1) + 1
        rows.append((int(row.get("r") or len(rows) + 1), [cells.get(i, "") for i in range(width)]))
    return rows


def read_xlsx_table(path: Path) -> CsvTable:
    """The first sheet of `path` as a table: its first row names the columns."""
    path = Path(path)
    rows = _rows(path)
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise InputError(f"{path}: la première feuille est vide")
    header = rows[0][1]
    while header and not header[-1].strip():
        header.pop()
    columns: dict[str, str] = {}
    for name in header:
        key = header_key(name)
        if not key:
            raise InputError(f"{path}: row 1: a column has no name")
        if key in columns:
            raise InputError(f"{path}: row 1: column '{name}' appears twice")
        columns[key] = name.strip()
    keys = list(columns)
    table_rows = [CsvRow(number, {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(keys)})
                  for number, cells in rows[1:] if any(cell.strip() for cell in cells)]
    return CsvTable(path, columns, table_rows, (), ",")


def read_table(path: Path) -> CsvTable:
    """A CSV file, or the first sheet of an .xlsx workbook, as the imports' table."""
    from storage.csv_table import read_csv_table

    return read_xlsx_table(path) if Path(path).suffix.lower() == ".xlsx" else read_csv_table(path)
