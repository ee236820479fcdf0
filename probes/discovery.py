"""Choosing the key pages of a service (login, contact/help, accessibility) from its landing links.

Each kind has its words (in the link's text, title, aria-label and image alts) and its path
segments; the best-scoring same-site link of each kind is visited, the first in document order
on a tie. Never visited: log-out links, downloads, and links that start a login through an
identity federation — FranceConnect's button (`.fr-connect`, a name or an address naming
FranceConnect, AgentConnect, ProConnect…) and OAuth/OpenID Connect authorize endpoints. Those
lead to the federation's authorize page (off the site, or an error on a copy of the site), never
to a page of the service; visited as "the login page", their failure would keep the checks from
concluding anything the login page decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urlsplit

from probes.models import Element, PageKind
from probes.site import same_site


def _fold(text: str) -> str:
    """Lowercase without accents or typographic apostrophes, so that 'Accessibilité' and
    'accessibilite', 'S’identifier' and "s'identifier" compare equal."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("\u00a0", " "))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class KindRule:
    kind: PageKind
    words: tuple[str, ...]
    paths: tuple[str, ...]


# In the order pages are visited when fewer than all can be.
RULES: tuple[KindRule, ...] = (
    KindRule(
        "login",
        ("se connecter", "connexion", "mon compte", "espace personnel", "mon espace", "s'identifier",
         "identifiez-vous", "s'authentifier", "creer un compte", "login", "sign in"),
        ("connexion", "login", "signin", "sign-in", "mon-compte", "moncompte", "compte", "espace-personnel",
         "mon-espace", "auth", "identification"),
    ),
    KindRule(
        "contact",
        ("nous contacter", "contactez-nous", "contact", "nous joindre", "besoin d'aide", "aide", "assistance",
         "nous ecrire", "help"),
        ("contact", "nous-joindre", "aide", "help", "assistance", "support", "faq"),
    ),
    KindRule(
        "accessibility",
        ("declaration d'accessibilite", "accessibilite", "accessibility"),
        ("accessibilite", "accessibility", "declaration-accessibilite", "a11y"),
    ),
)

_EXCLUDED_WORDS = ("deconnexion", "se deconnecter", "logout", "log out", "sign out")
# Identity federations whose login button is a link: by name, and in an address.
_FEDERATION_NAME = re.compile(r"france ?connect|agent ?connect|pro ?connect|edu ?connect|inclusion ?connect"
                              r"|mon ?compte ?pro")
_FEDERATION_URL = re.compile(r"france[-_ ]?connect|agent[-_ ]?connect|pro[-_ ]?connect|(?:^|/)authorize(?:/|$|\?)")
_DOWNLOAD_EXT = re.compile(r"\.(pdf|docx?|xlsx?|odt|ods|zip|rar|7z|csv|xml|json|png|jpe?g|gif|svg|mp4|mp3)$", re.I)


@dataclass(frozen=True)
class KeyPage:
    url: str
    kind: PageKind
    reason: str


def _score(rule: KindRule, text: str, path: str) -> int:
    score = 0
    if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", text) for w in rule.words):
        score += 10
        if any(text == w for w in rule.words):
            score += 2
    segments = [s for s in re.split(r"[/._?=&-]+", path) if s]
    if any(p in segments or f"/{p}" in path for p in rule.paths):
        score += 5
    return score


def _starts_federated_login(link: Element, text: str, path: str) -> bool:
    """A FranceConnect (or other federation) login button, or a link to an authorize endpoint."""
    if any(c.startswith("fr-connect") for c in link.classes):
        return True
    return bool(_FEDERATION_NAME.search(text) or _FEDERATION_URL.search(unquote(path)))


def discover_key_pages(landing_url: str, links: list[Element], limit: int) -> list[KeyPage]:
    """The best same-site link for each kind of key page, at most `limit` pages in all."""
    if limit <= 0:
        return []
    landing = urldefrag(landing_url)[0]
    best: dict[PageKind, tuple[int, int, KeyPage]] = {}
    for order, link in enumerate(links):
        href = urldefrag(link.href)[0]
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or href == landing or not same_site(href, landing_url):
            continue
        if _DOWNLOAD_EXT.search(parts.path):
            continue
        text = _fold(" ".join(filter(None, (link.text, link.attrs.get("title", ""), link.attrs.get("aria-label", ""),
                                            *(i.alt for i in link.images)))))
        if any(w in text for w in _EXCLUDED_WORDS):
            continue
        path = _fold(parts.path + ("?" + parts.query if parts.query else ""))
        if _starts_federated_login(link, text, path):
            continue
        for rule in RULES:
            score = _score(rule, text, path)
            if score == 0:
                continue
            current = best.get(rule.kind)
            # Higher score wins; on a tie, the first link in document order.
            if current is None or score > current[0]:
                best[rule.kind] = (score, order, KeyPage(href, rule.kind, f"link “{link.text[:80]}”"))
    chosen: list[KeyPage] = []
    seen: set[str] = set()
    for rule in RULES:
        if rule.kind in best and best[rule.kind][2].url not in seen:
            page = best[rule.kind][2]
            chosen.append(page)
            seen.add(page.url)
    return chosen[:limit]
