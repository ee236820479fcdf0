"""Finding the Chromium processes a test started, orphans included.

Playwright puts each browser's profile in the temporary directory, so a test that points TMPDIR at a
directory of its own finds its browsers by that path in their command line (`--user-data-dir`).
Their helpers do not all carry it (the headless shell's zygotes and renderers do not, nor keep
the environment), but Playwright starts each browser as the leader of its own process group,
which every helper keeps, orphans included: a browser once seen, its group finds the rest. Crash
handlers are re-parented at once and carry no profile; they inherit the environment, so the
test's mark finds them.
"""

from __future__ import annotations

import os

import psutil

MARK = "VEILLEUR_TEST_MARK"
# Per marker, the process groups of the browsers seen with it (the browser's pid).
_groups: dict[str, set[int]] = {}


def chromium_processes(marker: str) -> list[psutil.Process]:
    """Live Chromium processes whose command line names `marker` (the test's TMPDIR) or whose
    environment holds VEILLEUR_TEST_MARK=`marker`."""
    groups = _groups.setdefault(marker, set())
    found, others = [], []
    for proc in psutil.process_iter(["pid", "name", "cmdline", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            cmdline = " ".join(proc.info["cmdline"] or [])
            if "chrom" not in (proc.info["name"] or "") and "chrom" not in cmdline:
                continue
            if marker in cmdline or proc.environ().get(MARK) == marker:
                found.append(proc)
                if "--type=" not in cmdline:
                    groups.add(proc.pid)
            else:
                others.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    for proc in others:
        try:
            if os.getpgid(proc.pid) in groups:
                found.append(proc)
        except (ProcessLookupError, PermissionError):
            continue
    return found


def browser_processes(marker: str) -> list[psutil.Process]:
    """The browser (main) processes among them: no `--type=`."""
    return [p for p in chromium_processes(marker) if _is_browser(p)]


def renderer_processes(marker: str) -> list[psutil.Process]:
    return [p for p in chromium_processes(marker) if "--type=renderer" in _cmdline(p)]


def _cmdline(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return ""


def _is_browser(proc: psutil.Process) -> bool:
    cmdline = _cmdline(proc)
    return bool(cmdline) and "--type=" not in cmdline and "crashpad" not in cmdline
