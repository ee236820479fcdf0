"""Where an incident's element was: the pages of the previous run's evidence, and the same place
at a later visit.

A regression is an absence now of what was there before, so the page to name is the one where
the previous run found the element (its evidence's `page_url`, looked up among that run's
recorded pages for its kind), not the landing page; and the picture to show is that element on
the previous screenshot beside the same area of the same page at the later visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from checks import finding_type
from foundation.times import as_utc
from probes.models import Box
from reports.alerts.regressions import AVAILABILITY
from storage.schema import Incident, PageRecord, ServiceRun


@dataclass(frozen=True)
class PageRef:
    """A page of a visit: its address and, when the run recorded it, its kind (landing, login…)."""

    url: str
    kind: str | None


@dataclass(frozen=True)
class Picture:
    """An element's place (CSS pixels) on a stored full-page screenshot of one visit."""

    screenshot_sha: str | None    # None: that visit has no screenshot of the page
    box: Box | None               # None: the evidence has no element box
    viewport_width: float | None  # the campaign's viewport, to scale CSS pixels to the image
    taken_at: datetime | None
    page_found: bool = True       # False: the later visit did not reach this page at all
    max_height: float | None = None  # the campaign's cap on screenshot height (CSS pixels)


@dataclass(frozen=True)
class Spot:
    pages: tuple[PageRef, ...]   # where the element was, the one to fix first
    finding_id: int | None       # the previous run's finding holding the evidence
    evidence_number: int | None  # 1-based, in that finding's evidence (dashboard proof crops)
    before_page_id: int | None   # the page as captured then (with its code)
    after_page_id: int | None    # the same page at the later visit
    before: Picture | None
    after: Picture | None

    @property
    def proof(self) -> tuple[int, int] | None:
        """(finding id, evidence number) of the element's outlined crop on the dashboard
        (reports/web/evidence.py), when the element has a box on a screenshot."""
        if (self.before is None or self.before.box is None or not self.before.screenshot_sha
                or self.finding_id is None or not self.evidence_number):
            return None
        return self.finding_id, self.evidence_number


NOWHERE = Spot((), None, None, None, None, None, None)


def _run(session: Session, run_id: int | None) -> ServiceRun | None:
    return session.get(ServiceRun, run_id) if run_id is not None else None


def _page(run: ServiceRun | None, url: str | None) -> PageRecord | None:
    if run is None or not url:
        return None
    return next((p for p in run.pages if url in (p.url, p.final_url)), None)


def _same_page(run: ServiceRun | None, page: PageRecord | None, url: str | None) -> PageRecord | None:
    """The page of a later visit that stands for `page`: the same address, else the same kind
    (a key page whose address changed is still the login page); "other" pages only by address."""
    if run is None:
        return None
    found = _page(run, url) or (_page(run, page.final_url or page.url) if page is not None else None)
    if found is None and page is not None and page.kind != "other":
        found = next((p for p in run.pages if p.kind == page.kind), None)
    return found


def _box(item: dict) -> Box | None:
    try:
        return Box.model_validate(item["box"]) if item.get("box") else None
    except ValidationError:
        return None


def _setting(run: ServiceRun, name: str) -> float | None:
    value = (run.campaign.settings or {}).get(name) if run.campaign is not None else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _picture(run: ServiceRun, page: PageRecord | None, box: Box | None, found: bool = True) -> Picture:
    return Picture(page.screenshot_sha if page is not None else None, box, _setting(run, "viewport_width"),
                   as_utc(run.started_at), page_found=found, max_height=_setting(run, "screenshot_max_height"))


def _evidence(run: ServiceRun, check: str) -> tuple[int | None, list[tuple[int, dict]]]:
    finding = next((f for f in run.findings if f.check == check), None)
    if finding is None:
        return None, []
    items = [(n, item) for n, item in enumerate(finding.evidence or [], 1)
             if isinstance(item, dict) and isinstance(item.get("page_url"), str) and item["page_url"]]
    return finding.id, items


def locate(session: Session, check: str, before_run_id: int | None, after_run_id: int | None) -> Spot:
    """Where `check`'s element was in the run `before_run_id`, and that place in `after_run_id`."""
    before_run, after_run = _run(session, before_run_id), _run(session, after_run_id)
    if before_run is None:
        return NOWHERE
    if check == AVAILABILITY:
        # Nothing went missing from a page: the whole site did. Its landing page is the place.
        landing = before_run.pages[0] if before_run.pages else None
        url = (landing.final_url or landing.url) if landing else (before_run.final_url or before_run.url)
        later = _same_page(after_run, landing, url)
        return Spot((PageRef(url, landing.kind if landing else "landing"),), None, None,
                    landing.id if landing is not None and landing.dom_sha else None,
                    later.id if later is not None and later.dom_sha else None, None, None)

    finding_id, items = _evidence(before_run, check)
    if not items:
        return Spot((), finding_id, None, None, None, None, None)
    pages: dict[str, PageRef] = {}
    for _, item in items:
        page = _page(before_run, item["page_url"])
        pages.setdefault(item["page_url"], PageRef(item["page_url"], page.kind if page is not None else None))
    # The page a ministry would fix when the element goes missing (the check's `located_on`):
    # when the element was on several pages, this one is named first and cropped.
    natural = finding_type(check).located_on

    def rank(entry: tuple[int, dict]) -> tuple[bool, bool]:
        item = entry[1]
        return (pages[item["page_url"]].kind != natural, _box(item) is None)

    number, item = min(items, key=rank)  # min keeps evidence order among equals
    ordered = [pages[item["page_url"]]] + [p for url, p in pages.items() if url != item["page_url"]]
    page = _page(before_run, item["page_url"])
    later = _same_page(after_run, page, item["page_url"])
    box = _box(item)
    return Spot(
        pages=tuple(ordered), finding_id=finding_id, evidence_number=number,
        before_page_id=page.id if page is not None and page.dom_sha else None,
        after_page_id=later.id if later is not None and later.dom_sha else None,
        before=_picture(before_run, page, box),
        after=_picture(after_run, later, box, found=later is not None) if after_run is not None else None,
    )


def latest_run_id(incident: Incident) -> int | None:
    """The visit that shows the incident as it stands: the one that closed it, else the one that
    opened it (a reminder's caller passes the newest run itself)."""
    return incident.closed_run_id or incident.opened_run_id


def preload_runs(session: Session, incidents: list[Incident]) -> None:
    """Load the runs `locate` reads for these incidents in one query (a page of a hundred
    incidents would otherwise cost a query per run, page and finding)."""
    ids = {i for incident in incidents for i in (incident.baseline_run_id, latest_run_id(incident)) if i is not None}
    if ids:
        session.scalars(select(ServiceRun).where(ServiceRun.id.in_(ids)).options(
            selectinload(ServiceRun.pages), selectinload(ServiceRun.findings), selectinload(ServiceRun.campaign))).all()
