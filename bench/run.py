"""The benchmark: a floor, `veilleur run` and pa11y-ci over the same served pages, in one run, on loopback.

    python -m bench.run                    # 30 services × 4 pages: floor, Veilleur twice, pa11y-ci
    python -m bench.run --services 1000 --scale   # Veilleur alone: first vs last tenth, memory over time

Then, when a PostgreSQL and a broker answer (bench/distributed.py), the same corpus on one and on two
`veilleur worker` processes of this machine, against the in-process figure.

The corpus (bench/serve.py) serves each service on its own loopback address, as real services are
on distinct hosts. The floor (bench/floor.py) is what any real-browser audit must do: load each
page and run axe-core in it, in the Chromium Veilleur uses and at its concurrency. Veilleur runs
its whole pipeline (landing page, discovered key pages, axe-core, screenshots, checks, storage in
a fresh SQLite database and evidence store) as `veilleur run` does: it is that command; then runs
it a second time over the unchanged corpus, in the same database, to time a re-audit and compare
its findings with the first's. pa11y-ci runs axe-core on the same page URLs at concurrency 2 in
Debian's full Chromium (on the headless shell its Puppeteer fails to close most pages, losing
their results); only the pages it returned results for count. Each tool is a child process; its
peak memory is the resident memory of its whole process tree (Chromium included), sampled twice
a second. The figures are printed, never asserted: the machine's load changes them, the ratios of
tools in one run much less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean

import psutil

from bench import distributed
from bench.floor import write_services
from bench.generate import PAGES, expected, write_registry
from bench.results_file import tee_stdout, write_results
from bench.serve import serve_corpus
from probes.chromium import launch_args

BENCH = Path(__file__).resolve().parent
PA11Y_CI = BENCH / "node_modules" / ".bin" / "pa11y-ci"
# pa11y-ci's Puppeteer fails to close most pages on the headless shell ("Protocol error
# (Target.closeTarget)"), which loses their results: it runs on Debian's full Chromium.
PA11Y_CHROMIUM = "/usr/bin/chromium"
STEPS = ("goto_ms", "settle_ms", "collect_ms", "screenshot_ms", "axe_ms", "mobile_ms")


def _tree_pss(pid: int) -> int:
    """Proportional set size of a process tree: shared pages (Chromium's processes share a lot)
    counted once overall, where the sum of RSS counts them in every process."""
    root = psutil.Process(pid)
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        try:
            total += proc.memory_full_info().pss
        except (psutil.NoSuchProcess, psutil.AccessDenied, AttributeError):
            pass
    return total


def _kind(proc: psutil.Process) -> str:
    cmdline = proc.cmdline()
    joined = " ".join(cmdline)
    if "chrom" not in joined:
        return "Playwright's driver" if "playwright" in joined else "the tool itself"
    kind = next((a[len("--type="):] for a in cmdline if a.startswith("--type=")), "browser")
    return {"renderer": "renderers", "gpu-process": "GPU process", "browser": "browser process"}.get(kind, "other helpers")


@dataclass
class Sampler:
    """Resident memory of a process tree over time, sampled in a thread."""

    pid: int
    interval_s: float = 0.5
    samples: list[tuple[float, int]] = field(default_factory=list)
    pss_peak: int = 0
    # Per process, its kind and CPU seconds as last read: how the tree's CPU splits between
    # Chromium's renderers, its browser and GPU processes, the driver and the tool itself (a
    # process that ends between two reads loses its last half second; the total comes from the
    # kernel, see Timed).
    cpu_by_pid: dict[int, tuple[str, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._started = time.monotonic()
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.samples.append((time.monotonic() - self._started, self._read_tree()))
                if len(self.samples) % 4 == 1:  # reading smaps is slow: PSS every 2 s
                    self.pss_peak = max(self.pss_peak, _tree_pss(self.pid))
            except psutil.Error:
                pass
            self._stop.wait(self.interval_s)

    def _read_tree(self) -> int:
        """One walk of the tree: each process's CPU time noted, their resident memory summed."""
        root = psutil.Process(self.pid)
        rss = 0
        for proc in [root, *root.children(recursive=True)]:
            try:
                times = proc.cpu_times()
                kind = self.cpu_by_pid[proc.pid][0] if proc.pid in self.cpu_by_pid else _kind(proc)
                self.cpu_by_pid[proc.pid] = (kind, times.user + times.system)
                rss += proc.memory_info().rss
            except psutil.Error:
                pass
        return rss

    def cpu_split(self) -> dict[str, float]:
        split: dict[str, float] = {}
        for kind, seconds in self.cpu_by_pid.values():
            split[kind] = split.get(kind, 0.0) + seconds
        return split

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> int:
        return max((rss for _, rss in self.samples), default=0)


@dataclass
class ToolRun:
    name: str
    pages: int
    failed: int
    seconds: float
    peak_rss: int
    memory: list[tuple[float, int]]
    peak_pss: int = 0
    cpu_seconds: float = 0.0
    cpu_split: dict[str, float] = field(default_factory=dict)
    why_failed: dict[str, int] = field(default_factory=dict)  # message head → pages

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0

    @classmethod
    def of(cls, name: str, pages: int, failed: int, timed: Timed, why_failed: dict[str, int] | None = None) -> ToolRun:
        return cls(name, pages, failed, timed.seconds, timed.sampler.peak, timed.sampler.samples,
                   timed.sampler.pss_peak, timed.cpu_seconds, timed.sampler.cpu_split(), why_failed or {})


def _become_subreaper() -> None:
    """Descendants orphaned during a run (a Chromium helper whose parent went first) are adopted by
    this process rather than by init, so that their CPU time is counted when we reap them."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap_orphans() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Timed:
    seconds: float
    sampler: Sampler
    code: int
    # CPU time of the whole process tree, from the kernel's accounting of reaped processes: a
    # sampler would miss the renderers that live less than its interval.
    cpu_seconds: float


def _timed(cmd: list[str], env: dict, out, err, cwd: Path | None = None) -> Timed:
    _reap_orphans()
    cpu_before = _children_cpu()
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=cwd)
    sampler = Sampler(proc.pid)
    code = proc.wait()
    seconds = time.monotonic() - started
    sampler.stop()
    time.sleep(0.2)
    _reap_orphans()
    return Timed(seconds, sampler, code, _children_cpu() - cpu_before)


def _veilleur_env(work: Path, extra: dict[str, str]) -> dict:
    env = {**os.environ, **extra}
    env.pop("VEILLEUR_DATABASE_URL", None)  # a fresh SQLite database in the work folder
    env.pop("VEILLEUR_EVIDENCE_URL", None)  # and the evidence beside it,
    env.pop("VEILLEUR_BROKER_URL", None)  # run in this process (the distributed line is bench/distributed.py)
    env["VEILLEUR_DATA_DIR"] = str(work / "veilleur-data")
    return env


def _veilleur_bin() -> str:
    local = Path(sys.executable).with_name("veilleur")
    return str(local) if local.exists() else "veilleur"


def import_registry(urls: list[str], work: Path, extra_env: dict[str, str] | None = None) -> dict:
    """A fresh data dir in `work` holding the corpus's registry; the environment to run Veilleur in it."""
    work.mkdir(parents=True, exist_ok=True)
    env = _veilleur_env(work, extra_env or {})
    registry = write_registry(work / "registry.yaml", urls)
    subprocess.run([_veilleur_bin(), "registry", "import", str(registry)], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def veilleur_campaign(env: dict, work: Path, services: int, concurrency: int | None, name: str,
                      log_name: str = "veilleur-run.log") -> tuple[ToolRun, dict]:
    """One `veilleur run` in the data dir of `env`, and the figures of the campaign it made."""
    cmd = [_veilleur_bin(), "run"] + (["--concurrency", str(concurrency)] if concurrency else [])
    with (work / log_name).open("wb") as log:
        timed = _timed(cmd, env, log, subprocess.STDOUT)
    if timed.code != 0:
        raise SystemExit(f"bench: `veilleur run` exited with {timed.code}; see {work / log_name}")
    stats = _veilleur_stats(work / "veilleur-data", services)
    return ToolRun.of(name, stats["pages_ok"], stats["pages_failed"], timed), stats


def run_veilleur(urls: list[str], work: Path, concurrency: int | None, name: str = "Veilleur",
                 extra_env: dict[str, str] | None = None) -> tuple[ToolRun, dict]:
    env = import_registry(urls, work, extra_env)
    return veilleur_campaign(env, work, len(urls), concurrency, name)


def run_veilleur_again(work: Path, services: int, concurrency: int | None) -> tuple[ToolRun, dict]:
    """A second `veilleur run` in the data dir of the first, with the same registry and database."""
    return veilleur_campaign(_veilleur_env(work, {}), work, services, concurrency, "again", "veilleur-run-2.log")


def _veilleur_stats(data: Path, services: int, campaign_id: int | None = None) -> dict:
    """What one campaign (the latest unless `campaign_id`) stored: pages, step timings, findings
    against the corpus, bytes, tenths. The bytes are the data dir's, whole."""
    from sqlalchemy import select

    from storage.db import open_database
    from storage.schema import Campaign, FindingRecord, PageRecord, ServiceRun

    db = open_database(f"sqlite:///{data / 'veilleur.db'}", migrate=False)
    with db.sessions() as session:
        query = select(Campaign).order_by(Campaign.id.desc())
        campaign = session.scalars(query if campaign_id is None else query.where(Campaign.id == campaign_id)).first()
        runs = session.scalars(select(ServiceRun).where(ServiceRun.campaign_id == campaign.id)).all()
        run_ids = {r.id: r for r in runs}
        of_campaign = ServiceRun.campaign_id == campaign.id
        pages = session.scalars(select(PageRecord).join(ServiceRun, PageRecord.service_run_id == ServiceRun.id)
                                .where(of_campaign)).all()
        findings = session.scalars(select(FindingRecord).join(ServiceRun, FindingRecord.service_run_id == ServiceRun.id)
                                   .where(of_campaign)).all()
        started, campaign_id = campaign.started_at, campaign.id
    db.close()

    statuses = {(run_ids[f.service_run_id].service_id, f.check): f.status for f in findings}
    ok_pages = [p for p in pages if p.ok]
    profile = {step: mean(p.timings.get(step) or 0.0 for p in ok_pages) if ok_pages else 0.0 for step in STEPS + ("total_ms",)}
    stored = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    return {
        "campaign": campaign_id, "services": len(runs), "pages_ok": len(ok_pages),
        "pages_failed": len(pages) - len(ok_pages), "statuses": statuses,
        "wrong_findings": _wrong_findings(statuses), "findings": len(findings), "profile": profile,
        "bytes_per_run": stored / max(1, len(runs)), "bytes_total": stored,
        "tenths": _tenths(runs, pages, started),
    }


def _wrong_findings(statuses: dict[tuple[str, str], str]) -> dict[str, int]:
    wrong: dict[str, int] = {}
    for (service_id, check), status in statuses.items():
        stated = expected(int(service_id.rsplit("-", 1)[1]))
        # The corpus asserts the checks it names; a check added since is not counted as wrong.
        if check in stated and stated[check] != status:
            wrong[check] = wrong.get(check, 0) + 1
    return wrong


def _tenths(runs, page_records, started) -> list[float]:
    """Pages per second over each tenth of the services, in the order they finished."""
    done = sorted((r for r in runs if r.finished_at), key=lambda r: r.finished_at)
    if len(done) < 100:  # tenths of a few services finishing together say nothing
        return []
    pages: dict[int, int] = {}
    for page in page_records:
        pages[page.service_run_id] = pages.get(page.service_run_id, 0) + 1
    rates = []
    previous = started
    for tenth in range(10):
        chunk = done[tenth * len(done) // 10:(tenth + 1) * len(done) // 10]
        end = chunk[-1].finished_at
        seconds = (end - previous).total_seconds()
        rates.append(sum(pages.get(r.id, 0) for r in chunk) / seconds if seconds > 0 else 0.0)
        previous = end
    return rates


def findings_differences(first: dict[tuple[str, str], str], second: dict[tuple[str, str], str]) -> list[str]:
    """Per service and check, where two campaigns' statuses differ (or one has no finding)."""
    return [f"{service} {check}: {first.get((service, check), '-')} → {second.get((service, check), '-')}"
            for service, check in sorted(first.keys() | second.keys())
            if first.get((service, check)) != second.get((service, check))]


def run_floor(page_urls: list[str], work: Path, concurrency: int) -> ToolRun:
    urls_file = write_services(work / "floor-urls.txt", page_urls, len(PAGES))
    out, log = work / "floor.json", work / "floor.log"
    cmd = [sys.executable, "-m", "bench.floor", "--urls-file", str(urls_file), "--concurrency", str(concurrency),
           "--out", str(out)]
    with log.open("wb") as err:
        timed = _timed(cmd, dict(os.environ), err, subprocess.STDOUT, cwd=BENCH.parent)
    if timed.code != 0:
        raise SystemExit(f"bench: the floor exited with {timed.code}; see {log}")
    tally = json.loads(out.read_text(encoding="utf-8"))
    return ToolRun.of("floor", tally["pages_ok"], tally["pages_failed"], timed, tally["errors"])


def pa11y_chromium() -> str:
    """The Chromium pa11y-ci runs on, or exit saying how to get it."""
    path = os.environ.get("VEILLEUR_BENCH_PA11Y_CHROMIUM") or PA11Y_CHROMIUM
    if not Path(path).is_file():
        raise SystemExit(f"bench: no Chromium at {path} for pa11y-ci: install Debian's full Chromium "
                         "(`apt-get install --no-install-recommends chromium`; make bench does it as root), "
                         "set VEILLEUR_BENCH_PA11Y_CHROMIUM, or pass --no-pa11y")
    return path


def _message_head(message: str) -> str:
    """What an error says, without the URL or the details that make each one different."""
    line = (message.strip().splitlines() or [""])[0]
    return re.split(r": | at https?://", line, maxsplit=1)[0][:100] or "(no message)"


def pa11y_counts(results: dict[str, list], page_urls: list[str]) -> tuple[int, dict[str, int]]:
    """How many of `page_urls` pa11y-ci returned results for, and why the others have none (pages
    per message head). A page's results are its list of issues, empty when none was found; a list
    holding an error object (a message, no rule `code`) is no result, whatever the error: after
    "Protocol error (Target.closeTarget)" pa11y rejects the whole test and its issues are lost."""
    with_results, none = 0, Counter()
    for url in page_urls:
        issues = results.get(url)
        if issues is None:
            none["not in pa11y-ci's report"] += 1
            continue
        errors = [i for i in issues if not isinstance(i, dict) or "code" not in i]
        if errors:
            first = errors[0]
            none[_message_head(first.get("message", "") if isinstance(first, dict) else str(first))] += 1
        else:
            with_results += 1
    return with_results, dict(none)


def run_pa11y(page_urls: list[str], work: Path, chromium: str) -> ToolRun:
    config = {
        "defaults": {
            "runners": ["axe"], "concurrency": 2, "timeout": 60_000,
            "chromeLaunchConfig": {"executablePath": chromium, "args": launch_args()},
        },
        "urls": page_urls,
    }
    config_file = work / "pa11y-ci.json"
    config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1")
    report = work / "pa11y-ci-report.json"
    cmd = [str(PA11Y_CI), "--config", str(config_file), "--json"]
    with report.open("wb") as out:
        timed = _timed(cmd, env, out, subprocess.DEVNULL, cwd=work)
    try:
        results = json.loads(report.read_text(encoding="utf-8")).get("results", {})
    except (ValueError, OSError) as exc:
        raise SystemExit(f"bench: pa11y-ci gave no JSON report ({exc}); see {report}") from None
    with_results, none = pa11y_counts(results, page_urls)
    return ToolRun.of("pa11y-ci", with_results, sum(none.values()), timed, none)


def _mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def _memory_timeline(samples: list[tuple[float, int]]) -> str:
    if not samples:
        return "-"
    end = samples[-1][0] or 1.0
    peaks = []
    for tenth in range(10):
        chunk = [rss for t, rss in samples if tenth * end / 10 <= t < (tenth + 1) * end / 10 + 1e-9]
        peaks.append(max(chunk, default=0))
    return " ".join(f"{p / 2**20:.0f}" for p in peaks) + " MB"


def _why(run: ToolRun) -> str:
    if not run.failed:
        return ""
    word = "without results" if run.name == "pa11y-ci" else "failed"
    reasons = "; ".join(f"{pages}: {head}" for head, pages in sorted(run.why_failed.items(), key=lambda i: -i[1]))
    return f" ({run.failed} {word}{': ' + reasons if reasons else ''})"


def _line(run: ToolRun) -> str:
    counted = "pages with results" if run.name == "pa11y-ci" else "pages"
    return (f"{run.name:>9}: {run.pages} {counted} in {run.seconds:.1f} s = {run.pages_per_s:.2f} pages/s"
            f"{_why(run)}; peak memory of the process tree "
            f"{_mb(run.peak_rss)} (sum of RSS), {_mb(run.peak_pss)} (PSS); "
            f"CPU {run.cpu_seconds * 1000 / max(1, run.pages):.0f} ms per page")


def _ratio(veilleur: ToolRun, other: ToolRun | None, target: str) -> str | None:
    if other is None or not other.pages_per_s:
        return None
    return f"{veilleur.name} / {other.name} = {veilleur.pages_per_s / other.pages_per_s:.2f}× (target {target})"


def _cpu_split(run: ToolRun) -> str:
    seen = sum(run.cpu_split.values()) or 1.0
    parts = ", ".join(f"{kind} {seconds / seen:.0%}" for kind, seconds in
                      sorted(run.cpu_split.items(), key=lambda item: -item[1]) if seconds / seen >= 0.005)
    # pa11y-ci opens a tab per page: its renderers mostly live less than one sampling interval.
    note = " (incomplete: most of its short-lived renderers are missed)" if run.name == "pa11y-ci" else ""
    return f"{run.name:>19} {run.cpu_seconds * 1000 / max(1, run.pages):.0f} ms: {parts}{note}"


def _veilleur_lines(veilleur: ToolRun, stats: dict) -> list[str]:
    lines = [(f"   stored: {stats['bytes_per_run'] / 1024:.0f} KiB per service run "
              f"({_mb(stats['bytes_total'])} for {stats['services']} runs: database + evidence)")]
    wrong = stats["wrong_findings"]
    lines.append(f" findings: {stats['findings']} recorded, "
                 f"{'all as the corpus expects' if not wrong else 'unexpected: ' + json.dumps(wrong)}")
    profile = stats["profile"]
    total = profile["total_ms"] or 1.0
    steps = ", ".join(f"{step[:-3]} {profile[step]:.0f} ms ({profile[step] / total:.0%})" for step in STEPS)
    lines.append(f"  profile: mean per page {total:.0f} ms = {steps}; the rest: page open/close, politeness")
    if stats["tenths"]:
        tenths = stats["tenths"]
        lines.append("   tenths: pages/s " + " ".join(f"{r:.2f}" for r in tenths)
                     + (f"; last/first = {tenths[-1] / tenths[0]:.2f}" if tenths[0] else ""))
        lines.append(f"   memory: peak per tenth of the run {_memory_timeline(veilleur.memory)}")
    return lines


def report(veilleur: ToolRun, stats: dict, others: list[ToolRun], services: int, load: str, concurrency: int) -> None:
    """`others`: the floor and pa11y-ci, those that ran, timed on the same pages."""
    floor = next((run for run in others if run.name == "floor"), None)
    pa11y = next((run for run in others if run.name == "pa11y-ci"), None)
    print()
    print(f"Corpus: {services} DSFR services × 4 pages on loopback, each on its own address; "
          f"load average at start: {load}; {os.cpu_count()} cores; concurrency {concurrency} (pa11y-ci: 2)")
    runs = [run for run in (floor, veilleur, pa11y) if run is not None]
    for run in runs:
        print(_line(run))
    ratios = [r for r in (_ratio(veilleur, floor, "≥ 0.8×"), _ratio(veilleur, pa11y, "≥ 3×, pages with results")) if r]
    if ratios:
        print("   ratios: " + "; ".join(ratios))
    print("      CPU: per page (the kernel's total for the process tree), split by process kind as sampled:")
    for run in runs:
        if run.cpu_split:
            print(_cpu_split(run))
    for line in _veilleur_lines(veilleur, stats):
        print(line)


def report_second(first: ToolRun, first_stats: dict, second: ToolRun, second_stats: dict) -> None:
    # The same pages asked for twice: the second campaign's pages/s counts the first's pages, so
    # that a re-audit which stores less (what did not change) is not shown slower for it.
    rate = first.pages / second.seconds if second.seconds else 0.0
    speedup = first.seconds / second.seconds if second.seconds else 0.0
    recorded = f"{second.pages} pages recorded{f', {second.failed} failed' if second.failed else ''}"
    print(f"   second: `veilleur run` again over the unchanged corpus, same database: {second.seconds:.1f} s = "
          f"{rate:.2f} pages/s ({recorded}); second/first = {speedup:.2f}× (target ≥ 2×); "
          f"stored +{_mb(second_stats['bytes_total'] - first_stats['bytes_total'])}")
    differences = findings_differences(first_stats["statuses"], second_stats["statuses"])
    if not differences:
        compared = len(second_stats["statuses"])
        print(f"           findings identical to the first campaign's ({compared} service × check)")
        return
    print(f"           findings differ from the first campaign's in {len(differences)} service × check:")
    for difference in differences[:20]:
        print(f"             {difference}")
    if len(differences) > 20:
        print(f"             ... and {len(differences) - 20} more")


def _variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, settings = text.partition(":")
    try:
        extra = dict(item.split("=", 1) for item in settings.split(",") if item)
    except ValueError:
        raise SystemExit(f"bench: --variant {text!r}: expected NAME:VAR=VALUE,...") from None
    if not name or not extra:
        raise SystemExit(f"bench: --variant {text!r}: expected NAME:VAR=VALUE,...")
    return name, extra


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Veilleur against a floor and pa11y-ci on the same DSFR pages.")
    parser.add_argument("--services", type=int, default=30, help="services in the corpus (4 pages each)")
    parser.add_argument("--concurrency", type=int, help="Veilleur's and the floor's concurrency (default: Veilleur's)")
    parser.add_argument("--scale", action="store_true", help="Veilleur alone, with its first/last tenth and memory over time")
    parser.add_argument("--no-floor", action="store_true", help="skip the floor (bench/floor.py)")
    parser.add_argument("--no-pa11y", action="store_true", help="skip pa11y-ci")
    parser.add_argument("--no-second", action="store_true", help="skip Veilleur's second campaign over the same corpus")
    parser.add_argument("--no-distributed", action="store_true", help="skip the distributed line (1 and 2 workers)")
    parser.add_argument("--keep", type=Path, help="keep the work folder (databases, logs, reports) here")
    parser.add_argument("--no-results", action="store_true",
                        help="write no dated result file in bench/results/ (bench/results_file.py)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME:VAR=VALUE,...",
                        help="also time Veilleur with these environment settings, e.g. 'rgaa:VEILLEUR_AXE_RULES=rgaa'")
    return parser.parse_args(argv)


def _work_folder(keep: Path | None) -> Path:
    work = keep or Path(tempfile.mkdtemp(prefix="veilleur-bench-"))
    if keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    return work


def _floor_concurrency(given: int | None) -> int:
    # What Veilleur's `run` uses without --concurrency: VEILLEUR_CONCURRENCY, else its default.
    from probes.settings import probe_settings
    from veilleur.settings import read_settings

    return given or probe_settings(read_settings().probe).concurrency


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    variants = [_variant(v) for v in args.variant]
    with_pa11y = not (args.scale or args.no_pa11y)
    if with_pa11y and not PA11Y_CI.exists():
        raise SystemExit(f"bench: {PA11Y_CI} is missing; run `npm ci` in bench/ (make bench does)")
    chromium = pa11y_chromium() if with_pa11y else None
    concurrency = _floor_concurrency(args.concurrency)

    _become_subreaper()
    work = _work_folder(args.keep)
    started = dt.datetime.now(dt.UTC)
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        with serve_corpus(args.services) as corpus:
            print(f"bench: {args.services} services served, on {corpus.urls[0]} and onwards", flush=True)
            others: list[ToolRun] = []
            if not (args.scale or args.no_floor):
                print(f"bench: running the floor on the {len(corpus.page_urls)} pages...", flush=True)
                others.append(run_floor(corpus.page_urls, work, concurrency))
            print("bench: running `veilleur run`...", flush=True)
            veilleur, stats = run_veilleur(corpus.urls, work / "veilleur", args.concurrency)
            if chromium:
                print(f"bench: running pa11y-ci on the same {len(corpus.page_urls)} pages ({chromium})...", flush=True)
                others.append(run_pa11y(corpus.page_urls, work, chromium))
            second = None
            if not (args.scale or args.no_second):
                print("bench: running `veilleur run` a second time over the unchanged corpus...", flush=True)
                second = run_veilleur_again(work / "veilleur", args.services, args.concurrency)
            variant_runs = []
            for name, extra in variants:
                print(f"bench: running `veilleur run` ({name}: {extra})...", flush=True)
                variant_runs.append(run_veilleur(corpus.urls, work / name, args.concurrency, name, extra))
            spread, skipped = [], None
            if not (args.scale or args.no_distributed):
                skipped = distributed.unavailable()
                for workers in ((1, 2) if skipped is None else ()):
                    print(f"bench: running `veilleur run` on {workers} `veilleur worker` process(es)...", flush=True)
                    spread.append(distributed.run_distributed(corpus.urls, work / f"workers-{workers}", workers,
                                                              args.concurrency))
        tee = tee_stdout()
        report(veilleur, stats, others, args.services, load, concurrency)
        if second:
            report_second(veilleur, stats, *second)
        if spread:
            print(distributed.line(spread, veilleur.pages_per_s))
        elif skipped:
            print(f"distributed: skipped ({skipped})")
        for run, run_stats in variant_runs:
            print(f"\nVariant {run.name}:")
            report(run, run_stats, others, args.services, load, concurrency)
        sys.stdout = tee.terminal
        if not args.no_results:
            print(f"bench: figures written to {write_results(tee.buffer.getvalue(), argv if argv is not None else sys.argv[1:], started)}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
