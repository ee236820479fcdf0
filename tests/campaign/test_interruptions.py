"""Our stop is never the site's failure: a campaign interrupted by Ctrl-C (SIGINT to the whole
process group, as a terminal sends it) at any moment, then resumed, ends with exactly the results
of a campaign nobody interrupted — no run marked crashed, availability 100 %, the same reference
runs — and `veilleur run` says at once that it is stopping, then exits quietly (130). The same for
SIGTERM to `veilleur schedule`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from foundation.quarters import Quarter
from reports.observatory.indicators import quarter_indicators
from storage.db import open_database
from storage.reference_runs import reference_runs
from storage.schema import FindingRecord, ServiceRun
from tests.test_scheduler import _make_due, write
from tests.support.webserver import LocalSite, html

GRACE_S = 10.0  # veilleur.campaign_console.STOP_GRACE_S
EXIT_AFTER_S = 5.0  # what the person waits for the prompt, beyond the grace period

LANDING = ("<!doctype html><html lang='fr'><head><title>{name}</title></head><body><main><h1>{name}</h1>"
           "<p>Pour toute question, appelez le 01 23 45 67 89 du lundi au vendredi.</p>"
           "<a href='/contact.html'>Nous contacter</a></main></body></html>")
CONTACT = ("<!doctype html><html lang='fr'><head><title>Contact</title></head><body><main><h1>Contact</h1>"
           "<p>Accueil au 12 rue de la Paix, 75002 Paris.</p></main></body></html>")
SERVICES = 6


@pytest.fixture(scope="module")
def sites():
    # A little latency on each page: the campaign lasts long enough to be interrupted in the middle.
    served = {f"s{i}": LocalSite({"/": html(LANDING.format(name=f"Service {i}"), delay_s=0.4),
                                  "/contact.html": html(CONTACT, delay_s=0.4)}) for i in range(SERVICES)}
    yield served
    for site in served.values():
        site.close()


def _env(data_dir: Path) -> dict[str, str]:
    return dict(os.environ, VEILLEUR_DATA_DIR=str(data_dir), VEILLEUR_PAGE_TIMEOUT="15", VEILLEUR_MAX_KEY_PAGES="1",
                VEILLEUR_CONCURRENCY="2", VEILLEUR_HOST_DELAY="0")


def _veilleur(*args: str, env: dict[str, str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300, **kw)


def _registered(tmp_path: Path, sites, name: str) -> Path:
    data = tmp_path / name
    lines = ["ministries:", "  - {id: m, name: Ministère}", "services:"]
    lines += [f"  - {{id: {sid}, name: Service {sid}, ministry: m, url: '{site.url('/')}'}}" for sid, site in sites.items()]
    registry = write(tmp_path, f"{name}.yaml", "\n".join(lines) + "\n")
    assert _veilleur("registry", "import", str(registry), env=_env(data)).returncode == 0
    return data


def _observations(data: Path) -> dict[str, tuple]:
    """What was recorded of each service, run by run, with the evidence counts that would show a
    run stored twice or half."""
    db = open_database(f"sqlite:///{data / 'veilleur.db'}")
    try:
        with db.sessions() as session:
            runs = session.scalars(select(ServiceRun).order_by(ServiceRun.service_id)).all()
            seen: dict[str, list] = {}
            for run in runs:
                findings = session.scalars(select(FindingRecord).where(FindingRecord.service_run_id == run.id)).all()
                seen.setdefault(run.service_id, []).append(
                    (run.status, run.ok, run.error_class, len(run.pages), tuple(sorted((f.check, f.status) for f in findings))))
            quarter = Quarter.of(datetime.now(timezone.utc))
            references = reference_runs(session, quarter)
            uptime = {s.service_id: s.get("uptime").value for s in quarter_indicators(session, quarter)}
            # Pages that failed, with why: none in a quiet campaign; where one shows, its message
            # says whether the site or our stop was recorded.
            failures = sorted((run.service_id, page.url, page.error_class, page.error)
                              for run in runs for page in run.pages if page.error_class)
            return {"runs": seen, "references": {sid: ref.run.service_id for sid, ref in references.items()},
                    "uptime": uptime, "failures": failures}
    finally:
        db.close()


@pytest.fixture(scope="module")
def quiet(sites, tmp_path_factory):
    """The campaign nobody interrupted."""
    tmp_path = tmp_path_factory.mktemp("quiet")
    data = _registered(tmp_path, sites, "quiet")
    done = _veilleur("run", env=_env(data))
    assert done.returncode == 0, done.stderr
    return _observations(data)


def _wait_for(predicate, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        assert time.monotonic() < deadline, "the moment to interrupt never came"
        time.sleep(0.02)


def _done_runs(data: Path) -> int:
    if not (data / "veilleur.db").exists():
        return 0
    db = open_database(f"sqlite:///{data / 'veilleur.db'}", migrate=False)
    try:
        with db.sessions() as session:
            return len(session.scalars(select(ServiceRun.id).where(ServiceRun.status == "done")).all())
    finally:
        db.close()


def _evidence_files(data: Path) -> int:
    return sum(1 for f in (data / "evidence").rglob("*") if f.is_file()) if (data / "evidence").exists() else 0


MOMENTS = {
    # Veilleur still starting (loading its commands), then the browser starting.
    "while starting": lambda data: time.sleep(0.3),
    "early": lambda data: time.sleep(1.5),
    # Some services recorded, others in flight.
    "mid-run": lambda data: _wait_for(lambda: _done_runs(data) >= 2),
    # The first evidence files of a unit on disk, its transaction not yet committed.
    "during storage": lambda data: _wait_for(lambda: _evidence_files(data) > 0),
}


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_at_any_moment_then_resume_gives_the_results_of_a_quiet_campaign(sites, quiet, tmp_path, moment):
    data = _registered(tmp_path, sites, "interrupted")
    log = tmp_path / "run.log"
    with log.open("w") as out:
        # A session of its own, as a terminal's foreground job: the signal goes to its whole group.
        run = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "run"], env=_env(data), stdout=out,
                               stderr=subprocess.STDOUT, start_new_session=True)
        MOMENTS[moment](data)
        os.killpg(run.pid, signal.SIGINT)
        signalled = time.monotonic()
        code = run.wait(timeout=GRACE_S + 60)
        stopped_after = time.monotonic() - signalled
    output = log.read_text(encoding="utf-8")

    assert stopped_after < GRACE_S + EXIT_AFTER_S, output
    assert "Traceback" not in output and "exception was never retrieved" not in output, output
    # 130 whatever finished within the grace period, as documented: the person asked to stop.
    assert code == 130, output
    assert "nterruption demandée" in output, output
    if "veilleur run --resume" in output:
        resumed = _veilleur("run", "--resume", env=_env(data))
        assert resumed.returncode == 0, resumed.stderr
    elif "complète" in output:  # every visit in flight finished within the grace
        pass
    else:  # stopped while starting, before any campaign: nothing was recorded, run it again
        assert _done_runs(data) == 0
        again = _veilleur("run", env=_env(data))
        assert again.returncode == 0, again.stderr

    observed = _observations(data)
    assert observed == quiet
    assert all(len(runs) == 1 and runs[0][2] != "crashed" for runs in observed["runs"].values())
    assert set(observed["uptime"].values()) == {100.0}


def test_sigterm_to_the_scheduler_mid_campaign_then_its_next_start_gives_the_results_of_a_quiet_campaign(
        sites, quiet, tmp_path):
    data = _registered(tmp_path, sites, "scheduled")
    env = _env(data)
    schedule = write(tmp_path, "s.yaml", 'campaign: "0 2 * * *"\navailability: null\njitter_s: 0\nstop_grace_s: 5\n')
    assert _veilleur("schedule", "--config", str(schedule), "--once", env=env).returncode == 0
    previous = os.environ.get("VEILLEUR_DATA_DIR")
    os.environ["VEILLEUR_DATA_DIR"] = str(data)
    try:
        _make_due(data)
    finally:
        if previous is None:
            os.environ.pop("VEILLEUR_DATA_DIR")
        else:
            os.environ["VEILLEUR_DATA_DIR"] = previous

    log = tmp_path / "daemon.log"
    with log.open("w") as out:
        daemon = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "schedule", "--config", str(schedule)],
                                  env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_for(lambda: _done_runs(data) >= 2)
        os.killpg(daemon.pid, signal.SIGTERM)
        signalled = time.monotonic()
        assert daemon.wait(timeout=60) == 0, log.read_text(encoding="utf-8")
        stopped_after = time.monotonic() - signalled
    output = log.read_text(encoding="utf-8")
    assert stopped_after < 5 + EXIT_AFTER_S, output
    assert "Interruption demandée" in output and "Traceback" not in output, output

    again = _veilleur("schedule", "--config", str(schedule), "--once", env=env)
    assert again.returncode == 0, again.stderr
    observed = _observations(data)
    assert observed == quiet
    assert set(observed["uptime"].values()) == {100.0}
