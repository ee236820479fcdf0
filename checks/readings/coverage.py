"""The "could we look?" rule, the same for every check.

- No landing page, or a landing page that did not load: the check could not look → `unknown`,
  with the landing page's error as the reason.
- Presence checks (FranceConnect, JeDonneMonAvis, non-digital alternative, accessibility
  statement) each read the kinds of page where the thing can be (`Scope.reads`) and are positive
  as soon as it is found on one of them that loaded.
- When it is found nowhere, absence is a claim that needs evidence from the pages where the thing
  is offered. **A failed key page blocks the absence claims of the checks for which it is such a
  page, and only those** (`Scope.blocked_by`): the answer is then `unknown`, naming each failed
  page and why; otherwise `absent`, with one Evidence per searched page saying what was looked
  for, so that an auditor can re-check the claim. Which failed page blocks which absence claim:

  | failed page | blocks the absence of |
  |---|---|
  | landing | everything (nothing can be concluded) |
  | login | FranceConnect, JeDonneMonAvis, the non-digital alternative |
  | contact (help) | JeDonneMonAvis, the non-digital alternative |
  | accessibility statement | the accessibility statement |
  | other pages | nothing |

  Why: the FranceConnect button is offered where one logs in (the landing page or the login
  page), not on a contact page. The non-digital alternative is given on the contact page and
  next to the login form ("Besoin d'aide ? Appelez le …"), the JeDonneMonAvis button on the help
  page and in the frame of the procedure that starts at the login page. The accessibility mention
  is on the landing page and the declaration on its own page; a login or contact page says
  nothing the landing page's footer does not. A failed page that blocks nothing is still named in
  the reason of an `absent` finding, so a reader sees it was not read.

A page that answered but is not the service (a firewall's refusal, a challenge, a maintenance
page, a soft 404…: probes/interruption.py) is a failed page like any other here: the probe
marks it so and audits nothing of it, and this rule names what it was instead ("page de refus
d’un pare-feu applicatif (identifiant de support …)"). Nothing is found absent or measured on it.

The accessibility statement page is the one page the FranceConnect, JeDonneMonAvis and
non-digital checks do not read: it is a legal document, not where a service offers its login,
its feedback button or its desk (its template quotes the Défenseur des droits' address and
number, which are not the service's). So a dead link to the statement leaves them free to answer
`absent`; it makes the statement check itself `unknown`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from checks.models import Evidence, Finding
from foundation import vocabulary
from probes import interruption
from probes.models import PageCapture, PageKind, ServiceCapture

F = TypeVar("F", bound=Finding)

ALL_PAGES: frozenset[PageKind] = frozenset({"landing", "login", "contact", "accessibility", "other"})
ALL_BUT_STATEMENT: frozenset[PageKind] = ALL_PAGES - {"accessibility"}


@dataclass(frozen=True)
class Scope:
    """Where a presence check looks for its thing, and which failed pages (besides the landing
    page, which stops everything) keep it from claiming that the thing is absent. Each check
    declares its own (`SCOPE` in its module), following the module's table."""

    reads: frozenset[PageKind]
    blocked_by: frozenset[PageKind]


def _scope(kinds: Scope | frozenset[PageKind]) -> Scope:
    # A bare set of kinds: every failed page of those kinds blocks (the rule before scopes).
    return kinds if isinstance(kinds, Scope) else Scope(reads=kinds, blocked_by=kinds)


def blocking_failures(capture: ServiceCapture, scope: Scope | frozenset[PageKind]) -> list[PageCapture]:
    """The failed pages that keep a check of this scope from claiming absence."""
    scope = _scope(scope)
    return [p for p in capture.failed_pages() if p.kind in scope.blocked_by or p.kind == "landing"]


def pages_read(capture: ServiceCapture, kinds: frozenset[PageKind]) -> list[PageCapture]:
    """The loaded pages of the given kinds, in visit order."""
    return [p for p in capture.loaded_pages() if p.kind in kinds]


def page_address(page: PageCapture) -> str:
    """The address the evidence points at: where the page ended up after redirects."""
    return page.final_url or page.url


