"""URL helpers: hosts, paths and query parameters compared the same way by every check."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit


def host(url: str) -> str:
    """Lowercase host name without port or trailing dot ('' when the URL has none)."""
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""


def host_on_domain(hostname: str, domain: str) -> bool:
    """Whether a host name is `domain` itself or one of its subdomains."""
    hostname, domain = hostname.lower().rstrip("."), domain.lower()
    return hostname == domain or hostname.endswith("." + domain)


def on_domain(url: str, domain: str) -> bool:
    """Whether the URL's host is `domain` itself or one of its subdomains."""
    return host_on_domain(host(url), domain)


def path(url: str) -> str:
    try:
        return urlsplit(url.strip()).path
    except ValueError:
        return ""


def query(url: str) -> dict[str, list[str]]:
    """Query parameters, names lowercased (values kept as written, URL-decoded)."""
    try:
        raw = urlsplit(url.strip()).query
    except ValueError:
        return {}
    out: dict[str, list[str]] = {}
    for name, values in parse_qs(raw, keep_blank_values=True).items():
        out.setdefault(name.lower(), []).extend(values)
    return out


def scheme(url: str) -> str:
    try:
        return urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return ""


def file_name(url: str) -> str:
    """Last path segment of a URL, lowercased ('' for a directory URL)."""
    return path(url).rsplit("/", 1)[-1].lower()
