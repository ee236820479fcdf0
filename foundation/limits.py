"""The bounds on every number and address a person types (registry files, the proposal form, command options), declared once.

Each bound is what the value can mean and what its column can hold: a number past it would fail
deep in the database (an `OverflowError`, a 500) after half a check passed; an address carrying a
user name and password would print the password wherever the address is shown. The readers
(storage/registry_file.py, storage/proposals.py, veilleur/option_bounds.py) call `check_whole` and
`check_address` and turn their `ValueError` into an error naming the file, line or field.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Bound:
    """The smallest and largest whole number a field accepts."""

    minimum: int
    maximum: int


# Uses of a démarche per year: the most used ones stay well under a billion.
ANNUAL_VOLUME = Bound(0, 10**10)
# Run, campaign and proposal numbers: integer columns (PostgreSQL `integer`).
RECORD_ID = Bound(1, 2**31 - 1)
# Services probed at once: each is a browser tab.
CONCURRENCY = Bound(1, 64)
# Key pages visited after the landing page.
KEY_PAGES = Bound(0, 10)
# Lines listed by a command.
LIST_LIMIT = Bound(1, 100_000)
# Quarters of evidence kept: a century.
KEEP_QUARTERS = Bound(1, 400)
# Seconds allowed per page, tenths accepted: half a second to ten minutes.
PAGE_TIMEOUT_S = (0.5, 600.0)
# Characters of an address (the url columns).
URL_LENGTH = 2000


def within(value: int, bound: Bound) -> bool:
    """Whether a number read from an address (a page or finding number) can name a record at all."""
    return bound.minimum <= value <= bound.maximum


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def check_whole(value: int, bound: Bound) -> int:
    """The value, or `ValueError` in French saying the limits (a huge value is cut in the message)."""
    if bound.minimum <= value <= bound.maximum:
        return value
    shown = str(value) if len(str(value)) <= 40 else f"{str(value)[:20]}… ({len(str(value))} chiffres)"
    raise ValueError(f"doit être un nombre entier entre {_grouped(bound.minimum)} et {_grouped(bound.maximum)}, "
                     f"reçu {shown}")


def check_address(value: str) -> str:
    """An address (already known to be http(s) with a host) with no user name or password, a
    readable port, at most `URL_LENGTH` characters; else `ValueError` in French (never repeating
    a password)."""
    if len(value) > URL_LENGTH:
        raise ValueError(f"adresse trop longue ({_grouped(len(value))} caractères, au plus {_grouped(URL_LENGTH)})")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 — a port out of range or not a number raises here
    except ValueError:
        raise ValueError("adresse web illisible (le port après le nom de domaine doit être un nombre "
                         "entre 0 et 65\u202f535)") from None
    if parts.username is not None or parts.password is not None:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        raise ValueError(f"l’adresse ne doit contenir ni identifiant ni mot de passe (« …@{host} ») : "
                         "donnez l’adresse publique de la démarche")
    return value


def without_credentials(value: str) -> str:
    """An address as it may be shown: any user name and password replaced by `***` (addresses
    stored before they were refused)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if "@" not in parts.netloc:
        return value
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()
