"""The `veilleur probe URL --json` document (contract in the README; extra keys are allowed)."""

from __future__ import annotations

from checks.models import Finding
from probes.models import ServiceCapture


def finding_json(finding: Finding) -> dict:
    return {
        "status": finding.status,
        **finding.details(),
        "reason": finding.reason,
        "evidence": [e.model_dump(mode="json", exclude_none=True) for e in finding.evidence],
    }


def probe_document(capture: ServiceCapture, findings: dict[str, Finding]) -> dict:
    return {
        "url": capture.url,
        "final_url": capture.final_url,
        "http_status": capture.http_status,
        "ok": capture.ok,
        "error": capture.error,
        "error_class": capture.error_class,
        "started_at": capture.started_at.isoformat() if capture.started_at else None,
        "finished_at": capture.finished_at.isoformat() if capture.finished_at else None,
        "tools": capture.tools.model_dump() if capture.tools else None,
        "pages": [
            {
                "url": page.url,
                "kind": page.kind,
                "http_status": page.http_status,
                "final_url": page.final_url,
                "ok": page.ok,
                "error": page.error,
                "error_class": page.error_class,
                "redirect_chain": page.redirect_chain,
                "timings": page.timings.model_dump(),
                "title": page.title,
                "dialogs": page.dialogs,
            }
            for page in capture.pages
        ],
        "checks": {check: finding_json(finding) for check, finding in findings.items()},
    }