def failure(page: PageCapture) -> str:
    """Why a page did not load, in words: "délai dépassé" or "erreur HTTP 404"; for a page that
    is not the service, what it is instead ("page de refus d’un pare-feu applicatif (identifiant
    de support 1234)"), which the probe recognised (probes/interruption.py)."""
    if page.error_class in interruption.KINDS:
        return page.error or vocabulary.error_class(page.error_class)
    if page.error_class:
        return vocabulary.error_class(page.error_class)
    return vocabulary.error_class(f"http_{page.http_status}" if page.http_status else None)


def named(page: PageCapture) -> str:
    """A visited page as a reader names it: "la page de connexion (https://…)"."""
    return f"{vocabulary.the_page(page.kind)} ({page.url})"


def landing_problem(capture: ServiceCapture) -> str | None:
    """Why the capture gives no ground for any finding, or None when the landing page loaded."""
    landing = capture.landing
    if landing is None:
        why = vocabulary.error_class(capture.error_class) if capture.error_class else "aucune page capturée"
        return f"La page d’accueil {capture.url} n’a pas pu être visitée ({why}) : rien ne peut être conclu."
    if landing.error_class in interruption.KINDS:
        return (f"La page d’accueil {landing.url} n’est pas le service ({failure(landing)}) : "
                f"rien ne peut en être conclu.")
    if not landing.ok:
        return f"La page d’accueil {landing.url} n’a pas pu être chargée ({failure(landing)}) : rien ne peut être conclu."
    return None


def landing_unknown(capture: ServiceCapture, finding: type[F]) -> F | None:
    """An `unknown` finding when the landing page is missing or failed, else None."""
    reason = landing_problem(capture)
    return finding(status="unknown", reason=reason) if reason else None


def _pages_phrase(n: int, one: str, other: str) -> str:
    return f"la seule page {one}" if n == 1 else f"les {vocabulary.count(n, 'page ' + one, 'pages ' + other)}"


def not_found(capture: ServiceCapture, finding: type[F], looked_for: str, scope: Scope | frozenset[PageKind],
              **details) -> F:
    """The finding when nothing was found on the loaded pages the scope reads: `unknown` if a page
    that blocks this absence failed (naming each one and why), else `absent`, explained once for
    the service ("Aucun bouton FranceConnect sur les 3 pages visitées : accueil, connexion et
    contact.") with one Evidence per searched page, and the failed pages that do not block it
    named. `looked_for` says what was sought, in French, as the sentence's start ("Aucun bouton
    FranceConnect")."""
    scope = _scope(scope)
    failed = blocking_failures(capture, scope)
    searched = pages_read(capture, scope.reads)
    if failed:
        pages = "; ".join(f"{named(p)} : {failure(p)}" for p in failed)
        return finding(
            status="unknown",
            reason=(f"{looked_for} sur {_pages_phrase(len(searched), 'chargée', 'chargées')}, "
                    f"mais l’absence ne peut être affirmée : "
                    f"{vocabulary.plural(len(failed), 'une page n’a', 'des pages n’ont')} pas pu être "
                    f"{vocabulary.plural(len(failed), 'chargée', 'chargées')} ({pages})."),
            **details,
        )
    reason = (f"{looked_for} sur {_pages_phrase(len(searched), 'visitée', 'visitées')} : "
              f"{vocabulary.pages(p.kind for p in searched)}.")
    if unread := [p for p in capture.failed_pages() if p.kind in scope.reads]:
        pages = "; ".join(f"{named(p)} : {failure(p)}" for p in unread)
        reason += (f" {vocabulary.plural(len(unread), 'Une page n’a', 'Des pages n’ont')} pas pu être "
                   f"{vocabulary.plural(len(unread), 'chargée', 'chargées')} ({pages}), mais l’absence ne se "
                   f"juge pas sur {vocabulary.plural(len(unread), 'cette page', 'ces pages')}.")
    return finding(
        status="absent",
        reason=reason,
        evidence=[Evidence(page_url=page_address(p), note=f"{vocabulary.the_page(p.kind)} lue, sans résultat")
                  for p in searched],
        **details,
    )
