"""Whether a URL's host resolves to public addresses only, so that a probe is never pointed at our own network.

Asked when a citizen's proposal is accepted into the registry (never when it is submitted: the
form must not make Veilleur resolve or visit whatever someone types), and only then: the probe
visits the registry's URLs without asking again (the demo and the tests serve sites on 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from foundation.errors import InputError

Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)})


class UnresolvedHost(InputError):
    """The host has no address here: unknown to DNS, or no DNS at all on this network."""


def check_public_url(url: str, resolver: Resolver = system_resolver) -> list[str]:
    """The addresses `url`'s host resolves to; InputError unless all of them are public
    (UnresolvedHost when it resolves to nothing)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"adresse « {url} » : doit être une adresse http(s) avec un nom d’hôte")
    try:
        addresses = resolver(parts.hostname)
    except (OSError, UnicodeError) as exc:
        raise UnresolvedHost(f"adresse « {url} » : l’hôte « {parts.hostname} » ne se résout pas ({exc})") from None
    if not addresses:
        raise UnresolvedHost(f"adresse « {url} » : l’hôte « {parts.hostname} » ne se résout en aucune adresse")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if address.version == 6 and address.ipv4_mapped:  # ::ffff:127.0.0.1 is loopback too
            address = address.ipv4_mapped
        if not address.is_global or address.is_multicast:
            raise InputError(
                f"adresse « {url} » : l’hôte « {parts.hostname} » se résout en {text}, qui n’est pas une adresse "
                "publique (privée, de boucle locale, de lien local ou réservée) : refusée"
            )
    return addresses
