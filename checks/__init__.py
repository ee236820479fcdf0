"""Checks: pure functions from a ServiceCapture to typed findings, each with its evidence.

Never imports Playwright: every detector runs on saved captures. One module per check, each
exposing `check(capture) -> Finding`; `run_checks` runs them all, keyed by check id in the order
of `checks.models.CHECK_IDS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from checks import (
    accessibility,
    accessibility_statement,
    franceconnect,
    jedonnemonavis,
    non_digital_alternative,
    readability,
)
from checks.models import CHECK_IDS, FINDING_TYPES, Finding
from probes.models import ServiceCapture

CHECKS: dict[str, Callable[[ServiceCapture], Finding]] = {
    "franceconnect": franceconnect.check,
    "jedonnemonavis": jedonnemonavis.check,
    "non_digital_alternative": non_digital_alternative.check,
    "accessibility": accessibility.check,
    "accessibility_statement": accessibility_statement.check,
    "readability": readability.check,
}
assert set(CHECKS) == set(CHECK_IDS), "every check id needs its module"


log = logging.getLogger(__name__)


def run_checks(capture: ServiceCapture) -> dict[str, Finding]:
    """All findings for one capture, keyed by check id in the order of CHECK_IDS.

    A check that crashes on an unexpected page gives `unknown` (it could not decide) instead of
    losing the other findings of the run; the crash is logged with its traceback."""
    findings: dict[str, Finding] = {}
    for check_id in CHECK_IDS:
        try:
            findings[check_id] = CHECKS[check_id](capture)
        except Exception as exc:  # noqa: BLE001 - one detector's bug must not sink the run
            log.exception("check %s failed on %s", check_id, capture.url)
            findings[check_id] = FINDING_TYPES[check_id](
                status="unknown", reason=f"the check failed: {type(exc).__name__}: {exc}")
    return findings


__all__ = ["CHECKS", "run_checks"]
