"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and probe helpers."""

from __future__ import annotations

import asyncio
import os
from typing import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

from probes.browser import BrowserPool
from storage.db import open_database
from probes.settings import ProbeSettings

PG_URL = os.environ.get("VEILLEUR_TEST_DATABASE_URL")

DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of this test process's own on the configured server, dropped at the end: test
    processes running side by side (xdist workers, two checkouts) never see each other's rows."""
    server = make_url(PG_URL)
    name = f"{server.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path) -> str:
    """A fresh, empty database URL: SQLite in a temp dir, and PostgreSQL when configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'veilleur.db'}"
    url = request.getfixturevalue("postgres_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def db(database_url):
    database = open_database(database_url)
    yield database
    database.close()


@pytest.fixture
def env_data_dir(tmp_path, monkeypatch):
    """Point the CLI at a fresh data dir (SQLite) for this test."""
    data = tmp_path / "data"
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(data))
    monkeypatch.delenv("VEILLEUR_DATABASE_URL", raising=False)
    # In-process and on the data dir's own evidence, whatever the developer's shell says.
    monkeypatch.delenv("VEILLEUR_BROKER_URL", raising=False)
    monkeypatch.delenv("VEILLEUR_EVIDENCE_URL", raising=False)
    return data


FAST = ProbeSettings(page_timeout_s=5, settle_cap_s=1.0, axe_timeout_s=15, concurrency=2)


def probe(url: str, settings: ProbeSettings = FAST):
    """Probe one service with a real Chromium and return its capture."""
    from probes.service import probe_service

    async def go():
        async with BrowserPool(settings) as pool:
            return await probe_service(pool, url)

    return asyncio.run(go())


# The files that take twenty seconds or more (browsers, subprocesses, 100-service campaigns),
# longest first (measured with --durations=0):
# the workers take files in collection order (--dist loadfile), and one of these started last
# kept the whole suite waiting on one worker for two minutes.
LONGEST_FIRST = (
    "test_distributed.py", "test_hostile_chaos.py", "test_scheduler.py", "test_hostile_faults.py",
    "test_interruptions.py", "test_campaign.py", "test_eval_real_markup.py", "test_demo.py", "test_eval.py",
    "test_incremental_audit.py", "test_alerts.py", "test_eval_procedures.py", "test_exports.py",
    "test_hostile_sites.py", "test_new_check.py", "test_incidents.py", "test_not_the_service.py", "test_probe.py",
    "test_web_axe.py", "test_web_api.py", "test_settle.py", "test_evidence_signing.py", "test_office_files.py",
    "test_evidence_bundle.py", "test_response_time.py", "test_indicators_imports.py", "test_evidence_verify.py",
)


def pytest_collection_modifyitems(session, config, items) -> None:
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    # The end-to-end files (browsers, subprocesses, whole campaigns) are marked `slow`:
    # `pytest -m "not slow"` gives the quick specifications alone while one works.
    for item in items:
        if item.path.name in rank:
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: rank.get(item.path.name, len(LONGEST_FIRST)))
