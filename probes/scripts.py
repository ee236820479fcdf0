"""The scripts the probe runs inside a page (collect.js, mobile.js), read once from their files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).parent


def _source(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8").strip().rstrip(";")


@cache
def in_page(name: str, first: str = "", then: str = "") -> str:
    """The script of file `name`, a function of (limits, selectorOf), as one function of its
    limits for page.evaluate(); it returns its result as one JSON string, through the browser's
    own JSON.stringify kept where the page cannot replace it (page.py's QUIET_UI_JS): a string is
    much cheaper to carry than a large object, which Playwright serialises value by value.

    `first`: statements awaited before it, in the same round trip, which set `settled` (see
    settle.AWAIT_DOM_JS); their outcome comes back as the result's `settled`. `then`: statements
    run after it, which may add to its `result`."""
    return (f"async (limits) => {{ let settled = null; {first}\n"
            f" const result = ({_source(name)})(limits, {_source('selector.js')});\n"
            f" result.settled = settled; {then}"
            f" return (window.__veilleurStringify || JSON.stringify)(result); }}")
