"""Does the service offer FranceConnect login, and at which level (FranceConnect or FranceConnect+)?

What counts as a login button, strongest first:

1. The DSFR component: a `<button>` or `<a>` (or `[role=button]`/`<input>`) with the class
   `fr-connect` ("S’identifier avec" + "FranceConnect"). FranceConnect+ when it carries the
   `fr-connect--plus` modifier, when its text reads "FranceConnect+", or when its link goes to a
   FranceConnect+ endpoint. Hidden DSFR buttons count: sites put them in menus or dialogs that
   JavaScript hides until opened, and the component is unambiguous.
2. A link (or form) to an OpenID Connect authorize endpoint of FranceConnect:
   `app.franceconnect.gouv.fr/api/v1/authorize`, `oidc.franceconnect.gouv.fr/api/v2/authorize`,
   `auth.franceconnect.gouv.fr/…/authorize` (FranceConnect+), integration hosts under
   `dev-franceconnect.fr`. FranceConnect+ when the host is `auth.*` or `acr_values` asks for
   `eidas2`/`eidas3`.
3. Older image buttons: a link, button or `<input type=image>` showing a FranceConnect button image
   (`FCboutons-10.svg`, `franceconnect-bouton.svg`, …) or an image whose alt says
   "S'identifier avec FranceConnect".
4. A button or link whose whole text is a login phrase: "Se connecter avec FranceConnect".
5. A link (or form) to the site's own FranceConnect login route (`/auth/franceconnect`,
   `/login/france-connect`, a Keycloak broker `/realms/x/broker/franceconnect/login`), or to a
   login route that names FranceConnect as its identity provider (`?kc_idp_hint=franceconnect`,
   `?provider=france_connect`).
6. An image that a script makes clickable (`<img onclick>`, an image in a `<div>` with a click
   handler: the collector does not list those), found in the rendered DOM by the button's file
   name (`FCboutons-10.png`, `franceconnect-bouton.svg`); a bare logo (`franceconnect.svg`) does
   not count there, it illustrates information pages too.

Kinds 2–6 count only when visible. A FranceConnect+ information link ("Qu’est-ce que
FranceConnect+ ?", to franceconnect.gouv.fr/france-connect-plus) right next to a button (within a
few collected elements, as in the DSFR `fr-connect-group`) makes that button FranceConnect+.

Not FranceConnect: AgentConnect and ProConnect (same `fr-connect` class, but `fr-connect--agent` /
`fr-connect--pro`, their brand text, their hosts), prose that mentions FranceConnect, and links
to franceconnect.gouv.fr's information pages. The best level across pages wins (plus > plain).

Read on the landing, login and contact pages (not the accessibility statement): see
`checks.coverage`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from checks import urls
from checks.coverage import ALL_BUT_STATEMENT, landing_unknown, named, not_found, page_address, pages_read
from checks.dom import Image, images
from checks.evidence import MAX_EVIDENCE, from_element
from checks.models import Evidence, Finding
from checks.text import collapse, fold
from foundation.tones import Tone
from probes.models import Element, Form, ImageRef, PageCapture, ServiceCapture

PLAIN, PLUS = 1, 2
STATUS = {PLAIN: "franceconnect", PLUS: "franceconnect_plus"}

LOOKED_FOR = "Aucun bouton FranceConnect (bouton DSFR, image du bouton, lien vers FranceConnect)"

# Identity federations that reuse the DSFR `fr-connect` component but are not FranceConnect.
_OTHER_BRANDS = re.compile(r"agent ?connect|pro ?connect|moncomptepro|mon compte pro|inclusion ?connect|edu ?connect")
_OTHER_MODIFIERS = ("fr-connect--agent", "fr-connect--pro", "fr-connect--agentconnect", "fr-connect--proconnect")
_OTHER_DOMAINS = ("agentconnect.gouv.fr", "proconnect.gouv.fr", "moncomptepro.beta.gouv.fr",
                  "inclusion.beta.gouv.fr")

_FC_DOMAINS = ("franceconnect.gouv.fr", "dev-franceconnect.fr")
_PLUS_ACR = re.compile(r"\beidas[23]\b", re.I)
_PLUS_TEXT = re.compile(r"france ?connect ?(\+|plus\b)")

# File names of the official button images, old and new.
_BUTTON_FILE = (r"fc-?boutons?[-_.@]|france-?connect[-_]?(plus[-_]?)?(bouton|btn|button)"
                r"|(bouton|btn|button)[-_]?(france-?connect|fcp?)(?![a-z])|^fcp?[-_](plus[-_])?(bouton|btn|button)")
_BUTTON_IMAGE = re.compile(_BUTTON_FILE + r"|^france-?connect[-_]?(plus)?\.(svg|png)$")
_CLICKABLE_IMAGE = re.compile(_BUTTON_FILE)
_LOGIN_PHRASE = (r"(s'identifier|se connecter|connexion|je me connecte|connectez-vous|identifiez-vous"
                 r"|s'inscrire|creer (un|mon) compte|continuer|login|sign in|log in)\s+(avec|via|par|with)\s+")
_LOGIN_ALT = re.compile(_LOGIN_PHRASE + r"france ?connect")
_LOGIN_TEXT = re.compile(r"^" + _LOGIN_PHRASE + r"france ?connect ?(\+|plus)?$")
_FC_WORD = re.compile(r"france[-_ ]?connect")
_LOGIN_SEGMENTS = {"login", "connexion", "auth", "oauth", "oauth2", "oidc", "authorize", "authorization",
                   "signin", "sign_in", "sign-in", "sso", "openid", "authentification", "authentication",
                   "identification", "session", "sessions"}
_LOGIN_IN_SEGMENT = re.compile(r"login|connexion|auth|oidc|callback|signin")
_INFO_SEGMENTS = {"aide", "help", "faq", "actualites", "news", "blog", "article", "articles", "questions",
                  "comment-ca-marche", "en-savoir-plus", "qu-est-ce-que-franceconnect"}
# Query parameters that name the identity provider of a login route (Keycloak, OmniAuth, …).
_IDP_PARAMS = ("kc_idp_hint", "idp", "idp_hint", "provider", "identity_provider", "strategy", "connection")
_ACTIONABLE = {"a", "button", "input"}


@dataclass(frozen=True)
class Hit:
    level: int
    page: PageCapture
    why: str
    element: Element | None = None
    form: Form | None = None
    index: int = -1  # position in page.elements, for "next to"

    def evidence(self) -> Evidence:
        if self.element is not None:
            return from_element(self.page, self.element, note=self.why)
        assert self.form is not None
        return Evidence(page_url=page_address(self.page), selector=self.form.selector, excerpt=self.form.action,
                        note=self.why)


def _label(element: Element) -> str:
    """Everything a user (or a screen reader) is told about the element, folded."""
    parts = [element.text, element.attrs.get("aria-label", ""), element.attrs.get("title", ""),
             element.attrs.get("value", "") if element.tag == "input" else ""]
    return collapse(fold(" ".join(parts)))


def _is_actionable(element: Element) -> bool:
    return element.tag in _ACTIONABLE or element.attrs.get("role", "").lower() == "button"


def _is_other_federation(element: Element) -> bool:
    if any(m in element.classes for m in _OTHER_MODIFIERS):
        return True
    if _OTHER_BRANDS.search(_label(element)):
        return True
    if any(urls.on_domain(element.href, d) for d in _OTHER_DOMAINS if element.href):
        return True
    return any(_OTHER_BRANDS.search(fold(i.src + " " + i.alt)) for i in element.images)


def authorize_level(url: str) -> int | None:
    """The level of a FranceConnect OpenID Connect authorize URL, or None for any other URL."""
    if urls.scheme(url) not in ("http", "https"):
        return None
    host = urls.host(url)
    if not any(urls.host_on_domain(host, d) for d in _FC_DOMAINS):
        return None
    if "authorize" not in urls.path(url).lower():
        return None
    if host.startswith("auth."):
        return PLUS
    if any(_PLUS_ACR.search(v) for v in urls.query(url).get("acr_values", [])):
        return PLUS
    return PLAIN


def _is_info_link(url: str) -> bool:
    """A link to franceconnect.gouv.fr that is not an authorize endpoint: an information page."""
    return any(urls.on_domain(url, d) for d in _FC_DOMAINS) and authorize_level(url) is None


def _is_plus_info_link(element: Element) -> bool:
    if element.tag != "a" or not _is_info_link(element.href):
        return False
    return "france-connect-plus" in urls.path(element.href).lower() or bool(_PLUS_TEXT.search(_label(element)))


def _urls_of(element: Element) -> list[str]:
    """The element's link and any URL held in a data-* attribute (JS-driven buttons)."""
    found = [element.href] if element.href else []
    found += [v for k, v in element.attrs.items() if k.startswith("data-") and v.startswith("http")]
    return found


