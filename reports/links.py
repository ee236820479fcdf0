"""Which addresses found on a site or in the registry may become links in what Veilleur writes."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_href(url: str | None) -> str | None:
    """Only http(s) URLs become links: a `javascript:` or `data:` URL found on a site is shown
    as text, never made clickable."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()
