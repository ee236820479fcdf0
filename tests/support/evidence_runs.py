"""Recorded runs for the evidence tests, without a browser: a screenshot drawn with Pillow where
the FranceConnect button sits at a known box, recorded through storage.runs.record_unit."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from PIL import Image, ImageDraw
from sqlalchemy import select

from checks.models import Evidence
from checks.franceconnect import FranceConnectFinding
from checks.jedonnemonavis import JeDonneMonAvisFinding
from checks.non_digital_alternative import NonDigitalAlternativeFinding
from probes.models import AxeOutcome, Box, PageCapture, ServiceCapture, ToolVersions
from storage.evidence.store import EvidenceStore
from storage.schema import ManifestRecord
from storage.schema import Ministry, PageRecord, Service
from storage.runs import create_campaign, finish_campaign, pending_units, record_unit

BUTTON = Box(x=100, y=1200, width=240, height=60)
BUTTON_COLOUR = (0, 0, 145)
SETTINGS = {"viewport_width": 1280, "viewport_height": 800, "page_timeout_s": 20.0}


def screenshot(width: int = 1280, height: int = 1600, variant: int = 0) -> bytes:
    """A page: white, a grey header, and a blue button at BUTTON (variant changes the header)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 120), fill=((variant * 47) % 256, 200, 200))
    draw.rectangle((BUTTON.x, BUTTON.y, BUTTON.x + BUTTON.width - 1, BUTTON.y + BUTTON.height - 1), fill=BUTTON_COLOUR)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def seed(db, *service_ids: str) -> None:
    with db.sessions() as session, session.begin():
        if session.get(Ministry, "m") is None:
            session.add(Ministry(id="m", name="Ministère", contacts=[]))
        for sid in service_ids:
            session.add(Service(id=sid, name=f"Service {sid}", ministry_id="m", url=f"https://{sid}.example/"))


def capture(url: str, started: datetime, shot: bytes | None = None, html: str = "<html><body>Bonjour</body></html>",
            contact_html: str = "<html><body>Appelez le 01 23 45 67 89</body></html>", title: str = "Accueil",
            headers: dict[str, str] | None = None) -> ServiceCapture:
    shot = screenshot() if shot is None else shot
    landing = PageCapture(
        url=url, kind="landing", final_url=url, http_status=200, ok=True, html=html, text="Bonjour", title=title,
        response_headers=headers or {"content-type": "text/html; charset=utf-8", "server": "demo"},
        screenshot=shot, screenshot_type="jpeg", captured_at=started,
        axe=AxeOutcome(version="4.12.1", raw_json=b'{"violations": []}'),
    )
    contact = PageCapture(
        url=url + "contact", kind="contact", final_url=url + "contact", http_status=200, ok=True, html=contact_html,
        text="Appelez le 01 23 45 67 89", screenshot=screenshot(variant=7), screenshot_type="jpeg",
        captured_at=started + timedelta(seconds=1),
    )
    return ServiceCapture(url=url, final_url=url, http_status=200, ok=True, pages=[landing, contact], started_at=started,
                          finished_at=started + timedelta(seconds=2),
                          tools=ToolVersions(veilleur="0.1.0", chromium="131.0", playwright="1.65.2", axe_core="4.12.1"))


def findings(url: str, html: str = '<button class="fr-connect">S’identifier avec FranceConnect</button>',
             selector: str = "main > button.fr-connect") -> dict:
    return {
        "franceconnect": FranceConnectFinding(status="franceconnect", evidence=[
            Evidence(page_url=url, selector=selector, html=html, box=BUTTON, excerpt="S’identifier avec FranceConnect",
                     note="FranceConnect button"),
        ]),
        "jedonnemonavis": JeDonneMonAvisFinding(status="absent", evidence=[
            Evidence(page_url=url, note="looked for a JeDonneMonAvis button; none found"),
            Evidence(page_url=url + "contact", note="looked for a JeDonneMonAvis button; none found"),
        ]),
        "non_digital_alternative": NonDigitalAlternativeFinding(status="present", phones=["0123456789"], evidence=[
            Evidence(page_url=url + "contact", excerpt="Appelez le 01 23 45 67 89", note="phone number 0123456789"),
        ]),
    }


def record(db, store: EvidenceStore, service_id: str, started: datetime | None = None, finish: bool = True,
           found: dict | None = None, **capture_kw) -> int:
    """One campaign over one service, recorded; returns the run id."""
    started = started or datetime.now(timezone.utc)
    with db.sessions() as session:
        service = session.get(Service, service_id)
        campaign = create_campaign(session, [service], "manual", dict(SETTINGS))
        unit = pending_units(session, campaign.id)[0]
    assert record_unit(db.sessions(), store, unit, capture(unit.url, started, **capture_kw),
                       found if found is not None else findings(unit.url))
    if finish:
        with db.sessions() as session:
            finish_campaign(session, campaign.id)
    return unit.run_id


def manifest_of(db, run_id: int) -> ManifestRecord:
    with db.sessions() as session:
        return session.scalars(select(ManifestRecord).where(ManifestRecord.service_run_id == run_id)).one()


def page_sha(db, run_id: int, position: int, column: str) -> str:
    with db.sessions() as session:
        page = session.scalars(select(PageRecord).where(PageRecord.service_run_id == run_id,
                                                        PageRecord.position == position)).one()
        return getattr(page, column)


def probe_and_record(db, store: EvidenceStore, service_id: str, url: str) -> int:
    """A real visit (Chromium on loopback), its checks, and the unit recorded as a campaign does."""
    from checks import run_checks
    from tests.conftest import FAST, probe

    with db.sessions() as session:
        campaign = create_campaign(session, [session.get(Service, service_id)], "manual", dict(FAST.__dict__))
        unit = pending_units(session, campaign.id)[0]
    captured = probe(url)
    assert record_unit(db.sessions(), store, unit, captured, run_checks(captured))
    with db.sessions() as session:
        finish_campaign(session, campaign.id)
    return unit.run_id


def seed_at(db, service_id: str, url: str) -> None:
    with db.sessions() as session, session.begin():
        if session.get(Ministry, "m") is None:
            session.add(Ministry(id="m", name="Ministère", contacts=[]))
        session.add(Service(id=service_id, name=f"Service {service_id}", ministry_id="m", url=url))
