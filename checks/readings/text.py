"""Text helpers shared by the checks: folding for comparison, excerpts for evidence.

`fold` keeps one output character per input character, so that a match found in the folded text
is at the same offsets in the original text (and the evidence can quote the original).
"""

from __future__ import annotations

import unicodedata

from checks.readings.memo import per_run
from probes.models import PageCapture

# Characters that pages use where a plain one is meant.
_SPACES = "\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000\t\r\f\v"
_APOSTROPHES = "\u2019\u2018\u02bc\u00b4\u0060\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TRANSLATE = {ord(c): " " for c in _SPACES} | {ord(c): "'" for c in _APOSTROPHES} | {ord(c): "-" for c in _DASHES}
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"


def _fold_char(c: str) -> str:
    c = c.translate(_TRANSLATE)
    if c in _ZERO_WIDTH:
        return " "
    if ord(c) < 128:
        return c.lower()
    base = unicodedata.normalize("NFD", c)[0].lower()
    return base[0] if base else " "


class _Folded(dict):
    """Each character's folded form, worked out the first time the character is met: a page's
    text is folded by str.translate in one pass, not character by character in Python."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLDED = _Folded()


def fold(text: str) -> str:
    """Lowercase, accents removed, typographic apostrophes/dashes/spaces made plain.

    The result has exactly the length of `text` (one character for one character)."""
    return text.translate(_FOLDED)


@per_run  # several checks search the same page's text
def folded_page_text(page: PageCapture) -> str:
    """`fold` of the page's visible text (its main text when the probe kept no other)."""
    return fold(page.text or page.main_text)


def collapse(text: str) -> str:
    """Whitespace (including non-breaking spaces and newlines) collapsed to single spaces."""
    return " ".join(text.replace("\u200b", " ").split())


def excerpt(text: str, start: int, end: int, width: int = 60) -> str:
    """The matched span with up to `width` characters either side, whitespace collapsed."""
    lo = max(0, start - width)
    hi = min(len(text), end + width)
    # Do not cut words in half at the edges.
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    body = collapse(text[lo:hi])
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
