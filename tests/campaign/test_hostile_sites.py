"""Every hostile behaviour of tests/support/hostile/server.py, probed in one campaign and recorded.

One campaign runs over all the hostile services at once (as a national campaign would meet them),
then each test reads what was stored for one behaviour: the run is recorded (never a crash, never
a lost unit), within its time budget, with the error class of the contract, and every check
`unknown` when the landing page could not be read.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from checks import check_ids
from probes.errors import TRANSIENT
from tests.support.hostile.campaigns import Campaigns
from tests.support.hostile.server import BEHAVIOURS, start
from probes.settings import ProbeSettings

SETTINGS = ProbeSettings(page_timeout_s=8, settle_cap_s=0.5, axe_timeout_s=5, max_key_pages=1, concurrency=4,
                         host_delay_s=0, max_attempts=1, retry_backoff_s=0, service_budget_s=30)

# The 150,000-node DOM has a test of its own (it needs the time to load, and axe a short leash).
IN_CAMPAIGN = [b for b in BEHAVIOURS if b != "huge_dom"]

# What each behaviour must be recorded as: the landing page's error class (None: the page was read).
EXPECTED = {
    "silent": {"timeout"},
    "drip": {"timeout"},
    "redirect_loop": {"redirect_loop"},
    "meta_refresh_loop": {"redirect_loop"},
    "download": {"not_html"},
    "pdf": {"not_html"},
    "unauthorized": {"blocked"},
    "forbidden": {"blocked"},
    "js_loop": {"timeout"},
    "dialog_storm": {None},
    "popup_storm": {None},
    "memory_crash": {"crashed"},
    # Parsing 1 GiB of spaces or 20 MB of HTML may or may not fit in the page timeout on a busy
    # machine: either is a correct record, a hang or a crash is not.
    "gzip_bomb": {None, "timeout"},
    "huge_page": {None, "timeout"},
    "bad_tls": {"tls"},
    "refused": {"connection_refused"},
    "unresolvable": {"dns"},
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    sites = {name: start(name) for name in IN_CAMPAIGN}
    campaigns = Campaigns(root, {name.replace("_", "-"): site.url for name, site in sites.items()})
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("VEILLEUR_DATA_DIR", str(root / "data"))  # the campaign's outbox, never ./
            summary = campaigns.run(SETTINGS)
        recorded = {sid.replace("-", "_"): run for sid, run in campaigns.recorded(summary.campaign_id).items()}
        yield summary, recorded, sites
    finally:
        campaigns.close()
        for site in sites.values():
            site.close()


def test_the_server_offers_every_behaviour_of_the_issue():
    assert set(EXPECTED) | {"huge_dom"} == set(BEHAVIOURS)


def test_a_campaign_over_hostile_sites_finishes_and_records_every_one(hostile):
    summary, recorded, _ = hostile
    assert not summary.interrupted
    assert set(recorded) == set(IN_CAMPAIGN)
    assert all(run.status == "done" for run in recorded.values())


@pytest.mark.parametrize("behaviour", IN_CAMPAIGN)
def test_each_hostile_behaviour_is_recorded_with_its_outcome(hostile, behaviour):
    _, recorded, _ = hostile
    run = recorded[behaviour]
    assert run.error_class in EXPECTED[behaviour], (run.error_class, run.error)
    assert run.ok is (run.error_class is None)
    # Bounded: every attempt within the service budget (a margin for closing the page).
    assert run.duration_s <= SETTINGS.service_budget_s + 10
    if not run.ok:
        assert run.error and "Traceback" not in run.error
        assert {check: run.check(check) for check in check_ids()} == {check: "unknown" for check in check_ids()}


def test_an_alert_and_confirm_storm_is_answered_recorded_and_the_page_measured(hostile):
    run = hostile[1]["dialog_storm"]
    assert run.ok and run.pages[0]["dialogs"][:2] == ["alert: Alerte 0", "confirm: Sûr ? 0"]
    assert len(run.pages[0]["dialogs"]) == 20  # recorded up to a cap, never without end
    assert run.check("non_digital_alternative") == "present" and run.check("readability") == "measured"


def test_a_popup_storm_opens_nothing_and_the_page_is_measured(hostile):
    _, recorded, sites = hostile
    run = recorded["popup_storm"]
    assert run.ok and run.check("non_digital_alternative") == "present"
    assert all(page["kind"] != "other" for page in run.pages)  # no pop-up was captured as a page
    assert sites["popup_storm"].hits <= 2 * len(run.pages)  # and none was even loaded


def test_a_page_that_exhausts_renderer_memory_crashes_its_renderer_not_the_campaign(hostile):
    recorded = hostile[1]
    assert recorded["memory_crash"].error_class == "crashed"
    assert "crashed" in TRANSIENT  # so a campaign tries it again (max_attempts is 1 here)


def test_a_401_challenge_and_a_403_are_both_blocked(hostile):
    recorded = hostile[1]
    assert recorded["forbidden"].http_status == 403 and recorded["forbidden"].error_class == "blocked"
    assert recorded["unauthorized"].error_class == "blocked"


@pytest.mark.parametrize("behaviour", ["huge_page", "gzip_bomb"])
def test_a_huge_page_is_read_within_bounds_or_recorded_as_timed_out(hostile, behaviour):
    run = hostile[1][behaviour]
    if run.ok:  # the DOM kept is capped; what was read is measured
        assert run.check("readability") in {"measured", "unknown"}
    else:
        assert run.error_class == "timeout"


def test_axe_on_a_150000_node_dom_ends_as_accessibility_unknown_with_reason_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    settings = ProbeSettings(page_timeout_s=45, settle_cap_s=0.5, axe_timeout_s=2, max_key_pages=0, concurrency=1,
                             host_delay_s=0, max_attempts=1, service_budget_s=120)
    with start("huge_dom") as site:
        campaigns = Campaigns(tmp_path, {"huge-dom": site.url})
        try:
            summary = campaigns.run(settings)
            run = campaigns.recorded(summary.campaign_id)["huge-dom"]
        finally:
            campaigns.close()
    assert run.ok, run.error
    assert run.pages[0]["axe_error"] == "timeout"
    accessibility = run.findings["accessibility"]
    assert accessibility["status"] == "unknown" and "timeout" in accessibility["reason"]
    # What could be measured was: the other checks read the page.
    assert run.check("non_digital_alternative") == "present" and run.check("readability") == "measured"
    assert run.pages[0]["dom_sha"]
    # axe-core still runs in the renderer after its timeout: the phone pass does not wait behind it.
    assert run.check("mobile") == "unknown"


@pytest.mark.parametrize("behaviour,error_class", [("js_loop", "timeout"), ("memory_crash", "crashed")])
def test_probe_json_on_a_hostile_page_is_json_never_a_traceback(behaviour, error_class):
    with start(behaviour) as site:
        done = subprocess.run([sys.executable, "-m", "veilleur.cli", "probe", site.url, "--json", "--page-timeout", "8",
                               "--max-pages", "0"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["ok"] is False and document["error_class"] == error_class
    assert {c["status"] for c in document["checks"].values()} == {"unknown"}
    assert "Traceback" not in done.stderr
