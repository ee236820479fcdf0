"""The benchmark: `veilleur run` and pa11y-ci over the same pages, in one run, on loopback.

    python -m bench.run                    # 30 services × 4 pages: both tools, pages/s and ratio
    python -m bench.run --services 1000 --scale   # Veilleur alone: first vs last tenth, memory over time

Then, when a PostgreSQL and a broker answer (bench/distributed.py), the same corpus on one and on two
`veilleur worker` processes of this machine, against the in-process figure.

Veilleur runs its whole pipeline (landing page, discovered key pages, axe-core, screenshots,
checks, storage in a fresh SQLite database and evidence store) as `veilleur run` does: it is that
command. pa11y-ci runs axe-core on the same page URLs at concurrency 2 in the same Chromium.
Each tool is a child process; its peak memory is the resident memory of its whole process tree
(Chromium included), sampled twice a second. The figures are printed, never asserted: the
machine's load changes them, the ratio of the two in one run much less.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean

import psutil

from bench import distributed
from bench.generate import expected, write_registry
from bench.serve import serve_corpus
from probes.chromium import find_chromium, launch_args

BENCH = Path(__file__).resolve().parent
PA11Y_CI = BENCH / "node_modules" / ".bin" / "pa11y-ci"
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

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


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


def run_veilleur(urls: list[str], work: Path, concurrency: int | None, name: str = "Veilleur",
                 extra_env: dict[str, str] | None = None) -> tuple[ToolRun, dict]:
    work.mkdir(parents=True, exist_ok=True)
    env = _veilleur_env(work, extra_env or {})
    registry = write_registry(work / "registry.yaml", urls)
    subprocess.run([_veilleur_bin(), "registry", "import", str(registry)], env=env, check=True, stdout=subprocess.DEVNULL)
    cmd = [_veilleur_bin(), "run"] + (["--concurrency", str(concurrency)] if concurrency else [])
    with (work / "veilleur-run.log").open("wb") as log:
        timed = _timed(cmd, env, log, subprocess.STDOUT)
    if timed.code != 0:
        raise SystemExit(f"bench: `veilleur run` exited with {timed.code}; see {work / 'veilleur-run.log'}")
    stats = _veilleur_stats(work / "veilleur-data", len(urls))
    run = ToolRun(name, stats["pages_ok"], stats["pages_failed"], timed.seconds, timed.sampler.peak,
                  timed.sampler.samples, timed.sampler.pss_peak, timed.cpu_seconds, timed.sampler.cpu_split())
    return run, stats


def _veilleur_stats(data: Path, services: int) -> dict:
    """What the campaign stored: pages, step timings, findings against the corpus, bytes, tenths."""
    from sqlalchemy import select

    from storage.db import open_database
    from storage.schema import Campaign, FindingRecord, PageRecord, ServiceRun

    db = open_database(f"sqlite:///{data / 'veilleur.db'}", migrate=False)
    with db.sessions() as session:
        campaign = session.scalars(select(Campaign).order_by(Campaign.id.desc())).first()
        runs = session.scalars(select(ServiceRun).where(ServiceRun.campaign_id == campaign.id)).all()
        run_ids = {r.id: r for r in runs}
        pages = [p for p in session.scalars(select(PageRecord)).all() if p.service_run_id in run_ids]
        findings = [f for f in session.scalars(select(FindingRecord)).all() if f.service_run_id in run_ids]
        started = campaign.started_at
    db.close()

    wrong: dict[str, int] = {}
    for f in findings:
        index = int(run_ids[f.service_run_id].service_id.rsplit("-", 1)[1])
        stated = expected(index)
        # The corpus asserts the checks it names; a check added since is not counted as wrong.
        if f.check in stated and stated[f.check] != f.status:
            wrong[f.check] = wrong.get(f.check, 0) + 1
    ok_pages = [p for p in pages if p.ok]
    profile = {step: mean(p.timings.get(step) or 0.0 for p in ok_pages) if ok_pages else 0.0 for step in STEPS + ("total_ms",)}
    stored = sum(f.stat().st_size for f in data.rglob("*") if f.is_file())
    return {
        "services": len(runs), "pages_ok": len(ok_pages), "pages_failed": len(pages) - len(ok_pages),
        "wrong_findings": wrong, "findings": len(findings), "profile": profile,
        "bytes_per_run": stored / max(1, len(runs)), "bytes_total": stored,
        "tenths": _tenths(runs, pages, started),
    }


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


def run_pa11y(page_urls: list[str], work: Path) -> ToolRun:
    if not PA11Y_CI.exists():
        raise SystemExit(f"bench: {PA11Y_CI} is missing; run `npm ci` in bench/ (make bench does)")
    config = {
        "defaults": {
            "runners": ["axe"], "concurrency": 2, "timeout": 60_000,
            "chromeLaunchConfig": {"executablePath": find_chromium(), "args": launch_args()},
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
    # A URL pa11y could not test has an error object ({"message": ...}) instead of its issues.
    # Puppeteer 24 with this Chromium often fails to close the page once its test is done
    # ("Target.closeTarget: No target"): that page was tested, so it counts, in pa11y's favour.
    failed = sum(1 for issues in results.values()
                 if any("code" not in i and "closeTarget" not in i.get("message", "") for i in issues))
    return ToolRun("pa11y-ci", len(results) - failed, failed, timed.seconds, timed.sampler.peak,
                   timed.sampler.samples, timed.sampler.pss_peak, timed.cpu_seconds, timed.sampler.cpu_split())


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


def _line(run: ToolRun) -> str:
    return (f"{run.name:>9}: {run.pages} pages in {run.seconds:.1f} s = {run.pages_per_s:.2f} pages/s"
            f"{f' ({run.failed} failed)' if run.failed else ''}; peak memory of the process tree "
            f"{_mb(run.peak_rss)} (sum of RSS), {_mb(run.peak_pss)} (PSS); "
            f"CPU {run.cpu_seconds * 1000 / max(1, run.pages):.0f} ms per page")


def report(veilleur: ToolRun, stats: dict, pa11y: ToolRun | None, services: int, load: str) -> None:
    print()
    print(f"Corpus: {services} DSFR services × 4 pages on loopback; load average at start: {load}; "
          f"{os.cpu_count()} cores")
    print(_line(veilleur))
    if pa11y is not None:
        print(_line(pa11y))
        if pa11y.pages_per_s:
            print(f"    ratio: Veilleur / pa11y-ci = {veilleur.pages_per_s / pa11y.pages_per_s:.2f}×")
    print(f"   stored: {stats['bytes_per_run'] / 1024:.0f} KiB per service run "
          f"({_mb(stats['bytes_total'])} for {stats['services']} runs: database + evidence)")
    wrong = stats["wrong_findings"]
    print(f" findings: {stats['findings']} recorded, "
          f"{'all as the corpus expects' if not wrong else 'unexpected: ' + json.dumps(wrong)}")
    profile = stats["profile"]
    total = profile["total_ms"] or 1.0
    steps = ", ".join(f"{step[:-3]} {profile[step]:.0f} ms ({profile[step] / total:.0%})" for step in STEPS)
    print(f"  profile: mean per page {total:.0f} ms = {steps}; the rest: page open/close, politeness")
    # pa11y-ci's split is not shown: its renderers (a new tab per page) mostly live less than one
    # sampling interval, so the sampler cannot see them.
    if veilleur.cpu_split:
        seen = sum(veilleur.cpu_split.values()) or 1.0
        parts = ", ".join(f"{kind} {seconds / seen:.0%}" for kind, seconds in
                          sorted(veilleur.cpu_split.items(), key=lambda item: -item[1]) if seconds / seen >= 0.005)
        print(f"      CPU: {veilleur.cpu_seconds * 1000 / max(1, veilleur.pages):.0f} ms per page: {parts} (sampled)")
    if stats["tenths"]:
        tenths = stats["tenths"]
        print("   tenths: pages/s " + " ".join(f"{r:.2f}" for r in tenths)
              + f"; last/first = {tenths[-1] / tenths[0]:.2f}" if tenths[0] else "")
        print(f"   memory: peak per tenth of the run {_memory_timeline(veilleur.memory)}")


def _variant(text: str) -> tuple[str, dict[str, str]]:
    name, _, settings = text.partition(":")
    try:
        extra = dict(item.split("=", 1) for item in settings.split(",") if item)
    except ValueError:
        raise SystemExit(f"bench: --variant {text!r}: expected NAME:VAR=VALUE,...") from None
    if not name or not extra:
        raise SystemExit(f"bench: --variant {text!r}: expected NAME:VAR=VALUE,...")
    return name, extra


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Veilleur against pa11y-ci on the same DSFR pages.")
    parser.add_argument("--services", type=int, default=30, help="services in the corpus (4 pages each)")
    parser.add_argument("--concurrency", type=int, help="Veilleur's concurrency (default: Veilleur's own)")
    parser.add_argument("--scale", action="store_true", help="Veilleur alone, with its first/last tenth and memory over time")
    parser.add_argument("--no-pa11y", action="store_true", help="skip pa11y-ci")
    parser.add_argument("--no-distributed", action="store_true", help="skip the distributed line (1 and 2 workers)")
    parser.add_argument("--keep", type=Path, help="keep the work folder (databases, logs, reports) here")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME:VAR=VALUE,...",
                        help="also time Veilleur with these environment settings, e.g. 'rgaa:VEILLEUR_AXE_RULES=rgaa'")
    args = parser.parse_args(argv)
    variants = [_variant(v) for v in args.variant]

    _become_subreaper()
    work = args.keep or Path(tempfile.mkdtemp(prefix="veilleur-bench-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        with serve_corpus(args.services) as corpus:
            print(f"bench: {args.services} services served; running `veilleur run`...", flush=True)
            veilleur, stats = run_veilleur(corpus.urls, work / "veilleur", args.concurrency)
            pa11y = None
            if not (args.scale or args.no_pa11y):
                print(f"bench: running pa11y-ci on the same {len(corpus.page_urls)} pages...", flush=True)
                pa11y = run_pa11y(corpus.page_urls, work)
            others = []
            for name, extra in variants:
                print(f"bench: running `veilleur run` ({name}: {extra})...", flush=True)
                others.append(run_veilleur(corpus.urls, work / name, args.concurrency, name, extra))
            spread, skipped = [], None
            if not (args.scale or args.no_distributed):
                skipped = distributed.unavailable()
                for workers in ((1, 2) if skipped is None else ()):
                    print(f"bench: running `veilleur run` on {workers} `veilleur worker` process(es)...", flush=True)
                    spread.append(distributed.run_distributed(corpus.urls, work / f"workers-{workers}", workers,
                                                              args.concurrency))
        report(veilleur, stats, pa11y, args.services, load)
        if spread:
            print(distributed.line(spread, veilleur.pages_per_s))
        elif skipped:
            print(f"distributed: skipped ({skipped})")
        for run, run_stats in others:
            print(f"\nVariant {run.name}:")
            report(run, run_stats, pa11y, args.services, load)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
