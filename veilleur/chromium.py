"""`python -m veilleur.chromium [--check]`: which Chromium Veilleur would drive (the Makefile's setup asks)."""

from __future__ import annotations

import sys

from foundation.errors import InputError
from probes.chromium import HEADLESS_SHELL, SYSTEM_CHROMIUM, ChromiumNotFound, find_chromium
from veilleur.settings import read_settings


def main(argv: list[str] | None = None) -> int:
    """Print the path found (exit 0), or why none was (exit 1); with `--check`, exit 2 when only a
    full system Chromium is found: it works, but the headless shell probes with 40 % less CPU."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        chosen = read_settings().probe.chromium
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        found = find_chromium(chosen)
    except ChromiumNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    print(found)
    # Only a system full Chromium is worth completing: one chosen (VEILLEUR_CHROMIUM) or
    # Playwright's own is not in SYSTEM_CHROMIUM.
    if "--check" in argv and not chosen and found in SYSTEM_CHROMIUM and found != HEADLESS_SHELL:
        print(f"{found} is a full Chromium: {HEADLESS_SHELL} (Debian's chromium-headless-shell) "
              "probes with 40 % less CPU", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
