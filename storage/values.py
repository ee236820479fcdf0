"""Reading the values people type in the files they hand us, the same way in YAML and in CSV:
whole numbers with spaces between thousands, decimal commas, yes and no in French or English,
names compared without care for case, accents or apostrophes.

Each function takes what the file holds (a YAML scalar or a CSV cell) and returns the value, or
raises `ValueError` with a message saying what was expected and what was found; the readers turn
it into an error naming the file, the line or row and the field.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces spreadsheets and word processors put between thousands: plain, no-break, narrow no-break
# (what French Excel and LibreOffice write), thin and figure spaces.
THOUSANDS_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "\u2007")

YES = frozenset({"oui", "o", "vrai", "true", "yes", "y", "1", "x"})
NO = frozenset({"non", "n", "faux", "false", "no", "0"})


def header_key(text: str) -> str:
    """A column name reduced to lowercase letters and digits, so that `Review ID`, `review_id`
    and `Review Id ` are the same column, and accents or apostrophes do not matter."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def plain_text(text: str) -> str:
    """A value compared without case, accents, apostrophe style or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def is_blank(value: object) -> bool:
    """Nothing written: an empty YAML value or an empty (or all-space) cell."""
    return value is None or (isinstance(value, str) and not value.strip())


def given(value: object) -> str:
    """A value as a message quotes it: « 450 000 », « peut-être » (text as written, others as read)."""
    return f"« {value} »" if not isinstance(value, bool) else f"« {'vrai' if value else 'faux'} »"


def _without_spaces(text: str) -> str:
    text = text.strip()
    for space in THOUSANDS_SPACES:
        text = text.replace(space, "")
    return text


def whole_number(value: object) -> int:
    """`450000`, `450 000`, `450 000` (no-break or narrow no-break space), or a YAML integer."""
    if isinstance(value, bool):
        raise ValueError(f"attendu : un nombre entier ; reçu {given(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _without_spaces(value) if isinstance(value, str) else ""
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise ValueError(f"attendu : un nombre entier ; reçu {given(value)}")
    return int(text)


def decimal_number(value: object, unit: str = "") -> float:
    """`8,4` or `8.4`, spaces between thousands allowed, `74,5 %` when `unit` is `%`."""
    if isinstance(value, bool):
        raise ValueError(f"attendu : un nombre ; reçu {given(value)}")
    if isinstance(value, (int, float)):
        return float(value)
    text = _without_spaces(value) if isinstance(value, str) else ""
    if unit:
        text = text.removesuffix(unit)
    if not re.fullmatch(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)", text):
        raise ValueError(f"attendu : un nombre ; reçu {given(value)}")
    return float(text.replace(",", "."))


def yes_no(value: object) -> bool:
    """`oui`/`non`, `vrai`/`faux`, `true`/`false`, `yes`/`no`, `1`/`0` (any case), `x` for yes,
    or a YAML boolean."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = plain_text(value) if isinstance(value, str) else None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"attendu : oui ou non (ou vrai/faux, true/false, 1/0) ; reçu {given(value)}")


def text_list(value: object) -> list:
    """A list as YAML writes it, or as one cell or string: items separated by `;`, `,` or line
    breaks (`a@x.fr; b@x.fr`)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [item.strip() for item in re.split(r"[;,\n]", value) if item.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ValueError(f"attendu : une liste ; reçu {given(value)}")
