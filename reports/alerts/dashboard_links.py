"""Links from an alert to the dashboard, built on its public address (`VEILLEUR_PUBLIC_URL`, the alerts section).

Without that address there are no dashboard links at all: a ministry cannot open a dashboard
served on an operator's loopback. The paths are the dashboard's routes (reports/web/pages.py,
reports/web/evidence.py); tests/reports/alerts/test_incidents.py follows each link an e-mail carries on the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from reports.alerts.locations import Spot

def service_page(base: str, service_id: str) -> str:
    return f"{base}/services/{quote(service_id, safe='')}"


def captured_page(base: str, service_id: str, page_id: int) -> str:
    return f"{service_page(base, service_id)}/pages/{int(page_id)}"


def proof_crop(base: str, finding_id: int, number: int) -> str:
    return f"{base}/preuves/{int(finding_id)}/{int(number)}.png"


def incidents_page(base: str, ministry_id: str | None = None, incident_id: int | None = None) -> str:
    query = f"?{urlencode({'ministere': ministry_id})}" if ministry_id else ""
    anchor = f"#incident-{int(incident_id)}" if incident_id is not None else ""
    return f"{base}/incidents{query}{anchor}"


@dataclass(frozen=True)
class DashboardLinks:
    service: str                # the service's page: levels, history, latest findings and their proof
    incident: str               # the incident among its ministry's, on the incidents page
    evidence: str | None        # the element on the previous visit's screenshot (outlined)
    before_page: str | None     # the page as captured at the previous visit (its code)
    after_page: str | None      # the same page at the later visit


def links_for(base: str | None, service_id: str, ministry_id: str, incident_id: int,
              spot: Spot) -> DashboardLinks | None:
    if not base:
        return None
    return DashboardLinks(
        service=service_page(base, service_id),
        incident=incidents_page(base, ministry_id, incident_id),
        evidence=proof_crop(base, *spot.proof) if spot.proof else None,
        before_page=captured_page(base, service_id, spot.before_page_id) if spot.before_page_id else None,
        after_page=captured_page(base, service_id, spot.after_page_id) if spot.after_page_id else None,
    )
