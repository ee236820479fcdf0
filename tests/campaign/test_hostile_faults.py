"""Our own faults: a browser killed mid-campaign, the campaign process SIGKILLed (alone, so that
its browsers are orphaned), database connections killed mid-transaction, the evidence disk full.
Each ends with every result recorded once, nothing half-written, and no Chromium left running."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from checks import check_ids
from storage.schema import ManifestRecord
from storage.schema import FindingRecord, PageRecord, ServiceRun
from tests.conftest import PG_URL
from tests.support.hostile.campaigns import Campaigns, write_registry
from tests.support.hostile.chaos import comparable, marked_browsers
from tests.support.hostile.processes import MARK, browser_processes, chromium_processes
from tests.support.hostile.sound import sound_site
from probes.settings import ProbeSettings

SETTINGS = ProbeSettings(page_timeout_s=10, settle_cap_s=0.5, axe_timeout_s=10, max_key_pages=1, concurrency=2,
                         host_delay_s=0, max_attempts=4, retry_backoff_s=0.1, service_budget_s=40)


def wait_until(condition, timeout_s: float, step_s: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step_s)
    return condition()


def our_processes(marker: str) -> list[psutil.Process]:
    """Every process a test's campaign started (Playwright's driver included), by its mark."""
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "status"]):
        try:
            if proc.pid == os.getpid() or proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if marker in " ".join(proc.info["cmdline"] or []) or proc.environ().get(MARK) == marker:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def stored_counts(campaigns: Campaigns, campaign_id: int) -> dict[str, int]:
    with campaigns.db.sessions() as session:
        runs = select(ServiceRun.id).where(ServiceRun.campaign_id == campaign_id)
        return {
            "done": session.scalar(select(func.count()).select_from(ServiceRun).where(
                ServiceRun.campaign_id == campaign_id, ServiceRun.status == "done")),
            "pages": session.scalar(select(func.count()).select_from(PageRecord).where(PageRecord.service_run_id.in_(runs))),
            "findings": session.scalar(select(func.count()).select_from(FindingRecord).where(
                FindingRecord.service_run_id.in_(runs))),
            "manifests": session.scalar(select(func.count()).select_from(ManifestRecord).where(
                ManifestRecord.service_run_id.in_(runs))),
        }


def test_a_browser_killed_mid_campaign_is_replaced_and_every_result_is_as_in_a_quiet_run(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    templates = ["fc-phone", "fcplus-jdma", "nothing", "a11y-faults"]
    sites = {f"s{i}-{t}": sound_site(t) for i, t in enumerate(templates)}
    campaigns = Campaigns(tmp_path, {sid: site.url("/") for sid, site in sites.items()})
    killed: list[int] = []
    try:
        with marked_browsers() as marker:
            def kill_the_browser_once_pages_are_open() -> None:
                if wait_until(lambda: any("--type=renderer" in " ".join(p.cmdline()) for p in chromium_processes(marker)
                                          if p.is_running()), 60, 0.05):
                    for browser in browser_processes(marker):
                        browser.kill()
                        killed.append(browser.pid)

            killer = threading.Thread(target=kill_the_browser_once_pages_are_open)
            killer.start()
            chaotic = campaigns.run(SETTINGS)
            killer.join()
            quiet = campaigns.run(SETTINGS)
            assert wait_until(lambda: not chromium_processes(marker), 10)  # the dead browser's children too
        first, second = campaigns.recorded(chaotic.campaign_id), campaigns.recorded(quiet.campaign_id)
    finally:
        campaigns.close()
        for site in sites.values():
            site.close()
    assert killed and not chaotic.interrupted
    assert max(run.attempts for run in first.values()) >= 2  # the units in flight were tried again
    assert {sid: comparable(run) for sid, run in first.items()} == {sid: comparable(run) for sid, run in second.items()}
    assert all(run.ok for run in first.values())


def _veilleur(*args, env, **kw):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300, **kw)


def _run_states(data_dir) -> list[tuple[str, str]]:
    if not (data_dir / "veilleur.db").exists():
        return []
    engine = create_engine(f"sqlite:///{data_dir / 'veilleur.db'}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("select service_id, status from service_runs order by service_id"))]
    except Exception:  # tables not there yet
        return []
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", ["run", "schedule"])
def test_a_campaign_sigkilled_alone_leaves_no_chromium_behind_and_resumes_without_loss(tmp_path, env_data_dir, command):
    # Short: Chromium puts a Unix socket under TMPDIR, and a socket path is at most 107 bytes.
    marker = Path(tempfile.mkdtemp(prefix="vlr-kill-", dir="/tmp"))
    env = dict(os.environ, TMPDIR=str(marker), **{MARK: str(marker)}, VEILLEUR_PAGE_TIMEOUT="10",
               VEILLEUR_MAX_KEY_PAGES="0", VEILLEUR_CONCURRENCY="1", VEILLEUR_HOST_DELAY="0")
    sites = {f"s{i}": sound_site("fc-phone") for i in range(5)}
    for site in sites.values():  # slow enough to be killed in the middle
        site.routes["/"].delay_s = 0.8
    try:
        write_registry(tmp_path / "r.yaml", {sid: site.url("/") for sid, site in sites.items()})
        assert _veilleur("registry", "import", str(tmp_path / "r.yaml"), env=env).returncode == 0
        if command == "run":
            argv, resume = ["run"], ["run", "--resume"]
        else:
            from tests.test_scheduler import _make_due

            (tmp_path / "s.yaml").write_text('campaign: "0 2 * * *"\navailability: null\njitter_s: 0\n')
            argv = resume = ["schedule", "--config", str(tmp_path / "s.yaml"), "--once"]
            assert _veilleur(*argv, env=env).returncode == 0  # registers the jobs; nothing due yet
            _make_due(env_data_dir)
        log = open(tmp_path / "campaign.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "veilleur.cli", *argv], env=env, stdout=log, stderr=log,
                                start_new_session=True)
        assert wait_until(lambda: sum(1 for _, s in _run_states(env_data_dir) if s == "done") >= 2, 180), \
            (tmp_path / "campaign.log").read_text()[-3000:]
        assert chromium_processes(str(marker))  # the campaign's browser is running…
        os.kill(proc.pid, signal.SIGKILL)  # …and only Python dies: its driver and browser are orphaned
        proc.wait()
        assert wait_until(lambda: not our_processes(str(marker)), 20), [p.cmdline()[:2] for p in our_processes(str(marker))]
        before = _run_states(env_data_dir)
        assert 2 <= sum(1 for _, s in before if s == "done") < 5

        resumed = _veilleur(*resume, env=env)
        assert resumed.returncode == 0, resumed.stderr
        assert _run_states(env_data_dir) == [(sid, "done") for sid in sites]
        assert wait_until(lambda: not our_processes(str(marker)), 20)
    finally:
        for site in sites.values():
            site.close()
        shutil.rmtree(marker, ignore_errors=True)


@pytest.fixture
def own_postgres_database():
    """A database of this test's own on the configured server, so that killing its connections
    touches no other test."""
    if not PG_URL:
        pytest.skip("VEILLEUR_TEST_DATABASE_URL is not set")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"veilleur_faults_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name, query={"application_name": "veilleur-faults"})
    yield url.render_as_string(hide_password=False), name, admin
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_database_connections_killed_mid_transaction_are_retried_and_leave_no_partial_rows(
        tmp_path, monkeypatch, own_postgres_database):
    import storage.runs

    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    url, name, admin = own_postgres_database
    sites = {f"s{i}": sound_site(t) for i, t in enumerate(["fc-phone", "fcplus-jdma", "nothing", "dense-phone"] * 2)}
    campaigns = Campaigns(tmp_path, {sid: site.url("/") for sid, site in sites.items()}, database_url=url)

    # The server ends the unit's own connection in the middle of its transaction (after the run
    # row was claimed and its pages and findings added, before the manifest is sealed), for every
    # other unit: as a restart or a failover does.
    real_seal = storage.runs.seal_run
    killed_in_transaction = []

    def seal_after_losing_the_connection(session, store, run_id):
        if len(killed_in_transaction) < 8 and run_id % 2 == 0 and run_id not in killed_in_transaction:
            backend = session.execute(text("select pg_backend_pid()")).scalar()
            with admin.connect() as conn:
                conn.execute(text("select pg_terminate_backend(:pid)"), {"pid": backend})
            killed_in_transaction.append(run_id)
        return real_seal(session, store, run_id)

    monkeypatch.setattr(storage.runs, "seal_run", seal_after_losing_the_connection)

    # And every connection is killed besides, whatever it is doing, in a few bursts as a restart
    # does (a killer that never pauses would be an outage, which the bounded retries give up on).
    stop = threading.Event()
    terminated = []

    def terminate_at_random() -> None:
        while len(terminated) < 6 and not stop.wait(1.5):
            with admin.connect() as conn:
                terminated.append(conn.execute(text(
                    "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                    "where datname = :db and application_name = 'veilleur-faults'"), {"db": name}).scalar())

    killer = threading.Thread(target=terminate_at_random)
    killer.start()
    try:
        summary = campaigns.run(SETTINGS)
    finally:
        stop.set()
        killer.join()
    try:
        counts = stored_counts(campaigns, summary.campaign_id)
        recorded = campaigns.recorded(summary.campaign_id)
    finally:
        campaigns.close()
        for site in sites.values():
            site.close()
    assert len(killed_in_transaction) >= 4 and sum(terminated) > 0
    assert not summary.interrupted and all(r.stored for r in summary.results)
    assert counts == {"done": 8, "pages": 16, "findings": 8 * len(check_ids()), "manifests": 8}  # each unit once, whole
    assert all(run.ok for run in recorded.values())


def _mount_tmpfs(path, size: str) -> None:
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True,
                       capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("mounting a small tmpfs (the full disk) needs root")


def _fill(path) -> None:
    """Fill the file system holding `path` to the last byte."""
    with open(path, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    try:
        with open(path, "ab") as handle:
            while True:
                handle.write(b"\0")
                handle.flush()
    except OSError:
        pass


def test_a_full_evidence_disk_fails_the_unit_clearly_writes_nothing_half_and_the_next_run_succeeds(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    _mount_tmpfs(evidence, "4m")
    sites = {f"s{i}": sound_site(t) for i, t in enumerate(["fc-phone", "a11y-faults"])}
    try:
        campaigns = Campaigns(tmp_path, {sid: site.url("/") for sid, site in sites.items()})
        filler = evidence / "filler"
        _fill(filler)
        try:
            full = campaigns.run(SETTINGS)
            counts = stored_counts(campaigns, full.campaign_id)
            left = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                    for p in evidence.rglob("*") if p.is_file() and p != filler}
            filler.unlink()  # room again
            again = campaigns.run(SETTINGS, campaign_id=full.campaign_id)
            after = stored_counts(campaigns, full.campaign_id)
            recorded = campaigns.recorded(full.campaign_id)
        finally:
            campaigns.close()
    finally:
        for site in sites.values():
            site.close()
        subprocess.run(["umount", "-l", str(evidence)], check=False, timeout=10)

    assert full.interrupted  # the campaign is not finished: its units wait for room, nothing lost
    assert {r.service_id: r.error_class for r in full.results} == {"s0": "storage_full", "s1": "storage_full"}
    assert all("evidence store full" in r.error and "No space left on device" in r.error for r in full.results)
    assert counts == {"done": 0, "pages": 0, "findings": 0, "manifests": 0}  # no partial rows
    assert not [name for name in left if name.startswith(".tmp-")]  # no half-written file…
    assert all(name == digest for name, digest in left.items())  # …under any name
    assert not again.interrupted and after == {"done": 2, "pages": 4, "findings": 2 * len(check_ids()), "manifests": 2}
    assert all(run.ok for run in recorded.values())