def _segments(url: str) -> list[str]:
    return [s for s in fold(urls.path(url)).split("/") if s]


def _is_login_path(url: str) -> bool:
    """Whether a URL path has a login-ish segment (/login, /auth/…, /oidc/…)."""
    return any(w in _LOGIN_SEGMENTS for s in _segments(url) for w in [s, *re.split(r"[-._]", s)])


def _own_login_route(url: str) -> int | None:
    """A same-site route that starts a FranceConnect login, e.g. /auth/franceconnect."""
    if urls.scheme(url) not in ("http", "https") or any(urls.on_domain(url, d) for d in _FC_DOMAINS):
        return None
    segments = _segments(url)
    fc = [s for s in segments if _FC_WORD.search(s)]
    if not fc:
        return None
    others = set(segments) - set(fc)
    if others & _INFO_SEGMENTS:
        return None  # e.g. /aide/franceconnect
    if not (others & _LOGIN_SEGMENTS or any(_LOGIN_IN_SEGMENT.search(s) for s in fc)):
        return None  # a page about FranceConnect, not a login route
    plus = any(_PLUS_TEXT.search(re.sub(r"[-_.]", " ", s)) for s in fc)
    return PLUS if plus else PLAIN


def _idp_login_route(url: str) -> int | None:
    """A login route that names FranceConnect as its identity provider (`?kc_idp_hint=franceconnect`)."""
    if urls.scheme(url) not in ("http", "https") or any(urls.on_domain(url, d) for d in _FC_DOMAINS):
        return None
    query = urls.query(url)
    named = [fold(v) for name in _IDP_PARAMS for v in query.get(name, [])]
    if not any(_FC_WORD.search(v) for v in named):
        return None
    plus = any(_PLUS_TEXT.search(re.sub(r"[-_.]", " ", v)) for v in named)
    return PLUS if plus else PLAIN


