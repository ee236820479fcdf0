"""Digests and screenshots to build alert e-mails from in tests."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageDraw

from probes.models import Box
from reports.alerts.dashboard_links import DashboardLinks
from reports.alerts.digests import Digest, DigestItem
from reports.alerts.locations import PageRef, Picture
from storage.evidence.store import EvidenceStore

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)
SENDER = "Veilleur <veilleur@numerique.example>"
LOGIN = "https://immatriculation.example/connexion"
BUTTON = Box(x=100, y=1200, width=240, height=60)
DASHBOARD = DashboardLinks(
    service="https://veilleur.example/services/carte-grise",
    incident="https://veilleur.example/incidents?ministere=interieur#incident-1",
    evidence="https://veilleur.example/preuves/31/1.png",
    before_page="https://veilleur.example/services/carte-grise/pages/40",
    after_page="https://veilleur.example/services/carte-grise/pages/52",
)


def screenshot(store: EvidenceStore, width: int = 1280, height: int = 4000, colour=(0, 0, 145),
               buttons: tuple[Box, ...] = (), button_colour=(0, 0, 145)) -> str:
    """A full-page JPEG screenshot like the probe stores, returned as its sha256; white around
    the `buttons` when some are drawn."""
    image = Image.new("RGB", (width, height), "white" if buttons else colour)
    for button in buttons:
        ImageDraw.Draw(image).rectangle((button.x, button.y, button.x + button.width, button.y + button.height),
                                        fill=button_colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return store.put(out.getvalue())


def picture(sha: str | None, box: Box | None = BUTTON, days_ago: int = 2, found: bool = True,
            max_height: float | None = 8000) -> Picture:
    return Picture(screenshot_sha=sha, box=box, viewport_width=1280, taken_at=NOW - timedelta(days=days_ago),
                   page_found=found, max_height=max_height)


def item(kind="new", incident_id=1, service_id="carte-grise", service_name="Demander une carte grise",
         check="franceconnect", change="Le bouton FranceConnect a disparu",
         since=NOW - timedelta(days=1), pages=(PageRef(LOGIN, "login"),), before_status="franceconnect",
         after_status="absent", before: Picture | None = None, after: Picture | None = None,
         links: DashboardLinks | None = None,
         report_url="https://veilleur.example/rapport/services/carte-grise.html",
         service_url="https://immatriculation.example/") -> DigestItem:
    return DigestItem(kind=kind, incident_id=incident_id, service_id=service_id, service_name=service_name,
                      service_url=service_url, check=check, change=change, since=since, pages=tuple(pages),
                      before_status=before_status, after_status=after_status, before=before, after=after,
                      links=links, report_url=report_url)


def pictured(store: EvidenceStore, incident_id: int = 1, **kw) -> DigestItem:
    """An item whose element (a blue button) is on the previous screenshot and gone from the later one."""
    before = screenshot(store, buttons=(BUTTON,), button_colour=(0, 0, (145 + incident_id) % 256))
    after = screenshot(store, colour=(255, 255, (255 - incident_id) % 256))
    return item(incident_id=incident_id, before=picture(before), after=picture(after, days_ago=0), **kw)


def digest(*items: DigestItem, ministry_name="Ministère de l’Intérieur", campaign_id=12,
           recipients=("qualite-numerique@interieur.example", "ants@interieur.example")) -> Digest:
    return Digest(ministry_id="interieur", ministry_name=ministry_name, recipients=tuple(recipients),
                  campaign_id=campaign_id, items=tuple(items) or (item(),))
