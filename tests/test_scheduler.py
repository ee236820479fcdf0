"""The scheduler: persisted jobs, a schedule file, and no campaign skipped or doubled across kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from tests.support.webserver import LocalSite, html
from foundation.errors import InputError
from campaign.schedule import ScheduleConfig, load_schedule

PAGE = "<!doctype html><html lang='fr'><title>S</title><body><main><h1>Service</h1><p>Appelez le 01 23 45 67 89.</p></main></body></html>"


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def test_schedule_file_with_per_service_override(tmp_path):
    import scheduler

    config = load_schedule(write(tmp_path, "s.yaml", 'campaign: "0 3 * * *"\navailability: null\njitter_s: 60\n'
                                 'services:\n  carte-grise:\n    campaign: "0 */6 * * *"\n'))
    specs = {s.id: s for s in scheduler.job_specs(config)}
    assert set(specs) == {"full", "full:carte-grise"}
    assert specs["full"].exclude == ("carte-grise",) and specs["full:carte-grise"].services == ("carte-grise",)
    assert config.jitter_s == 60


@pytest.mark.parametrize("content,message", [
    ('campaign: "every night"\n', "s.yaml:1 : champ « campaign » : expression cron invalide"),
    ('jitter_s: -5\n', "s.yaml:1 : champ « jitter_s » : attendu : un nombre entier"),
    ('campagne: "0 2 * * *"\n', "s.yaml:1 : champ inconnu « campagne »"),
    ('timezone: Mars/Olympus\n', "s.yaml:1 : champ « timezone » : fuseau horaire inconnu"),
])
def test_a_bad_schedule_file_names_line_and_field(tmp_path, content, message):
    with pytest.raises(InputError) as error:
        load_schedule(write(tmp_path, "s.yaml", content))
    assert message in str(error.value)


def test_the_slot_is_the_cron_time_a_late_run_stands_for():
    import scheduler

    config = ScheduleConfig(timezone="UTC", misfire_grace_s=3600, jitter_s=300)
    late = datetime(2026, 11, 29, 2, 40, tzinfo=timezone.utc)
    assert scheduler.slot_of(config, "0 2 * * *", late) == datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("cron, slot, last", [
    ("0 2 * * *", datetime(2026, 12, 31, 2, 0), True),     # nightly: the night of 31 December
    ("0 2 * * *", datetime(2026, 12, 30, 2, 0), False),
    ("0 2 * * mon", datetime(2026, 12, 28, 2, 0), True),   # weekly: the last Monday of the quarter
    ("0 2 * * mon", datetime(2026, 12, 21, 2, 0), False),
    ("0 2 1 * *", datetime(2026, 12, 1, 2, 0), True),      # monthly: the quarter's third month
    ("0 2 1 * *", datetime(2026, 11, 1, 2, 0), False),
])
def test_the_last_scheduled_campaign_of_a_quarter_audits_in_full(cron, slot, last):
    import scheduler

    config = ScheduleConfig(timezone="UTC")
    assert scheduler.last_of_its_quarter(config, cron, slot.replace(tzinfo=timezone.utc)) is last


def veilleur(*args, env, **kw):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env, capture_output=True, text=True,
                          timeout=300, **kw)


def _make_due(data_dir) -> None:
    """Pretend the nightly job's time has come (instead of waiting for 02:00)."""
    import scheduler
    from foundation.settings import Settings, StorageSection

    editor = scheduler.job_editor(Settings(storage=StorageSection(data_dir=data_dir)))
    editor.modify_job("full", next_run_time=datetime.now(timezone.utc) - timedelta(minutes=5))
    editor.shutdown(wait=False)


def _campaigns(data_dir):
    engine = create_engine(f"sqlite:///{data_dir / 'veilleur.db'}")
    with engine.connect() as conn:
        campaigns = conn.execute(text("select id, status, schedule_key from campaigns order by id")).all()
        runs = conn.execute(text("select campaign_id, service_id, status from service_runs order by service_id")).all()
        next_run = conn.execute(text("select next_run_time from apscheduler_jobs where id = 'full'")).scalar()
    engine.dispose()
    return campaigns, runs, next_run