def route_level(url: str) -> int | None:
    """The level of a same-site FranceConnect login route, or None."""
    return _own_login_route(url) or _idp_login_route(url)


def _is_help_link(element: Element) -> bool:
    return element.tag == "a" and bool(set(_segments(element.href)) & _INFO_SEGMENTS)


def classify(element: Element) -> tuple[int, str] | None:
    """(level, why) when the element is a FranceConnect login button, else None."""
    if element.tag in ("script", "iframe") or _is_other_federation(element):
        return None
    label = _label(element)
    link_level = max((lvl for u in _urls_of(element) if (lvl := authorize_level(u))), default=None)

    # 1. DSFR component (counts even when hidden).
    if "fr-connect" in element.classes and _is_actionable(element):
        if "fr-connect--plus" in element.classes:
            return PLUS, "bouton FranceConnect+ du DSFR (.fr-connect--plus)"
        if _PLUS_TEXT.search(label):
            return PLUS, "bouton FranceConnect du DSFR dont la marque indique FranceConnect+"
        if link_level == PLUS:
            return PLUS, "bouton FranceConnect du DSFR menant à l’autorisation FranceConnect+"
        return PLAIN, "bouton FranceConnect du DSFR (.fr-connect)"

    if not element.visible:
        return None

    # 2. Authorize endpoint.
    if link_level is not None:
        what = "FranceConnect+" if link_level == PLUS else "FranceConnect"
        return link_level, f"lien vers l’autorisation {what}"

    if not _is_actionable(element) or _is_info_link(element.href):
        return None

    # 3. Button image. The button's own file names and "S'identifier avec FranceConnect" alts count
    # on any control; a bare logo or an alt that only names FranceConnect counts on a button, or on
    # a link to a login route (not on, say, a news thumbnail linking to an article).
    if _is_help_link(element):
        return None
    for image in element.images:
        name, alt = urls.file_name(image.src), collapse(fold(image.alt))
        to_login = element.tag != "a" or _is_login_path(element.href) or route_level(element.href) is not None
        named = (_FC_WORD.search(alt) or _BUTTON_IMAGE.search(name)) and to_login
        if _CLICKABLE_IMAGE.search(name) or _LOGIN_ALT.search(alt) or named:
            plus = bool(re.search(r"plus|fcp", name) or _PLUS_TEXT.search(alt))
            return (PLUS if plus else PLAIN), f"image du bouton FranceConnect{'+' if plus else ''} ({name or alt})"

    # 4. Login phrase as the whole label.
    # (Anchored: "Comment se connecter avec FranceConnect ?" is a FAQ accordion, not a login.)
    if _LOGIN_TEXT.match(label):
        plus = bool(_PLUS_TEXT.search(label))
        return (PLUS if plus else PLAIN), f"bouton intitulé « {collapse(element.text or label)[:80]} »"

    # 5. The site's own FranceConnect login route.
    if element.tag == "a" and (route := route_level(element.href)) is not None:
        return route, "lien vers la connexion FranceConnect du site"
    return None


