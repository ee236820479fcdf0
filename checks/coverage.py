"""The "could we look?" rule, the same for every check.

- No landing page, or a landing page that did not load: the check could not look → `unknown`,
  with the landing page's error as the reason.
- Presence checks (FranceConnect, JeDonneMonAvis, non-digital alternative, accessibility
  statement) are positive as soon as the thing is found on any loaded page. When it is found
  nowhere, absence is a claim that needs evidence: if any visited page failed, the answer is
  `unknown` (the missing page may be the one that has it); otherwise `absent`, with one Evidence
  per searched page saying what was looked for, so that an auditor can re-check the claim.
"""

from __future__ import annotations

from typing import TypeVar

from checks.models import Evidence, Finding
from probes.models import PageCapture, ServiceCapture

F = TypeVar("F", bound=Finding)


def page_address(page: PageCapture) -> str:
    """The address the evidence points at: where the page ended up after redirects."""
    return page.final_url or page.url


def failure(page: PageCapture) -> str:
    """One phrase saying why a page did not load, e.g. 'timeout: Navigation timeout of 30000 ms'."""
    cause = page.error_class or (f"http_{page.http_status}" if page.http_status else "error")
    return f"{cause}: {page.error}" if page.error else cause


def landing_problem(capture: ServiceCapture) -> str | None:
    """Why the capture gives no ground for any finding, or None when the landing page loaded."""
    landing = capture.landing
    if landing is None:
        why = f"{capture.error_class}: {capture.error}" if capture.error_class and capture.error else (
            capture.error or capture.error_class or "no page was captured")
        return f"landing page {capture.url} was not captured ({why})"
    if not landing.ok:
        return f"landing page {landing.url} could not be loaded ({failure(landing)})"
    return None


def landing_unknown(capture: ServiceCapture, finding: type[F]) -> F | None:
    """An `unknown` finding when the landing page is missing or failed, else None."""
    reason = landing_problem(capture)
    return finding(status="unknown", reason=reason) if reason else None


def not_found(capture: ServiceCapture, finding: type[F], looked_for: str, **details) -> F:
    """The finding when nothing was found on the loaded pages: `unknown` if any visited page
    failed (naming each one and its error class), else `absent` with one Evidence per page."""
    failed = capture.failed_pages()
    if failed:
        pages = "; ".join(f"{p.url} ({p.kind}) failed: {p.error_class or 'error'}" for p in failed)
        return finding(
            status="unknown",
            reason=f"not found on the pages that loaded, but cannot claim absence: {pages}",
            **details,
        )
    searched = capture.loaded_pages()
    return finding(
        status="absent",
        reason=f"not found on {len(searched)} loaded page(s)",
        evidence=[Evidence(page_url=page_address(p), note=f"looked for {looked_for}; none found") for p in searched],
        **details,
    )
