"""The floor of the benchmark: what any real-browser accessibility audit of the corpus must do, and nothing else.

Playwright drives the Chromium Veilleur uses (same executable, same launch flags) at Veilleur's
default concurrency; each service gets a browser context and one tab, which goes from page to
page of the service: load the page (until its `load` event), inject Veilleur's own axe-core and run
it, read its results as one JSON string, count the violations. No settling, screenshot, capture,
check, storage or politeness pause: Veilleur's pages/s divided by the floor's says what all that
costs. bench/run.py runs it as a child process, to measure its process tree as it measures
Veilleur's.

    python -m bench.floor --urls-file F [--concurrency N] [--out FILE]

F holds one service per line: the URLs of its pages, separated by spaces, in the order visited.
What it prints (or writes to FILE) is JSON: pages ok and failed, violations, why pages failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from probes.axe import axe_source, run_options
from probes.chromium import find_chromium, launch_args
from probes.settings import ProbeSettings, default_concurrency

PAGE_TIMEOUT_MS = 30_000
# The viewport Veilleur renders at: layout and axe-core's work depend on it.
VIEWPORT = {"width": ProbeSettings.viewport_width, "height": ProbeSettings.viewport_height}


@dataclass
class Tally:
    pages_ok: int = 0
    pages_failed: int = 0
    violations: int = 0
    errors: Counter = field(default_factory=Counter)

    def as_json(self) -> dict:
        return {"pages_ok": self.pages_ok, "pages_failed": self.pages_failed,
                "violations": self.violations, "errors": dict(self.errors)}


def _axe_script() -> str:
    # Injected and run in one round trip, its results carried as one string: the cheapest way to
    # get axe-core's results out of a page (Playwright serialises an object value by value).
    return ("async (options) => {\n" + axe_source() +
            "\n; return JSON.stringify(await window.axe.run(document, options)); }")


def read_services(path: Path) -> list[list[str]]:
    """The services of a URLs file: one line each, its page URLs separated by spaces."""
    return [line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_services(path: Path, page_urls: list[str], pages_per_service: int) -> Path:
    """A URLs file of the page URLs given service after service, `pages_per_service` each."""
    lines = [" ".join(page_urls[i:i + pages_per_service]) for i in range(0, len(page_urls), pages_per_service)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _error_head(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:100]


async def _audit_page(page, url: str, script: str, tally: Tally) -> bool:
    try:
        await page.goto(url, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        results = json.loads(await page.evaluate(script, run_options()))
    except Exception as exc:  # a page that fails is counted, and the service goes on to the next
        tally.pages_failed += 1
        tally.errors[_error_head(exc)] += 1
        return False
    tally.pages_ok += 1
    tally.violations += len(results.get("violations") or [])
    return True


async def _audit_service(browser, urls: list[str], slots: asyncio.Semaphore, script: str, tally: Tally) -> None:
    async with slots:
        context = await browser.new_context(viewport=VIEWPORT)
        try:
            page = await context.new_page()
            for url in urls:
                if not await _audit_page(page, url, script, tally):
                    # As Veilleur does: a tab whose page failed may be stuck or crashed.
                    await page.close()
                    page = await context.new_page()
        finally:
            await context.close()


async def audit(services: list[list[str]], concurrency: int) -> Tally:
    from playwright.async_api import async_playwright

    tally, slots, script = Tally(), asyncio.Semaphore(concurrency), _axe_script()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(), args=launch_args(), headless=True)
        try:
            await asyncio.gather(*(_audit_service(browser, urls, slots, script, tally) for urls in services))
        finally:
            await browser.close()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls-file", type=Path, required=True, help="one service per line: its page URLs")
    parser.add_argument("--concurrency", type=int, help="services audited at once (default: Veilleur's)")
    parser.add_argument("--out", type=Path, help="write the JSON here rather than to stdout")
    args = parser.parse_args(argv)
    tally = asyncio.run(audit(read_services(args.urls_file), args.concurrency or default_concurrency()))
    text = json.dumps(tally.as_json())
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
