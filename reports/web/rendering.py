"""Templates (Jinja2, escaping on) and the per-request database session."""

from __future__ import annotations

from typing import Iterator

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from foundation import __version__, formatting, vocabulary
from reports.links import safe_href
from reports.observatory.indicators import INDICATORS, SPECS
from reports.tones import DSFR_BADGE as BADGE

_env = Environment(loader=PackageLoader("reports.web", "templates"), autoescape=select_autoescape(["html"]))
_env.globals.update(BADGE=BADGE, INDICATORS=INDICATORS, SPECS=SPECS, safe_href=safe_href, version=__version__)
formatting.register(_env)
_env.filters.update(count=vocabulary.count, page_kind=vocabulary.page_kind, status=vocabulary.status)


def render(name: str, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


def message(title: str, text: str, status_code: int, error: bool = True, **context) -> HTMLResponse:
    return render("message.html", status_code=status_code, title=title, message=text, error=error, **context)


def db_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.sessions() as session:
        yield session
