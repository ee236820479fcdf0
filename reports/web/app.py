"""The dashboard application: `create_app(db, store)` → a FastAPI (ASGI) app.

Configuration, the web section `veilleur serve` gives: VEILLEUR_OPERATOR_TOKEN (operator endpoints;
unset: they are disabled) and VEILLEUR_SECRET_KEY (signs the form tokens; unset: a random key per
process, so a restart only asks visitors to reload the form).
"""

from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from foundation import __version__
from foundation.settings import WebSection
from reports.web import api, evidence, keys, pages, proposals
from reports.web.page_cache import PageCache
from reports.web.rendering import message
from reports.web.security import Csrf, RateLimit, SecurityHeaders
from storage.db import Database
from storage.evidence.store import EvidenceStore

STATIC = Path(__file__).parent / "static"
# Proposals per client address: at most 5 in any 10 minutes (README, "Dashboard and API").
PROPOSALS_PER_WINDOW, PROPOSAL_WINDOW_S = 5, 600.0


class HeadAsGet:
    """`HEAD` on any page answers as `GET` does, headers and status, without the body (FastAPI's
    routes answer GET only, so HEAD was a 405: link checkers and uptime probes send HEAD)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            return await self.app(scope, receive, send)

        async def without_body(message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)


def create_app(db: Database, store: EvidenceStore, web: WebSection | None = None,
               proposal_limit: RateLimit | None = None) -> FastAPI:
    web = web or WebSection()
    app = FastAPI(
        title="Veilleur", version=__version__,
        description="Quality of the French State's online services, as probed by Veilleur: services, runs, "
                    "findings with their evidence, indicators per quarter, objectives and exports.",
        # Swagger UI and ReDoc load scripts from a CDN, which our policy forbids: the schema is at /openapi.json.
        docs_url=None, redoc_url=None,
    )
    app.state.db, app.state.store = db, store
    app.state.operator_token = web.operator_token
    key = web.secret_key.encode() if web.secret_key else secrets.token_bytes(32)
    app.state.csrf = Csrf(key)
    app.state.proposal_limit = proposal_limit or RateLimit(PROPOSALS_PER_WINDOW, PROPOSAL_WINDOW_S)
    app.state.pages = PageCache()
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (pages, evidence, proposals, api, keys):
        app.include_router(module.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api") or request.url.path == "/openapi.json":
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        text = "Cette page n’existe pas." if exc.status_code == 404 else str(exc.detail)
        return message("Page introuvable" if exc.status_code == 404 else "Erreur", text, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        detail = f"{where}: {first.get('msg', 'invalid')}"
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": detail}, status_code=422)
        return message("Adresse incorrecte", f"Un paramètre de l’adresse n’est pas valable ({detail}).", 422)

    return app
