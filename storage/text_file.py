"""Reading a file of ours users hand us (registry, CSV imports) as text, or saying why not."""

from __future__ import annotations

from pathlib import Path

from foundation.errors import InputError


def read_text_file(path: Path) -> str:
    """The file's text, UTF-8 with or without the byte-order mark spreadsheets add; an unreadable
    file or another encoding is a one-line error that names the file."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start})") from None
