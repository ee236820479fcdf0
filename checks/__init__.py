"""Checks: pure functions from a ServiceCapture to typed findings, each with its evidence.

Never imports Playwright: every detector runs on saved captures. A check is one module of this
package defining `FINDING` (its Finding subclass: statuses, fields, how it is shown, and what it
means: the order of its statuses, the indicators it feeds, its regression rule, its advice, where
its element is) and `check(capture) -> Finding`, and, for a presence check, its `SCOPE` (which
failed pages block its absence claims, checks/readings/coverage.py). The registry below finds
every such module, so adding a check is adding its file (and its tests). Every screen, command,
indicator and alert reads the checks from here.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from checks.models import Feed, Finding
from checks.readings.coverage import Scope
from checks.readings.memo import one_run
from probes.models import ServiceCapture

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    finding: type[Finding]
    decide: Callable[[ServiceCapture], Finding]
    scope: Scope | None = None

    @property
    def id(self) -> str:
        return self.finding.check

    def __call__(self, capture: ServiceCapture) -> Finding:
        return self.decide(capture)


CHECKS: dict[str, Check] = {}


def register(finding: type[Finding], decide: Callable[[ServiceCapture], Finding], scope: Scope | None = None) -> Check:
    """Add a check to the registry, in its place (`Finding.position`)."""
    check = Check(finding, decide, scope)
    entries = [c for c in CHECKS.values() if c.id != check.id] + [check]
    CHECKS.clear()
    CHECKS.update((c.id, c) for c in sorted(entries, key=lambda c: (c.finding.position, c.id)))
    return check


def unregister(check_id: str) -> None:
    CHECKS.pop(check_id, None)


def _discover() -> None:
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        finding, decide = getattr(module, "FINDING", None), getattr(module, "check", None)
        if isinstance(finding, type) and issubclass(finding, Finding) and callable(decide):
            scope = getattr(module, "SCOPE", None)
            register(finding, decide, scope if isinstance(scope, Scope) else None)


def check_ids() -> tuple[str, ...]:
    return tuple(CHECKS)


def finding_types() -> dict[str, type[Finding]]:
    return {check_id: check.finding for check_id, check in CHECKS.items()}


def finding_type(check_id: str) -> type[Finding]:
    """The Finding type of a check; a check no longer registered reads as a plain Finding, so
    that stored findings of a retired check still show."""
    check = CHECKS.get(check_id)
    return check.finding if check else Finding


def indicator_feeds() -> list[tuple[str, Feed]]:
    """Every indicator a registered check feeds, with the check's id, in the indicators' order."""
    feeds = [(check_id, feed) for check_id, check in CHECKS.items() for feed in check.finding.indicators]
    return sorted(feeds, key=lambda entry: (entry[1].spec.position, entry[1].spec.key))


def watched_checks() -> list[type[Finding]]:
    """The checks whose regressions raise incidents, in the registry's order."""
    return [check.finding for check in CHECKS.values() if check.finding.watched]


def finding_from_stored(check: str, status: str, reason: str | None, details: dict, evidence: list) -> Finding:
    """Rebuild a typed finding from its stored columns."""
    return finding_type(check)(status=status, reason=reason, evidence=evidence, **details)


def run_checks(capture: ServiceCapture) -> dict[str, Finding]:
    """All findings for one capture, keyed by check id in the registry's order.

    A check that crashes on an unexpected page gives `unknown` (it could not decide) instead of
    losing the other findings of the run; the crash is logged with its traceback."""
    findings: dict[str, Finding] = {}
    # Checks read the same pages: what several of them work out from one page is done once.
    with one_run():
        for check_id, check in CHECKS.items():
            try:
                findings[check_id] = check.decide(capture)
            except Exception as exc:  # noqa: BLE001 - one detector's bug must not sink the run
                log.exception("check %s failed on %s", check_id, capture.url)
                findings[check_id] = check.finding(status="unknown", reason=f"La vérification a échoué sur une erreur de Veilleur ({type(exc).__name__}) : rien n’est conclu.")
    return findings


_discover()

__all__ = ["CHECKS", "Check", "check_ids", "finding_from_stored", "finding_type", "finding_types", "indicator_feeds",
           "register", "run_checks", "unregister", "watched_checks"]
