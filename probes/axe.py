"""Running axe-core in a page, bounded in time, keeping the full JSON as evidence."""

from __future__ import annotations

import asyncio
import json
from functools import lru_cache
from pathlib import Path

from probes.axe_locale import french_locale
from probes.models import AxeNode, AxeOutcome, AxeViolation


@lru_cache(maxsize=1)
def axe_source() -> str:
    # axe-playwright-python ships the axe-core bundle; we inject it ourselves so that the run is
    # bounded by our own timeout and its options are ours.
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


# Every node of the violations and of the "incomplete" results (to be reviewed by a person); the
# passes and inapplicable rules are still listed, with one example node each, which keeps the run
# fast on large pages.
RUN_OPTIONS = {"resultTypes": ["violations", "incomplete"]}
# `axe_rules = "rgaa"`: only the rules axe-core tags as testing an RGAA 4 criterion (about two
# thirds of them), for less axe time per page and a smaller JSON to keep.
RGAA_ONLY = {"runOnly": {"type": "tag", "values": ["RGAAv4"]}}


def run_options(rules: str = "all") -> dict:
    return {**RUN_OPTIONS, **RGAA_ONLY} if rules == "rgaa" else RUN_OPTIONS


def _rule_results(items: list | None) -> list[AxeViolation]:
    return [
        AxeViolation(
            id=v.get("id", ""),
            impact=v.get("impact"),
            tags=list(v.get("tags") or []),
            help=v.get("help") or "",
            help_url=v.get("helpUrl") or "",
            nodes=[
                AxeNode(
                    target=[t if isinstance(t, str) else json.dumps(t) for t in (n.get("target") or [])],
                    html=(n.get("html") or "")[:1000],
                    failure_summary=(n.get("failureSummary") or "")[:1000],
                )
                for n in (v.get("nodes") or [])
            ],
        )
        for v in items or []
    ]


def outcome_from_results(results: dict) -> AxeOutcome:
    return AxeOutcome(
        version=(results.get("testEngine") or {}).get("version"),
        violations=_rule_results(results.get("violations")),
        needs_review=_rule_results(results.get("incomplete")),
        passes=len(results.get("passes") or []),
        incomplete=len(results.get("incomplete") or []),
        raw_json=json.dumps(results, ensure_ascii=False, sort_keys=True).encode("utf-8"),
    )


# The phone pass (probes/mobile.py) asks one rule at the phone's width.
TARGET_SIZE = "target-size"


def rule_options(rule: str) -> dict:
    return {**RUN_OPTIONS, "runOnly": {"type": "rule", "values": [rule]}}


async def run_axe(page, timeout_s: float, rules: str = "all") -> AxeOutcome:
    return await _bounded_run(_run(page, run_options(rules)), timeout_s)


async def run_axe_rule(page, timeout_s: float, rule: str) -> AxeOutcome:
    """One rule, run again in a page where run_axe() already ran: the axe-core it injected there
    is used again (a rule disabled by default runs too when asked by name, as target-size is)."""
    return await _bounded_run(_rerun(page, rule_options(rule)), timeout_s)


async def _bounded_run(run, timeout_s: float) -> AxeOutcome:
    try:
        results = await asyncio.wait_for(run, timeout=timeout_s)
    except asyncio.TimeoutError:
        return AxeOutcome(error="timeout")
    except Exception as exc:  # a page can break axe in many ways; that is a result, not a crash
        return AxeOutcome(error=f"axe failed: {str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__}")
    return outcome_from_results(results)


def _configure() -> str:
    # In French when setup fetched axe-core's locale: rule titles and help are read by people.
    locale = french_locale()
    return f" window.axe.configure({{locale: {locale}}});" if locale else ""


@lru_cache(maxsize=1)
def loader_script() -> str:
    """An init script (probes/page.py installs it once per tab) that holds our axe-core, not yet
    run: `window.__veilleurAxeLoad()` runs it in the page when an audit asks for it.

    Sent to the browser once per tab instead of once per page: half a megabyte of source through
    Playwright's driver at every page held the event loop on a full pipe for 85 ms a page, and
    cost the driver as much CPU again (bench/). The body is only pre-parsed where it is not called
    (frames, pages whose audit is kept); only the top document gets the loader."""
    return (
        "(() => {\n"
        "  if (window.top !== window || Object.getOwnPropertyDescriptor(window, '__veilleurAxeLoad')) return;\n"
        "  Object.defineProperty(window, '__veilleurAxeLoad', {value: function () {\n"
        + axe_source() + "\n;" + _configure() + " return window.axe; }});\n"
        "})();"
    )


# Our own axe-core, run at every page even where the page defines `window.axe` itself: a page must
# not be able to answer for axe. It comes from the tab's loader (loader_script), or, in a page
# without it, with the call itself (the whole source, in one round trip). Kept where the page
# cannot replace it, for a second run in the same document (the phone pass). The results come back
# as one JSON string (see QUIET_UI_JS's stringify): much cheaper to carry than a large object,
# which Playwright serialises value by value.
_KEEP_AND_RUN = (
    " if (!Object.getOwnPropertyDescriptor(window, '__veilleurAxe'))"
    "   Object.defineProperty(window, '__veilleurAxe', {value: axe});"
    " const results = await axe.run(document, options);"
    " return (window.__veilleurStringify || JSON.stringify)(results); }"
)

_LOADED_RUN = (
    "async (options) => { const load = window.__veilleurAxeLoad;"
    " if (typeof load !== 'function') return null;"
    " const axe = load();" + _KEEP_AND_RUN
)


@lru_cache(maxsize=1)
def _run_script() -> str:
    return "async (options) => {\n" + axe_source() + "\n;" + _configure() + " const axe = window.axe;" + _KEEP_AND_RUN


_RERUN_SCRIPT = """async (options) => {
  const axe = window.__veilleurAxe;
  if (!axe) return null;
  return (window.__veilleurStringify || JSON.stringify)(await axe.run(document, options));
}"""


async def _run(page, options: dict) -> dict:
    answer = await page.evaluate(_LOADED_RUN, options)
    # No loader of ours in this document (a page opened without it): the source comes with the call.
    return json.loads(answer) if isinstance(answer, str) else json.loads(await page.evaluate(_run_script(), options))


async def _rerun(page, options: dict) -> dict:
    answer = await page.evaluate(_RERUN_SCRIPT, options)
    # No axe of ours in this document (it navigated since, or axe never ran): run it afresh.
    return json.loads(answer) if isinstance(answer, str) else await _run(page, options)
