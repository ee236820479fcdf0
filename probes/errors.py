"""Turning what went wrong during a visit into a stable error class.

The classes are part of the output contract (`error_class`): reports, retries and alerts key on
them, so they never carry a raw browser message. A page that answered but is not the service
(a firewall's refusal, a maintenance page…) gets its class from probes/interruption.py instead.
"""

from __future__ import annotations

# Chromium net error → our class. Checked in order; the first substring found wins.
_NET_ERRORS: tuple[tuple[str, str], ...] = (
    ("ERR_NAME_NOT_RESOLVED", "dns"),
    ("ERR_NAME_RESOLUTION_FAILED", "dns"),
    ("ERR_ADDRESS_UNREACHABLE", "unreachable"),
    ("ERR_CONNECTION_REFUSED", "connection_refused"),
    ("ERR_CONNECTION_RESET", "connection_reset"),
    ("ERR_CONNECTION_CLOSED", "connection_reset"),
    # The navigation was cut before an answer (its renderer killed, the request cancelled):
    # worth another try, like a reset connection.
    ("net::ERR_ABORTED", "connection_reset"),
    ("ERR_EMPTY_RESPONSE", "connection_reset"),
    ("ERR_CONNECTION_TIMED_OUT", "timeout"),
    ("ERR_TIMED_OUT", "timeout"),
    ("ERR_CERT_", "tls"),
    ("ERR_SSL_", "tls"),
    ("ERR_BAD_SSL_CLIENT_AUTH_CERT", "tls"),
    ("ERR_TOO_MANY_REDIRECTS", "redirect_loop"),
    ("ERR_UNSAFE_REDIRECT", "redirect_loop"),
    ("ERR_UNSAFE_PORT", "connection_refused"),
    ("ERR_INVALID_RESPONSE", "invalid_response"),
    ("ERR_CONTENT_DECODING_FAILED", "invalid_response"),
    ("ERR_RESPONSE_HEADERS_TOO_BIG", "invalid_response"),
    ("ERR_INVALID_AUTH_CREDENTIALS", "blocked"),  # a 401 with a login challenge
    ("Download is starting", "not_html"),
    ("Target crashed", "crashed"),
    ("Page crashed", "crashed"),
    ("page crashed", "crashed"),  # "Navigation failed because page crashed!"
    ("Browser closed", "crashed"),
    ("Connection closed", "crashed"),
    ("browser has disconnected", "crashed"),
    ("Browser has been closed", "crashed"),
    ("Target closed", "crashed"),
    ("Target page, context or browser has been closed", "crashed"),
    ("Timeout ", "timeout"),
    # Still navigating after being given time to land: a meta-refresh or script loop.
    ("Execution context was destroyed", "redirect_loop"),
)

NAVIGATED_AWAY = "Execution context was destroyed"

# Errors worth trying again later in the same campaign; the others will not change by retrying.
TRANSIENT = frozenset({"timeout", "connection_reset", "http_5xx", "crashed"})


def classify_exception(message: str) -> str:
    for needle, error_class in _NET_ERRORS:
        if needle in message:
            return error_class
    return "browser"


def classify_status(status: int | None) -> str | None:
    if status is None:
        return None
    if status in (401, 403):
        return "blocked"
    if 400 <= status < 500:
        return "http_4xx"
    if status >= 500:
        return "http_5xx"
    return None


def short_message(message: str) -> str:
    """First line of a browser error, without Playwright's call log."""
    first = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return first[:300]


HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_html(content_type: str | None) -> bool:
    if not content_type:
        # Servers that send no type are sniffed by the browser; give them the benefit of the doubt.
        return True
    return content_type.split(";")[0].strip().lower() in HTML_TYPES
