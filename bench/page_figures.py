"""How long the dashboard's pages take, first drawn and then served from the page cache.

    python -m bench.page_figures [--services 200] [--quarters 4]

Seeds a throwaway SQLite database (N services in 10 ministries, one finished campaign per quarter)
and prints, per page, the time to draw it, the time to serve it again, and the ratio. Needs the
test extra (httpx, for Starlette's test client).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.schema import Campaign, FindingRecord, Ministry, PageRecord, Service, ServiceRun

FINDINGS = {
    "franceconnect": ("franceconnect", {}),
    "jedonnemonavis": ("present", {"demarche_id": "1"}),
    "non_digital_alternative": ("present", {"phones": ["0123456789"]}),
    "accessibility": ("measured", {"violations": 3, "rules": ["image-alt"], "pages_measured": 2}),
    "accessibility_statement": ("partiellement", {"rate": 74.5, "date": "2026-01-15"}),
    "readability": ("measured", {"score": 6.5, "words": 400}),
}


def seed(db, services: int, quarters: int) -> None:
    with db.sessions() as session:
        for m in range(10):
            session.add(Ministry(id=f"m{m}", name=f"Ministère {m}", contacts=[]))
        session.flush()
        for i in range(services):
            session.add(Service(id=f"s{i}", name=f"Démarche {i}", ministry_id=f"m{i % 10}", url=f"https://s{i}.example/"))
        session.flush()
        for q in range(quarters):
            start = datetime(2026, 3 * q + 2, 3, 12, tzinfo=timezone.utc)
            campaign = Campaign(status="finished", started_at=start, finished_at=start, settings={})
            session.add(campaign)
            session.flush()
            for i in range(services):
                run = ServiceRun(campaign_id=campaign.id, service_id=f"s{i}", url=f"https://s{i}.example/", status="done",
                                 ok=True, started_at=start, finished_at=start)
                session.add(run)
                session.flush()
                session.add(PageRecord(service_run_id=run.id, position=0, kind="landing", url=run.url, ok=True,
                                       timings={"load_ms": 250.0 + i}))
                for check, (status, details) in FINDINGS.items():
                    session.add(FindingRecord(service_run_id=run.id, check=check, status=status, details=details, evidence=[]))
        session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--quarters", type=int, default=4, choices=range(1, 5))
    args = parser.parse_args()
    from fastapi.testclient import TestClient

    from reports.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'veilleur.db'}")
        seed(db, args.services, args.quarters)
        client = TestClient(create_app(db, EvidenceStore(Path(tmp) / "evidence")))
        print(f"{args.services} services, {args.quarters} quarters (SQLite)")
        print(f"{'page':22} {'drawn':>9} {'cached':>9} {'ratio':>8}")
        for path in ("/", "/ministeres/m1", "/services/s1", "/objectifs"):
            timings = []
            for _ in range(2):
                start = time.perf_counter()
                assert client.get(path).status_code == 200
                timings.append(time.perf_counter() - start)
            print(f"{path:22} {timings[0]:8.3f}s {timings[1]:8.3f}s {timings[0] / timings[1]:7.0f}×")
        db.close()


if __name__ == "__main__":
    main()
