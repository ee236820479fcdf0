"""The "could we look?" rule, the same for every check.

- No landing page, or a landing page that did not load: the check could not look → `unknown`,
  with the landing page's error as the reason.
- Presence checks (FranceConnect, JeDonneMonAvis, non-digital alternative, accessibility
  statement) each read the kinds of page where the thing can be (`ALL_PAGES`, or
  `ALL_BUT_STATEMENT` below) and are positive as soon as it is found on one of them that loaded.
  When it is found nowhere, absence is a claim that needs evidence: if any visited page of those
  kinds failed, the answer is `unknown` (the missing page may be the one that has it); otherwise
  `absent`, with one Evidence per searched page saying what was looked for, so that an auditor
  can re-check the claim.

The accessibility statement page is the one page the FranceConnect, JeDonneMonAvis and
non-digital checks do not read: it is a legal document, not where a service offers its login,
its feedback button or its desk (its template quotes the Défenseur des droits' address and
number, which are not the service's). So a dead link to the statement leaves them free to answer
`absent`; it makes the statement check itself `unknown`.
"""

from __future__ import annotations

from typing import TypeVar

from checks.models import Evidence, Finding
from probes.models import PageCapture, PageKind, ServiceCapture

F = TypeVar("F", bound=Finding)

ALL_PAGES: frozenset[PageKind] = frozenset({"landing", "login", "contact", "accessibility", "other"})
ALL_BUT_STATEMENT: frozenset[PageKind] = ALL_PAGES - {"accessibility"}


def pages_read(capture: ServiceCapture, kinds: frozenset[PageKind]) -> list[PageCapture]:
    """The loaded pages of the given kinds, in visit order."""
    return [p for p in capture.loaded_pages() if p.kind in kinds]


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


def not_found(capture: ServiceCapture, finding: type[F], looked_for: str, kinds: frozenset[PageKind],
              **details) -> F:
    """The finding when nothing was found on the loaded pages of `kinds`: `unknown` if any visited
    page of those kinds failed (naming each one and its error class), else `absent` with one
    Evidence per searched page."""
    failed = [p for p in capture.failed_pages() if p.kind in kinds]
    if failed:
        pages = "; ".join(f"{p.url} ({p.kind}) failed: {p.error_class or 'error'}" for p in failed)
        return finding(
            status="unknown",
            reason=f"not found on the pages that loaded, but cannot claim absence: {pages}",
            **details,
        )
    searched = pages_read(capture, kinds)
    return finding(
        status="absent",
        reason=f"not found on {len(searched)} loaded page(s)",
        evidence=[Evidence(page_url=page_address(p), note=f"looked for {looked_for}; none found") for p in searched],
        **details,
    )
