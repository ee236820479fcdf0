"""Reading a file of ours users hand us (registry, CSV imports) as text, or saying why not.

UTF-8 is read with or without the byte-order mark spreadsheets add; UTF-16 too when it starts
with its byte-order mark (Excel's "Texte Unicode"), since the mark says what it is. Any other
encoding is refused, never guessed: the bytes of a file saved as Windows-1252 (French Excel's
"CSV (séparateur : point-virgule)") read as other letters in Mac Roman or Latin-9, and a name
stored wrong would then be published wrong. The message says where the first byte that is not
UTF-8 is and how to save the file again.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from foundation.errors import InputError

SPREADSHEET_SUFFIXES = (".csv", ".tsv", ".txt")


def _advice(path: Path) -> str:
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return (
            "enregistrez-le en « CSV UTF-8 » depuis Excel (Fichier › Enregistrer sous › "
            "« CSV UTF-8 (délimité par des virgules) »), ou en UTF-8 depuis LibreOffice"
        )
    return "enregistrez-le en UTF-8 depuis votre éditeur de texte"


def read_text_file(path: Path) -> str:
    """The file's text; an unreadable file or an encoding other than UTF-8 is a one-line error
    that names the file (and, for the encoding, the first bad byte, its line and what to do)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path} : fichier introuvable") from None
    except OSError as exc:
        raise InputError(f"{path} : illisible ({exc.strerror})") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{path} : commence comme un fichier UTF-16 mais n'en est pas un : {_advice(path)}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path} : n’est pas en UTF-8 (octet 0x{raw[exc.start]:02x} ligne {line}) : {_advice(path)}"
        ) from None