def test_a_scheduler_killed_mid_campaign_neither_skips_nor_doubles_it(tmp_path, env_data_dir):
    sites = {f"s{i}": LocalSite({"/": html(PAGE, delay_s=1.0)}) for i in range(5)}
    env = dict(os.environ, VEILLEUR_PAGE_TIMEOUT="5", VEILLEUR_MAX_KEY_PAGES="0", VEILLEUR_CONCURRENCY="1",
               VEILLEUR_HOST_DELAY="0")
    try:
        lines = ["ministries:", "  - id: m", "    name: M", "services:"]
        for sid, site in sites.items():
            lines += [f"  - id: {sid}", f"    name: {sid}", "    ministry: m", f"    url: {site.url('/')}"]
        registry = write(tmp_path, "r.yaml", "\n".join(lines) + "\n")
        schedule = write(tmp_path, "s.yaml", 'campaign: "0 2 * * *"\navailability: null\njitter_s: 0\n')
        assert veilleur("registry", "import", str(registry), env=env).returncode == 0
        first = veilleur("schedule", "--config", str(schedule), "--once", env=env)
        assert first.returncode == 0 and "0 campagne" in first.stdout, first.stderr  # registered, nothing due yet
        _make_due(env_data_dir)

        log = open(tmp_path / "schedule.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "schedule", "--config", str(schedule), "--once"],
                                env=env, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            runs = _campaigns(env_data_dir)[1]
            if sum(1 for r in runs if r[2] == "done") >= 2:
                break
            time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        campaigns, runs, _ = _campaigns(env_data_dir)
        assert len(campaigns) == 1, (tmp_path / "schedule.log").read_text()
        assert campaigns[0][1] == "running" and campaigns[0][2].startswith("full@")
        assert 2 <= sum(1 for r in runs if r[2] == "done") < 5

        again = veilleur("schedule", "--config", str(schedule), "--once", env=env)
        assert again.returncode == 0, again.stderr
        campaigns, runs, next_run = _campaigns(env_data_dir)
        assert [(c[1]) for c in campaigns] == ["finished"]  # the same campaign, finished: not doubled
        assert [(r[1], r[2]) for r in runs] == [(f"s{i}", "done") for i in range(5)]
        assert datetime.fromtimestamp(next_run, timezone.utc) > datetime.now(timezone.utc)  # not skipped, not re-run

        third = veilleur("schedule", "--config", str(schedule), "--once", env=env)
        assert "0 campagne" in third.stdout and len(_campaigns(env_data_dir)[0]) == 1
        status = veilleur("status", env=env)
        assert status.returncode == 0 and "full" in status.stdout and "s4" in status.stdout
    finally:
        for site in sites.values():
            site.close()


def _processes_marked(mark: str) -> list[str]:
    """Processes that inherited our marker variable, wherever they were reparented."""
    import psutil

    found = []
    for process in psutil.process_iter(["name"]):
        try:
            if process.environ().get("VEILLEUR_TEST_MARK") == mark:
                found.append(process.info["name"])
        except psutil.Error:
            pass
    return found


# The slow page outlasts the grace period several times over, and is not so slow that the resume
# that finishes the campaign waits long for it.
@pytest.mark.parametrize("page_delay_s,stop_grace_s,in_flight_finishes", [(1.0, 60, True), (8.0, 1, False)])
def test_sigterm_lets_the_probe_in_flight_finish_within_the_grace_period_then_stops(
        tmp_path, env_data_dir, page_delay_s, stop_grace_s, in_flight_finishes):
    sites = {f"s{i}": LocalSite({"/": html(PAGE, delay_s=page_delay_s if i == 2 else 0.5)}) for i in range(5)}
    env = dict(os.environ, VEILLEUR_PAGE_TIMEOUT="40", VEILLEUR_MAX_KEY_PAGES="0", VEILLEUR_CONCURRENCY="1",
               VEILLEUR_HOST_DELAY="0", VEILLEUR_TEST_MARK=str(tmp_path))
    try:
        lines = ["ministries:", "  - id: m", "    name: M", "services:"]
        for sid, site in sites.items():
            lines += [f"  - id: {sid}", f"    name: {sid}", "    ministry: m", f"    url: {site.url('/')}"]
        registry = write(tmp_path, "r.yaml", "\n".join(lines) + "\n")
        schedule = write(tmp_path, "s.yaml", f'campaign: "0 2 * * *"\navailability: null\njitter_s: 0\n'
                                             f'stop_grace_s: {stop_grace_s}\n')
        assert veilleur("registry", "import", str(registry), env=env).returncode == 0
        assert veilleur("schedule", "--config", str(schedule), "--once", env=env).returncode == 0
        _make_due(env_data_dir)

        log = open(tmp_path / "daemon.log", "w")
        daemon = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "schedule", "--config", str(schedule)],
                                  env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sum(1 for r in _campaigns(env_data_dir)[1] if r[2] == "done") < 2:
            time.sleep(0.2)
        time.sleep(0.5)  # the third service is now being probed
        daemon.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        assert daemon.wait(timeout=stop_grace_s + 30) == 0, (tmp_path / "daemon.log").read_text()
        stopped_after = time.monotonic() - signalled

        campaigns, runs, _ = _campaigns(env_data_dir)
        done = [r[1] for r in runs if r[2] == "done"]
        assert campaigns[0][1] == "running"  # stopped, not finished: the rest waits for the resume
        assert done == (["s0", "s1", "s2"] if in_flight_finishes else ["s0", "s1"])
        if not in_flight_finishes:
            assert stopped_after < page_delay_s  # the grace period ended the wait, not the page
        assert _processes_marked(str(tmp_path)) == []  # the daemon took its Chromium with it

        again = veilleur("schedule", "--config", str(schedule), "--once", env=env)
        assert again.returncode == 0, again.stderr
        campaigns, runs, _ = _campaigns(env_data_dir)
        assert [c[1] for c in campaigns] == ["finished"]
        assert [(r[1], r[2]) for r in runs] == [(f"s{i}", "done") for i in range(5)]
    finally:
        for site in sites.values():
            site.close()
