"""The chaos campaign: sound and hostile services together while Chromium is killed at random.

`python -m tests.support.hostile.chaos` runs it and prints the figures the README quotes (the test
tests/campaign/test_hostile_chaos.py runs the same and asserts them):

1. a quiet campaign over one copy of each sound template gives the reference findings;
2. the chaos campaign runs over many copies of each template plus every hostile behaviour,
   while a killer thread kills Chromium renderers (and now and then the browser itself);
3. every sound copy must be recorded exactly as its template was in the quiet run.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import psutil

from tests.support.hostile.campaigns import Campaigns, Recorded
from tests.support.hostile.processes import MARK, browser_processes, chromium_processes, renderer_processes
from tests.support.hostile.server import start
from tests.support.hostile.sound import TEMPLATES, sound_site
from probes.settings import ProbeSettings

# Hostile behaviours of the chaos campaign: all but the slowest to parse (they have their tests).
HOSTILE = ("silent", "drip", "redirect_loop", "meta_refresh_loop", "download", "pdf", "unauthorized", "forbidden",
           "js_loop", "dialog_storm", "popup_storm", "memory_crash", "bad_tls", "refused", "unresolvable")

# Quick failures, met a second time: a campaign meets these far more often than the hangs.
HOSTILE_AGAIN = ("redirect_loop", "download", "pdf", "unauthorized", "forbidden", "bad_tls", "refused", "unresolvable")

# Up to five attempts: a sound service hit by a kill on every one of them would be recorded as
# crashed, and counted as a wrong result.
# The landing page only and axe's RGAA rules keep a 100-service campaign within a test's time; a
# key page killed under its run is tests/campaign/test_hostile_faults.py's business.
SETTINGS = ProbeSettings(page_timeout_s=6, settle_cap_s=0.5, axe_timeout_s=10, max_key_pages=0, concurrency=3,
                         host_delay_s=0, max_attempts=5, retry_backoff_s=0.1, service_budget_s=30, axe_rules="rgaa")

CONTRACT_CLASSES = {"dns", "unreachable", "connection_refused", "connection_reset", "tls", "timeout", "redirect_loop",
                    "http_4xx", "http_5xx", "blocked", "not_html", "crashed", "invalid_response",
                    "empty_response"}


@contextmanager
def marked_browsers() -> Iterator[str]:
    """Point TMPDIR (where Playwright puts each browser's profile) at a fresh directory, so that
    every Chromium process started meanwhile can be found by that path."""
    marker = tempfile.mkdtemp(prefix="veilleur-chromium-")
    saved = {name: os.environ.get(name) for name in ("TMPDIR", MARK)}
    os.environ["TMPDIR"] = marker
    os.environ[MARK] = marker
    try:
        yield marker
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class ChromiumKiller(threading.Thread):
    """Kills one of our Chromium processes every `interval` seconds (random within the range): a
    renderer mostly, the browser itself one time in `1 / browser_share`."""

    def __init__(self, marker: str, interval: tuple[float, float] = (5.0, 10.0), browser_share: float = 0.25,
                 seed: int = 9):
        super().__init__(daemon=True)
        self.marker = marker
        self.interval = interval
        self.browser_share = browser_share
        self.random = random.Random(seed)
        self.kills: list[tuple[str, int]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(self.random.uniform(*self.interval)):
            kind = "browser" if self.random.random() < self.browser_share else "renderer"
            targets = browser_processes(self.marker) if kind == "browser" else renderer_processes(self.marker)
            if not targets:
                continue
            target = self.random.choice(targets)
            try:
                target.kill()
            except psutil.NoSuchProcess:
                continue
            self.kills.append((kind, target.pid))

    def stop(self) -> None:
        self.stopping.set()
        self.join()


_PORT = re.compile(r"127\.0\.0\.1:\d+")


def comparable(run: Recorded) -> dict:
    """What must not change between a quiet run and a chaotic one: outcome and every finding,
    with the site's own port taken out (each copy has its own)."""
    findings = json.loads(_PORT.sub("127.0.0.1:PORT", json.dumps(run.findings, sort_keys=True, ensure_ascii=False)))
    for finding in findings.values():
        # axe reports how long it took; the reason names the pages: neither is a result.
        finding.pop("reason", None)
    return {"ok": run.ok, "error_class": run.error_class,
            "pages": [(p["kind"], p["ok"], p["error_class"]) for p in run.pages],
            "findings": findings}


@dataclass
class ChaosFigures:
    services: int = 0
    sound_services: int = 0
    hostile_services: int = 0
    hostile_behaviours: int = 0
    chromium_kills: int = 0
    renderer_kills: int = 0
    browser_kills: int = 0
    aborted_campaigns: int = 0
    # Units our browser's deaths left pending (never recorded as the site's), run by the resume.
    resumed_units: int = 0
    lost_results: int = 0
    wrong_results: int = 0
    longest_service_run_s: float = 0.0
    campaign_s: float = 0.0
    chromium_left: int = 0
    wrong: list[str] = field(default_factory=list)
    differences: dict[str, dict] = field(default_factory=dict)
    hostile_outcomes: dict[str, str] = field(default_factory=dict)


def run_chaos(root: Path, copies: int = 11, hostile: tuple[str, ...] = HOSTILE + HOSTILE_AGAIN,
              kill_interval=(6.0, 12.0)) -> ChaosFigures:
    figures = ChaosFigures()
    templates = sorted(TEMPLATES)
    with marked_browsers() as marker:
        quiet_sites = {f"ref-{t}": sound_site(t) for t in templates}
        chaos_sound = {f"{t}-{i}": (t, sound_site(t)) for t in templates for i in range(copies)}
        hostile_sites = {f"x-{b.replace('_', '-')}-{i}": (b, start(b)) for i, b in enumerate(hostile)}
        (root / "quiet").mkdir()
        (root / "chaos").mkdir()
        quiet = Campaigns(root / "quiet", {sid: site.url("/") for sid, site in quiet_sites.items()})
        services = {sid: site.url("/") for sid, (_, site) in chaos_sound.items()}
        services.update({sid: site.url for sid, (_, site) in hostile_sites.items()})
        chaos = Campaigns(root / "chaos", services)
        try:
            reference_summary = quiet.run(SETTINGS)
            reference = {sid.removeprefix("ref-"): comparable(run)
                         for sid, run in quiet.recorded(reference_summary.campaign_id).items()}

            killer = ChromiumKiller(marker, kill_interval)
            started = time.monotonic()
            killer.start()
            try:
                summary = chaos.run(SETTINGS)
            finally:
                killer.stop()
            figures.campaign_s = round(time.monotonic() - started, 1)
            if summary.interrupted:  # what an operator does next: `veilleur run --resume`
                resumed = chaos.run(SETTINGS, summary.campaign_id)
                figures.resumed_units = len(resumed.results)
                summary.interrupted = resumed.interrupted
            recorded = chaos.recorded(summary.campaign_id)
        finally:
            quiet.close()
            chaos.close()
            for site in quiet_sites.values():
                site.close()
            for _, site in [*chaos_sound.values(), *hostile_sites.values()]:
                site.close()
        # Whatever the kills, nothing of ours may be left running once the campaign is over.
        deadline = time.monotonic() + 10
        while chromium_processes(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        figures.chromium_left = len(chromium_processes(marker))

    figures.services = len(services)
    figures.sound_services = len(chaos_sound)
    figures.hostile_services = len(hostile_sites)
    figures.hostile_behaviours = len(set(hostile))
    figures.chromium_kills = len(killer.kills)
    figures.browser_kills = sum(1 for kind, _ in killer.kills if kind == "browser")
    figures.renderer_kills = figures.chromium_kills - figures.browser_kills
    figures.aborted_campaigns = int(summary.interrupted)
    figures.lost_results = sum(1 for sid in services if sid not in recorded or recorded[sid].status != "done")
    figures.longest_service_run_s = round(max((r.duration_s for r in recorded.values()), default=0.0), 1)
    for sid, (template, _) in chaos_sound.items():
        if sid in recorded and recorded[sid].status == "done" and comparable(recorded[sid]) != reference[template]:
            figures.wrong.append(sid)
            got = comparable(recorded[sid])
            figures.differences[sid] = {key: {"quiet": reference[template][key], "chaos": got[key]}
                                        for key in got if got[key] != reference[template][key]}
    for sid, (behaviour, _) in hostile_sites.items():
        run = recorded.get(sid)
        outcome = "lost" if run is None or run.status != "done" else (run.error_class or "ok")
        figures.hostile_outcomes[sid] = outcome
        if outcome not in CONTRACT_CLASSES | {"ok"}:  # a hostile site is a finding, never our error
            figures.wrong.append(sid)
            figures.differences[sid] = {"error_class": outcome, "error": run.error if run else None}
    figures.wrong_results = len(figures.wrong)
    return figures


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="veilleur-chaos-") as root:
        os.environ.setdefault("VEILLEUR_DATA_DIR", str(Path(root) / "data"))
        figures = run_chaos(Path(root))
    print(json.dumps(asdict(figures), indent=2, ensure_ascii=False))
    return 0 if figures.wrong_results == figures.lost_results == figures.aborted_campaigns == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
