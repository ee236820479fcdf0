"""Evidence files on the dashboard: screenshots and proof crops as images, captured HTML only as a
download or inside a sandboxed frame, and the run's evidence bundle (zip) to download."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from foundation.errors import InputError
from foundation.limits import RECORD_ID, within
from probes.models import Box
from reports.evidence import proof
from reports.evidence.bundle import choose_run, export_bundle
from reports.web.rendering import db_session, message
from reports.web.security import SANDBOX_CSP
from storage.schema import FindingRecord, PageRecord

router = APIRouter(include_in_schema=False)
SessionDep = Annotated[Session, Depends(db_session)]
PRIVATE_CACHE = "private, max-age=3600"


def _stored(request: Request, sha: str) -> bytes | None:
    path = request.app.state.store.path(sha)
    return path.read_bytes() if len(sha) == 64 and path.is_file() else None


@router.get("/artefacts/{sha}")
def artifact(sha: str, request: Request, session: SessionDep, cadre: int = 0):
    sha = sha.lower()
    # Only the files of recorded pages: the store is not browsable by guessing names.
    page = session.scalars(select(PageRecord).where(or_(
        PageRecord.screenshot_sha == sha, PageRecord.dom_sha == sha, PageRecord.axe_sha == sha,
        PageRecord.capture_sha == sha)).limit(1)).first()
    data = _stored(request, sha) if page is not None else None
    if data is None:
        return message("Fichier introuvable", "Ce fichier de preuve n’existe pas ou a été supprimé (durée de conservation).", 404)
    if sha == page.screenshot_sha:
        media = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
        return Response(data, media_type=media, headers={"Cache-Control": PRIVATE_CACHE})
    if sha == page.dom_sha:
        if cadre:
            # The site's HTML, rendered in an opaque origin: no script, no request, no cookie of ours.
            return Response(data, media_type="text/html; charset=utf-8",
                            headers={"Content-Security-Policy": SANDBOX_CSP, "Cache-Control": PRIVATE_CACHE})
        return Response(data, media_type="text/plain; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{sha}.html.txt"'})
    return Response(data, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{sha}.json"'})


@router.get("/preuves/{finding_id}/{number}.png")
def proof_crop(finding_id: int, number: int, request: Request, session: SessionDep):
    # A number no record can have is a finding we do not have, not a database overflow.
    record = session.get(FindingRecord, finding_id) if within(finding_id, RECORD_ID) else None
    items = record.evidence if record is not None else []
    item = items[number - 1] if 0 < number <= len(items) and isinstance(items[number - 1], dict) else None
    image = None
    if item and item.get("box"):
        page = next((p for p in record.run.pages if item.get("page_url") in (p.url, p.final_url)), None)
        shot = _stored(request, page.screenshot_sha) if page is not None and page.screenshot_sha else None
        if shot is not None:
            width = (record.run.campaign.settings or {}).get("viewport_width")
            scale = proof.image_size(shot)[0] / width if isinstance(width, (int, float)) and width > 0 else 1.0
            image = proof.crop(shot, Box.model_validate(item["box"]), scale)
    if image is None:
        return message("Image introuvable", "Nous ne pouvons pas montrer cet élément sur la capture d’écran.", 404)
    return Response(image, media_type="image/png", headers={"Cache-Control": PRIVATE_CACHE})


@router.get("/services/{service_id}/preuves.zip")
def bundle(service_id: str, request: Request, session: SessionDep):
    try:
        record = choose_run(session, service_id)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "bundle.zip"
            export_bundle(session, request.app.state.store, record, out)
            data = out.read_bytes()
    except InputError as exc:
        return message("Dossier de preuves indisponible", str(exc), 404)
    return Response(data, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{service_id}-visite-{record.service_run_id}.zip"'})
