"""The demo, end to end: bundled sites → registry → campaign → report where every status shows."""

from __future__ import annotations

import email
import email.policy
import re

from checks import finding_types


def test_demo_report_shows_every_status_of_every_check_as_expected(tmp_path, env_data_dir, monkeypatch, capsys):
    from sqlalchemy import create_engine, text

    from veilleur.demo.server import serve_sites
    from veilleur.demo.run import run_demo

    monkeypatch.setenv("VEILLEUR_PAGE_TIMEOUT", "8")
    index = run_demo(tmp_path / "report")
    last_line = capsys.readouterr().err.strip().splitlines()[-1]
    assert last_line == (f"Dashboard: VEILLEUR_DATA_DIR={(env_data_dir / 'demo').resolve()} veilleur serve "
                         "--host 127.0.0.1 --port 8000 → http://127.0.0.1:8000/")
    engine = create_engine(f"sqlite:///{env_data_dir / 'demo' / 'veilleur.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text("select r.service_id, f.check_id, f.status from findings f join service_runs r "
                                 "on r.id = f.service_run_id where r.campaign_id = 1")).all()
        incidents = conn.execute(text("select service_id, check_id, status from incidents")).all()
    engine.dispose()
    found = {(sid, check): status for sid, check, status in rows}
    with serve_sites() as demo:
        expected = {(site.id, check): status for site in demo.sites for check, status in site.config.expected.items()}
    mismatches = {key: (found.get(key), status) for key, status in expected.items() if found.get(key) != status}
    assert mismatches == {}
    report = index.read_text(encoding="utf-8")
    for check, cls in finding_types().items():
        for status in cls.statuses:
            assert (check, status) in {(c, s) for (_, c), s in found.items()}
            assert re.search(rf'class="badge [a-z]+">{status}</span>', report)
    # the played regression: confirmed by the two later campaigns, and its digest is in the outbox
    assert [tuple(i) for i in incidents] == [("carte-grise", "franceconnect", "open")]
    [digest] = list((env_data_dir / "demo" / "outbox").glob("*.eml"))
    message = email.message_from_bytes(digest.read_bytes(), policy=email.policy.default)
    assert "Le bouton FranceConnect a disparu" in message.get_body(preferencelist=("plain",)).get_content()
    assert "qualite" in message["To"] or "@" in message["To"]
    service_pages = list((tmp_path / "report" / "services").glob("*.html"))
    assert len(service_pages) == len({sid for sid, _ in expected})
    assert list((tmp_path / "report" / "evidence").glob("*.jpg"))  # screenshots copied next to the report

    # One truth over the demo's data: every indicator of every service reads the same in the
    # report, on the dashboard, in the API and in the exports.
    from click.testing import CliRunner
    from fastapi.testclient import TestClient

    from reports.observatory.indicators import latest_quarter
    from reports.web.app import create_app
    from storage.db import open_database
    from storage.evidence.store import EvidenceStore
    from tests.test_one_truth import assert_one_truth

    db = open_database(f"sqlite:///{env_data_dir / 'demo' / 'veilleur.db'}")
    try:
        with db.sessions() as session:
            quarter = latest_quarter(session)
        services = sorted({sid for sid, _ in expected})
        with serve_sites() as demo:
            ministries = sorted({site.config.ministry for site in demo.sites})
        client = TestClient(create_app(db, EvidenceStore(env_data_dir / "demo" / "evidence")))
        shown = assert_one_truth(db, client, tmp_path / "report", CliRunner(), services, ministries, quarter)
        assert shown["carte-grise"]["readability"][1].endswith("/10")
    finally:
        db.close()
