"""Rendered pages kept until the data they are drawn from changes.

A page's figures are recomputed from every run of the quarters it shows (hundreds of services ×
several quarters), while the data only changes when a run is recorded, a campaign finishes, the
registry or an import changes. The fingerprint below changes with each of these, so a cached
page is never staler than the database: the dashboard and the CLI always agree.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timezone
from typing import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.schema import (
    Campaign,
    DeclaredIndicator,
    Ministry,
    ReferenceRunChoice,
    SatisfactionScore,
    Service,
    ServiceRun,
)


def data_fingerprint(session: Session) -> tuple:
    """What the indicators, objectives and findings depend on, in one cheap query per table."""
    queries = (
        select(func.count(), func.max(ServiceRun.id), func.max(ServiceRun.finished_at)).where(ServiceRun.status == "done"),
        select(func.count(), func.max(Campaign.finished_at)).where(Campaign.status == "finished"),
        select(func.count(), func.max(Service.updated_at)).select_from(Service),
        select(func.count(), func.sum(func.length(Ministry.name))).select_from(Ministry),
        select(func.count(), func.max(SatisfactionScore.imported_at)).select_from(SatisfactionScore),
        select(func.count(), func.max(DeclaredIndicator.imported_at)).select_from(DeclaredIndicator),
        select(func.count(), func.max(ReferenceRunChoice.chosen_at)).select_from(ReferenceRunChoice),
    )
    return tuple(tuple(session.execute(q).one()) for q in queries) + (datetime.now(timezone.utc).date(),)


class PageCache:
    def __init__(self, size: int = 256):
        self.size = size
        self._pages: OrderedDict[str, tuple[tuple, bytes, int]] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, request: Request, session: Session, build: Callable[[], HTMLResponse]) -> HTMLResponse:
        key = f"{request.url.path}?{request.url.query}"
        fingerprint = data_fingerprint(session)
        with self._lock:
            hit = self._pages.get(key)
            if hit is not None and hit[0] == fingerprint:
                self._pages.move_to_end(key)
                return HTMLResponse(hit[1], status_code=hit[2])
        response = build()
        with self._lock:
            self._pages[key] = (fingerprint, bytes(response.body), response.status_code)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return response