def _clickable_image(page: PageCapture, image: Image) -> Hit | None:
    """A FranceConnect button image outside any link, button or form (kind 6)."""
    name = urls.file_name(image.src)
    if image.in_control or image.hidden or not _CLICKABLE_IMAGE.search(name):
        return None
    if _OTHER_BRANDS.search(fold(image.src + " " + image.alt)):
        return None
    plus = bool(re.search(r"plus|fcp", name) or _PLUS_TEXT.search(collapse(fold(image.alt))))
    element = Element(tag="img", selector=image.selector, attrs={"src": image.src, "alt": image.alt},
                      images=[ImageRef(src=image.src, alt=image.alt)], html=image.html)
    return Hit(PLUS if plus else PLAIN, page, f"image cliquable du bouton FranceConnect{'+' if plus else ''} ({name})",
               element=element)


def _page_hits(page: PageCapture) -> list[Hit]:
    hits: list[Hit] = []
    for index, element in enumerate(page.elements):
        found = classify(element)
        if found:
            hits.append(Hit(found[0], page, found[1], element=element, index=index))
    for form in page.forms:
        if level := authorize_level(form.action):
            hits.append(Hit(level, page, "formulaire envoyé à l’autorisation FranceConnect", form=form))
        elif level := route_level(form.action):
            hits.append(Hit(level, page, "formulaire envoyé à la connexion FranceConnect du site", form=form))
    if not hits:
        hits += [hit for image in images(page) if (hit := _clickable_image(page, image))]

    # A "Qu'est-ce que FranceConnect+ ?" link next to a plain button makes it FranceConnect+.
    plus_links = [i for i, e in enumerate(page.elements) if _is_plus_info_link(e)]
    upgraded = []
    for hit in hits:
        if hit.level == PLAIN and hit.index >= 0 and any(abs(i - hit.index) <= 5 for i in plus_links):
            hit = Hit(PLUS, page, hit.why + ", à côté du lien « Qu’est-ce que FranceConnect+ ? »",
                      element=hit.element, index=hit.index)
        upgraded.append(hit)
    return upgraded


class FranceConnectFinding(Finding):
    check: ClassVar[str] = "franceconnect"
    statuses: ClassVar[tuple[str, ...]] = ("franceconnect", "franceconnect_plus", "absent", "unknown")
    label: ClassVar[str] = "FranceConnect"
    short_label: ClassVar[str] = "FC"
    tones: ClassVar[Mapping[str, Tone]] = {"franceconnect": Tone.GOOD, "franceconnect_plus": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 10


FINDING = FranceConnectFinding

def check(capture: ServiceCapture) -> FranceConnectFinding:
    if unknown := landing_unknown(capture, FranceConnectFinding):
        return unknown
    hits = [hit for page in pages_read(capture, ALL_BUT_STATEMENT) for hit in _page_hits(page)]
    if not hits:
        return not_found(capture, FranceConnectFinding, LOOKED_FOR, ALL_BUT_STATEMENT)
    best = max(hit.level for hit in hits)
    decisive = [hit for hit in hits if hit.level == best]
    # Visible buttons first: they are what a user sees.
    decisive.sort(key=lambda h: not (h.element.visible if h.element else True))
    first = decisive[0]
    return FranceConnectFinding(
        status=STATUS[best],
        reason=f"Trouvé sur {named(first.page)} : {first.why}.",
        evidence=[hit.evidence() for hit in decisive[:MAX_EVIDENCE]],
    )
