"""Which Chromium to drive, and how to start it on a closed network.

Order (DEVELOPERS.md): VEILLEUR_CHROMIUM, Playwright's own installed browser, then Debian's:
the headless shell (package chromium-headless-shell) before /usr/bin/chromium. The headless shell is the same
Chromium (same source and version) built for headless use only, as Playwright itself runs
headless by default; measured in bench/ on DSFR pages, it costs 40 % less CPU per page for the
whole probe (911 → 550 ms) and 40 % less memory, because the full browser brings its whole user
interface and GPU process along in headless mode.

`python -m veilleur.chromium` (the shell, which reads VEILLEUR_CHROMIUM) prints the path found, or
exits 1; `--check` exits 2 when only a full system Chromium is found (it works, slower), which the
Makefile then completes with the headless shell when it runs as root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from probes.trackers import resolver_rules

# Debian's package puts the binary here; its /usr/bin/chromium-headless-shell is a shell script
# that runs it without `exec`, which would leave a shell between Playwright and the browser (a
# kill would reach the shell, not Chromium).
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
SYSTEM_CHROMIUM = (HEADLESS_SHELL, "/usr/bin/chromium", "/usr/bin/chromium-browser")

# Without these, Chromium keeps trying to reach Google's services and floods a closed network.
OFFLINE_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

# A page that hoards memory kills its own renderer at 512 MiB of JavaScript heap (V8's desktop
# default is about 4 GiB, a phone gives about this much) instead of starving the machine and the
# other probes for seconds; sound pages use a fraction of it.
RESOURCE_ARGS = ("--js-flags=--max-old-space-size=512",)


class ChromiumNotFound(RuntimeError):
    pass


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = p.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).is_file() else None


def find_chromium(explicit: str | None = None) -> str:
    """`explicit` (VEILLEUR_CHROMIUM) if given, else the first Chromium found in the order above."""
    if explicit:
        resolved = shutil.which(explicit) or explicit
        if not Path(resolved).is_file():
            raise ChromiumNotFound(f"VEILLEUR_CHROMIUM={explicit}: no such executable")
        return resolved
    found = _playwright_chromium()
    if found:
        return found
    for candidate in SYSTEM_CHROMIUM:
        if Path(candidate).is_file():
            return candidate
    raise ChromiumNotFound(
        "no Chromium found: set VEILLEUR_CHROMIUM, or install Debian's 'chromium' package "
        "(make test / make demo do it when run as root)"
    )


def launch_args() -> list[str]:
    # RFC 2606: .invalid never resolves; answering locally keeps tests from querying a resolver.
    args = [*OFFLINE_ARGS, *RESOURCE_ARGS, f"--host-resolver-rules=MAP *.invalid ~NOTFOUND, {resolver_rules()}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root.
        args.append("--no-sandbox")
    return args
