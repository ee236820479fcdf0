"""URL helpers: hosts, paths and query parameters compared the same way by every check."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import SplitResult, parse_qs, urlsplit

# The checks ask about the same links over and over (every element, on every page, by several
# checks): the answers for a string are kept, a bounded number of them (a campaign reads many sites).
_KEPT = 8192


@lru_cache(maxsize=_KEPT)
def _split(url: str) -> SplitResult | None:
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


@lru_cache(maxsize=_KEPT)
def host(url: str) -> str:
    """Lowercase host name without port or trailing dot ('' when the URL has none)."""
    parts = _split(url)
    try:
        return (parts.hostname or "").rstrip(".").lower() if parts is not None else ""
    except ValueError:
        return ""


def host_on_domain(hostname: str, domain: str) -> bool:
    """Whether a host name is `domain` itself or one of its subdomains."""
    hostname, domain = hostname.lower().rstrip("."), domain.lower()
    return hostname == domain or hostname.endswith("." + domain)


@lru_cache(maxsize=_KEPT)
def on_domain(url: str, domain: str) -> bool:
    """Whether the URL's host is `domain` itself or one of its subdomains."""
    return host_on_domain(host(url), domain)


def path(url: str) -> str:
    parts = _split(url)
    return parts.path if parts is not None else ""


def query(url: str) -> dict[str, list[str]]:
    """Query parameters, names lowercased (values kept as written, URL-decoded)."""
    return {name: list(values) for name, values in _query(url)}


@lru_cache(maxsize=_KEPT)
def _query(url: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    parts = _split(url)
    if parts is None:
        return ()
    out: dict[str, list[str]] = {}
    for name, values in parse_qs(parts.query, keep_blank_values=True).items():
        out.setdefault(name.lower(), []).extend(values)
    return tuple((name, tuple(values)) for name, values in out.items())


def scheme(url: str) -> str:
    parts = _split(url)
    return parts.scheme.lower() if parts is not None else ""


def file_name(url: str) -> str:
    """Last path segment of a URL, lowercased ('' for a directory URL)."""
    return path(url).rsplit("/", 1)[-1].lower()
