"""What keeps the dashboard safe: headers on every response, CSRF tokens for forms, a rate limit
per client address, and the operator token.

Captured HTML comes from sites we do not control: it is only ever served as a download or, for
the framed view, with `Content-Security-Policy: sandbox` (an opaque origin: no script, no cookie,
no access to our pages). Our own pages allow nothing but our own files: no inline script or style.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from fastapi import HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.middleware.base import BaseHTTPMiddleware

PAGE_CSP = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'; frame-src 'self'; img-src 'self'; style-src 'self'"
)
# For captured HTML shown in a frame: a unique opaque origin, nothing runs, nothing loads.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders(BaseHTTPMiddleware):
    """The strict policy on every response, unless a route set a stricter one (the sandbox)."""

    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        if "content-security-policy" not in response.headers:
            response.headers["Content-Security-Policy"] = PAGE_CSP
        for name, value in COMMON_HEADERS.items():
            response.headers.setdefault(name, value)
        if "x-frame-options" not in response.headers and not response.headers["content-security-policy"].startswith("sandbox"):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response


CSRF_COOKIE = "veilleur_csrf"
CSRF_FIELD = "csrf_token"


class Csrf:
    """Double submit: a random value in a cookie, and in the form its HMAC under our secret. A
    forged form on another site can neither read our cookie nor compute the HMAC."""

    def __init__(self, secret: bytes):
        self.secret = secret

    def field_for(self, cookie_value: str) -> str:
        return hmac.new(self.secret, cookie_value.encode(), hashlib.sha256).hexdigest()

    def issue(self, request: Request) -> tuple[str, str]:
        """(cookie value, form value): the visitor's cookie kept when it has one."""
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or len(cookie) != 43:
            cookie = secrets.token_urlsafe(32)
        return cookie, self.field_for(cookie)

    def valid(self, request: Request, submitted: str | None) -> bool:
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or not submitted:
            return False
        return hmac.compare_digest(self.field_for(cookie), submitted)


class RateLimit:
    """At most `limit` events per client address in any `window_s` seconds (sliding window, in
    memory: one process; a restart forgets, which only ever lets more through)."""

    def __init__(self, limit: int = 5, window_s: float = 600.0, clock=time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        events = self._events[client]
        while events and events[0] <= now - self.window_s:
            events.popleft()
        return events

    def full(self, client: str) -> bool:
        """Whether `client` has used up its events in the window (nothing is counted)."""
        with self._lock:
            return len(self._recent(client, self.clock())) >= self.limit

    def count(self, client: str) -> None:
        """One event of `client`, now: only what it was limited for (a proposal stored)."""
        now = self.clock()
        with self._lock:
            self._recent(client, now).append(now)

    def allow(self, client: str) -> bool:
        """`full` then `count` in one step, for a limit on attempts rather than on results."""
        now = self.clock()
        with self._lock:
            events = self._recent(client, now)
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True


bearer = HTTPBearer(auto_error=False, description="VEILLEUR_OPERATOR_TOKEN")


def require_operator(request: Request, credentials: HTTPAuthorizationCredentials | None) -> None:
    token: str | None = request.app.state.operator_token
    if not token:
        raise HTTPException(403, "operator endpoints are disabled: set VEILLEUR_OPERATOR_TOKEN on the server")
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "operator token required (Authorization: Bearer …)",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(403, "operator token refused")
