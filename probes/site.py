"""What counts as the same site as a service's landing page."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()


def _is_ip_or_local(host: str) -> bool:
    if host in ("localhost",) or "." not in host:
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def site_key(url: str) -> str | None:
    """The registrable domain (eTLD+1) of a URL, so that www.x.gouv.fr and connexion.x.gouv.fr match
    while impots.gouv.fr and ants.gouv.fr do not. For IP addresses and local names, the origin:
    each port there is a different service."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if _is_ip_or_local(host):
        return f"{host}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
    return _psl().privatesuffix(host) or host


def same_site(a: str, b: str) -> bool:
    key = site_key(a)
    return key is not None and key == site_key(b)
