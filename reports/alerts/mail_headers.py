"""Values from sites and the registry on their way into e-mail headers.

A service or ministry name is data typed by someone else: it must never be able to end a header
line and start another (`Bcc: …`). Subjects are flattened to one line of text here, and
addresses are parsed into `Address` objects, which refuse CR and LF; `EmailMessage` refuses raw
line breaks in any header as a last line of defence.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address, HeaderRegistry

_SPACES = re.compile(r"\s+")
_BREAKING = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def _breaking(ch: str) -> bool:
    return unicodedata.category(ch) in _BREAKING


def header_text(value: str, limit: int = 200) -> str:
    """One line of plain text, at most `limit` characters: every control character and line or
    paragraph separator (CR, LF, NEL, U+2028…) becomes a space; invisible format characters
    (bidi overrides that could disguise a subject, soft hyphens) are dropped."""
    cleaned = "".join(
        ("" if unicodedata.category(ch) == "Cf" else " ") if _breaking(ch) else ch for ch in value
    )
    cleaned = _SPACES.sub(" ", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def mailbox(address: str) -> Address:
    """An address from the registry (`nom@domaine`), or ValueError naming it."""
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError):
        raise ValueError(f"not an e-mail address: {address!r}") from None
    if not parsed.username or not parsed.domain:
        raise ValueError(f"not an e-mail address: {address!r}")
    return parsed


def sender_mailbox(value: str) -> Address:
    """A sender, `adresse@domaine` or `Nom <adresse@domaine>`, or ValueError naming it."""
    if any(_breaking(ch) for ch in value):
        raise ValueError(f"pas une adresse d’expéditeur (caractères de contrôle ou retours à la ligne) : « {value} »")
    header = HeaderRegistry()("From", value)
    if header.defects or len(header.addresses) != 1:
        raise ValueError(f"pas une adresse d’expéditeur : « {value} »")
    address = header.addresses[0]
    if not address.username or not address.domain:
        raise ValueError(f"pas une adresse d’expéditeur : « {value} »")
    return address
