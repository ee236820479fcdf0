"""Campaigns: every service probed and stored once; an interrupted campaign resumes without loss."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import create_engine, text

from checks import check_ids
from tests.support.webserver import LocalSite, html

PAGE = """<!doctype html><html lang="fr"><head><title>{name}</title></head><body><main><h1>{name}</h1>
<p>Ce service vous permet de faire votre démarche en ligne. Vous pouvez aussi nous appeler au 01 23 45 67 89.</p>
</main><footer><a href="/accessibilite">Accessibilité : non conforme</a></footer></body></html>"""


def registry_for(sites: dict[str, LocalSite]) -> str:
    lines = ["ministries:", "  - id: m", "    name: Ministère", "services:"]
    for sid, site in sites.items():
        lines += [f"  - id: {sid}", f"    name: Service {sid}", "    ministry: m", f"    url: {site.url('/')}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def six_sites():
    sites = {f"s{i}": LocalSite({"/": html(PAGE.format(name=f"Service {i}"), delay_s=1.2)}) for i in range(6)}
    yield sites
    for site in sites.values():
        site.close()


def veilleur(*args, env, **kw):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=env, capture_output=True, text=True, timeout=300, **kw)


def runs(data_dir) -> list[tuple]:
    engine = create_engine(f"sqlite:///{data_dir / 'veilleur.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "select campaign_id, service_id, status, id, finished_at from service_runs order by service_id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_campaign_stores_one_run_per_service_and_prints_throughput(tmp_path, env_data_dir, six_sites):
    env = dict(os.environ, VEILLEUR_PAGE_TIMEOUT="5")
    (tmp_path / "r.yaml").write_text(registry_for(six_sites))
    assert veilleur("registry", "import", str(tmp_path / "r.yaml"), env=env).returncode == 0
    done = veilleur("run", "--max-pages", "0", env=env)
    assert done.returncode == 0, done.stderr
    assert "démarches/min" in done.stderr and "page" in done.stderr and "mémoire max" in done.stderr
    # The progress bar: the share done, the time left and the pace.
    assert "6/6" in done.stderr and "100%" in done.stderr and "reste" in done.stderr and "démarches/min" in done.stderr
    # The summary: each measured check with its figure (these pages are too short to be read: no score).
    assert re.search(r"mesuré \(\d+ violations?\)", done.stdout)
    stored = runs(env_data_dir)
    assert [(c, s, st) for c, s, st, *_ in stored] == [(1, f"s{i}", "done") for i in range(6)]


@pytest.mark.parametrize("how", ["sigkill", "ctrl-c"])
def test_an_interrupted_campaign_resumes_without_losing_or_duplicating_results(tmp_path, env_data_dir, six_sites, how):
    env = dict(os.environ, VEILLEUR_PAGE_TIMEOUT="5")
    (tmp_path / "r.yaml").write_text(registry_for(six_sites))
    assert veilleur("registry", "import", str(tmp_path / "r.yaml"), env=env).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "run", "--concurrency", "1", "--max-pages", "0"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if (env_data_dir / "veilleur.db").exists() and sum(1 for r in runs(env_data_dir) if r[2] == "done") >= 2:
            break
        time.sleep(0.2)
    if how == "sigkill":
        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: Chromium dies with it, as in a real crash
        proc.wait()
    else:
        os.kill(proc.pid, signal.SIGINT)
        assert proc.wait(timeout=60) == 130  # stops cleanly, saying the campaign can be resumed
    before = runs(env_data_dir)
    done_before = {r[1]: r for r in before if r[2] == "done"}
    assert 2 <= len(done_before) < 6, before

    resumed = veilleur("run", "--resume", env=env)
    assert resumed.returncode == 0, resumed.stderr
    after = runs(env_data_dir)
    assert [(c, s, st) for c, s, st, *_ in after] == [(1, f"s{i}", "done") for i in range(6)]
    for sid, row in done_before.items():  # results stored before the kill are kept as they were
        assert next(r for r in after if r[1] == sid) == row
    engine = create_engine(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from page_captures")).scalar() == 6
        assert conn.execute(text("select count(*) from findings")).scalar() == 6 * len(check_ids())
        assert conn.execute(text("select status from campaigns")).scalar() == "finished"
    engine.dispose()
    assert veilleur("run", "--resume", env=env).returncode == 2  # nothing left to resume


def test_broken_sites_are_findings_and_the_campaign_goes_on(tmp_path, env_data_dir):
    from tests.support.webserver import Route, unused_port

    sound = LocalSite({"/": html(PAGE.format(name="Sain"))})
    broken = LocalSite({"/": html("<html><body>Erreur</body></html>", 500)})
    pdf = LocalSite({"/": Route(body=b"%PDF-1.4\n%%EOF", content_type="application/pdf")})
    looping = LocalSite()
    looping.routes["/"] = Route(status=302, headers={"Location": looping.url("/")})
    env = dict(os.environ, VEILLEUR_PAGE_TIMEOUT="5")
    registry = ["ministries:", "  - id: m", "    name: Ministère", "services:"]
    urls = {"sain": sound.url("/"), "erreur": broken.url("/"), "pdf": pdf.url("/"), "boucle": looping.url("/"),
            "refus": f"http://127.0.0.1:{unused_port()}/", "dns": "http://service-disparu.invalid/"}
    for sid, url in urls.items():
        registry += [f"  - id: {sid}", f"    name: {sid}", "    ministry: m", f"    url: {url}"]
    (tmp_path / "r.yaml").write_text("\n".join(registry) + "\n")
    try:
        assert veilleur("registry", "import", str(tmp_path / "r.yaml"), env=env).returncode == 0
        done = veilleur("run", env=env)
    finally:
        for site in (sound, broken, pdf, looping):
            site.close()
    assert done.returncode == 0, done.stderr
    engine = create_engine(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with engine.connect() as conn:
        outcomes = dict(conn.execute(text("select service_id, coalesce(error_class, 'ok') from service_runs")).all())
        unknown = dict(conn.execute(text(
            "select r.service_id, count(*) from findings f join service_runs r on r.id = f.service_run_id "
            "where f.status = 'unknown' group by r.service_id")).all())
    engine.dispose()
    assert outcomes == {"sain": "ok", "erreur": "http_5xx", "pdf": "not_html", "boucle": "redirect_loop",
                        "refus": "connection_refused", "dns": "dns"}
    assert all(unknown[sid] == len(check_ids()) for sid in outcomes if sid != "sain")
