"""Digests and screenshots to build alert e-mails from in tests."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from PIL import Image

from reports.alerts.digests import Digest, DigestItem
from storage.evidence.store import EvidenceStore

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=timezone.utc)
SENDER = "Veilleur <veilleur@numerique.example>"


def screenshot(store: EvidenceStore, width: int = 1280, height: int = 4000, colour=(0, 0, 145)) -> str:
    """A full-page JPEG screenshot like the probe stores, returned as its sha256."""
    image = Image.new("RGB", (width, height), colour)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=70)
    return store.put(out.getvalue())


def item(kind="new", incident_id=1, service_id="carte-grise", service_name="Demander une carte grise",
         check="franceconnect", change="Le bouton FranceConnect a disparu (franceconnect → absent)",
         since=NOW - timedelta(days=1), page_url="https://immatriculation.example/connexion",
         evidence_url="https://veilleur.example/rapport/services/carte-grise.html", thumbnail_sha=None,
         service_url="https://immatriculation.example/") -> DigestItem:
    return DigestItem(kind=kind, incident_id=incident_id, service_id=service_id, service_name=service_name,
                      service_url=service_url, check=check, change=change, since=since, page_url=page_url,
                      evidence_url=evidence_url, thumbnail_sha=thumbnail_sha)


def digest(*items: DigestItem, ministry_name="Ministère de l’Intérieur", campaign_id=12,
           recipients=("qualite-numerique@interieur.example", "ants@interieur.example")) -> Digest:
    return Digest(ministry_id="interieur", ministry_name=ministry_name, recipients=tuple(recipients),
                  campaign_id=campaign_id, items=tuple(items) or (item(),))
