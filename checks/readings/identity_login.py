"""Which controls of a page are FranceConnect login buttons, and at which level (FranceConnect or FranceConnect+).

Shared by the FranceConnect check (is it offered?), the online-procedure check (a login to the
personal space) and the DLNUF check (an identity the administration already holds).

What counts as a login button, strongest first:

1. The DSFR component: a `<button>` or `<a>` (or `[role=button]`/`<input>`) with the class
   `fr-connect` ("S’identifier avec" + "FranceConnect"). FranceConnect+ when it carries the
   `fr-connect--plus` modifier, when its text reads "FranceConnect+", or when its link goes to a
   FranceConnect+ endpoint.
2. A link (or form) to an OpenID Connect authorize endpoint of FranceConnect:
   `app.franceconnect.gouv.fr/api/v1/authorize`, `oidc.franceconnect.gouv.fr/api/v2/authorize`,
   `auth.franceconnect.gouv.fr/…/authorize` (FranceConnect+), integration hosts under
   `dev-franceconnect.fr`. FranceConnect+ when the host is `auth.*` or `acr_values` asks for
   `eidas2`/`eidas3`.
3. Older image buttons: a link, button or `<input type=image>` showing a FranceConnect button image
   (`FCboutons-10.svg`, `franceconnect-bouton.svg`, …) or an image whose alt says
   "S'identifier avec FranceConnect".
4. A button or link one of whose names is, as a whole, a login phrase: "Se connecter avec
   FranceConnect". Its names are what a person or a screen reader is told: the visible text, the
   accessible name (`aria-labelledby`, `aria-label`, the alt of its images, the `<title>` of an
   inline SVG whose words are drawn as paths, the label of a button nested in the link), the
   `title`; each without what is added for a new window ("(nouvelle fenêtre)", "- nouvel
   onglet"), so that a `title` repeating the text does not hide it.
5. A link (or form) to the site's own FranceConnect login route (`/auth/franceconnect`,
   `/login/france-connect`, a Keycloak broker `/realms/x/broker/franceconnect/login`), or to a
   login route that names FranceConnect as its identity provider (`?kc_idp_hint=franceconnect`,
   `?provider=france_connect`).
6. A control without visible text whose name is the brand alone ("FranceConnect", "Logo
   FranceConnect+"): an empty button whose image comes from CSS, an SVG titled "FranceConnect", a
   `<button aria-label="FranceConnect">` inside a link — on a button, or on a link to a login
   route. The brand as visible text is a heading or a FAQ accordion, not a login button.
7. An image that a script makes clickable (`<img onclick>`, an image in a `<div>` with a click
   handler: the collector does not list those), found in the rendered DOM by the button's file
   name (`FCboutons-10.png`, `franceconnect-bouton.svg`); a bare logo (`franceconnect.svg`) does
   not count there, it illustrates information pages too.

Every kind counts only when it is offered (`checks.readings.offered`): shown, or in a menu, a modal, an
accordion or a `<details>` that a control of the page opens. A button hidden for good — the
`hidden` attribute or a stylesheet's `display: none` that no control undoes, often beside "la
connexion avec FranceConnect est momentanément indisponible", or in a `<template>` — is not
offered, DSFR component or not. A FranceConnect+ information link ("Qu’est-ce que
FranceConnect+ ?", to franceconnect.gouv.fr/france-connect-plus) right next to a button (within a
few collected elements, as in the DSFR `fr-connect-group`) makes that button FranceConnect+.

Not FranceConnect: AgentConnect and ProConnect (same `fr-connect` class, but `fr-connect--agent` /
`fr-connect--pro`, their brand text, their hosts), prose that mentions FranceConnect, and links
to franceconnect.gouv.fr's information pages. The best level across pages wins (plus > plain).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from checks import urls
from checks.models import Evidence
from checks.readings.coverage import page_address
from checks.readings.dom import Image, accessible_name, images, node_of
from checks.readings.evidence import from_element
from checks.readings.memo import alike, per_run
from checks.readings.offered import Offering, offering_of
from checks.readings.text import collapse, fold
from probes.models import Element, Form, ImageRef, PageCapture

PLAIN, PLUS = 1, 2
STATUS = {PLAIN: "franceconnect", PLUS: "franceconnect_plus"}

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
# A name that says only the brand ("FranceConnect", "Logo FranceConnect+").
_BRAND_ONLY = re.compile(r"^(?:(?:logo|bouton|icone) )?france ?connect ?(\+|plus)?$")
# What names add for screen readers, after what the control does: "(nouvelle fenêtre)".
_NEW_WINDOW = re.compile(r"\s*[-,:(]?\s*\(?\s*(?:lien externe|(?:(?:s'ouvre|ouvre|ouverture) )?(?:(?:dans|en) )?"
                         r"(?:une )?nouvel(?:le)? (?:fenetre|onglet))\s*\)?\s*$")
_FC_WORD = re.compile(r"france[-_ ]?connect")
_WORD_SEPARATOR = re.compile(r"[-._]")
_PLUS_FILE = re.compile(r"plus|fcp")
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


@dataclass(frozen=True)
class Name:
    said: str  # as written, whitespace collapsed
    folded: str  # folded, without "(nouvelle fenêtre)"


def _names(element: Element, node=None) -> list[Name]:
    """Each thing a user or a screen reader is told about the element: its accessible name (from
    `aria-labelledby`, `aria-label`, the alt of its images, the `<title>` of an inline SVG whose
    words are drawn as paths, a nested button's label), its visible text, its `aria-label`, its
    `title`, an input's value."""
    parts = [accessible_name(node) if node is not None else "", element.text, element.attrs.get("aria-label", ""),
             element.attrs.get("title", ""), element.attrs.get("value", "") if element.tag == "input" else ""]
    names: list[Name] = []
    for part in parts:
        said = collapse(part)
        if not said or said in (n.said for n in names):
            continue
        folded = collapse(fold(part))
        # Any `_NEW_WINDOW` match holds one of these words, and the regex is slow on long texts.
        if "nouvel" in folded or "lien externe" in folded:
            folded = _NEW_WINDOW.sub("", folded)
        if folded and folded not in (n.folded for n in names):
            names.append(Name(said, folded))
    return names


def _is_actionable(element: Element) -> bool:
    return element.tag in _ACTIONABLE or element.attrs.get("role", "").lower() == "button"


def _is_other_federation(element: Element, label: str, classes: list[str]) -> bool:
    if any(m in classes for m in _OTHER_MODIFIERS):
        return True
    if _OTHER_BRANDS.search(label):
        return True
    if (href := element.href) and any(urls.on_domain(href, d) for d in _OTHER_DOMAINS):
        return True
    return any(_OTHER_BRANDS.search(fold(i.src + " " + i.alt)) for i in element.images)


# The functions of a URL alone are asked about every link of every page, by two checks: their
# answers are kept (bounded, as in `checks.urls`).
@lru_cache(maxsize=4096)
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


@lru_cache(maxsize=4096)
def _is_info_link(url: str) -> bool:
    """A link to franceconnect.gouv.fr that is not an authorize endpoint: an information page."""
    return any(urls.on_domain(url, d) for d in _FC_DOMAINS) and authorize_level(url) is None


def _is_plus_info_link(element: Element) -> bool:
    if element.tag != "a" or not _is_info_link(element.href):
        return False
    label = " ".join(n.folded for n in _names(element))
    return "france-connect-plus" in urls.path(element.href).lower() or bool(_PLUS_TEXT.search(label))


def _urls_of(element: Element) -> list[str]:
    """The element's link and any URL held in a data-* attribute (JS-driven buttons)."""
    found = [element.href] if element.href else []
    found += [v for k, v in element.attrs.items() if k.startswith("data-") and v.startswith("http")]
    return found


@lru_cache(maxsize=4096)
def _segments(url: str) -> tuple[str, ...]:
    return tuple(s for s in fold(urls.path(url)).split("/") if s)


@lru_cache(maxsize=4096)
def _is_login_path(url: str) -> bool:
    """Whether a URL path has a login-ish segment (/login, /auth/…, /oidc/…)."""
    return any(w in _LOGIN_SEGMENTS for s in _segments(url) for w in [s, *_WORD_SEPARATOR.split(s)])


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
    plus = any(_PLUS_TEXT.search(_WORD_SEPARATOR.sub(" ", s)) for s in fc)
    return PLUS if plus else PLAIN


def _idp_login_route(url: str) -> int | None:
    """A login route that names FranceConnect as its identity provider (`?kc_idp_hint=franceconnect`)."""
    if urls.scheme(url) not in ("http", "https") or any(urls.on_domain(url, d) for d in _FC_DOMAINS):
        return None
    query = urls.query(url)
    named = [fold(v) for name in _IDP_PARAMS for v in query.get(name, [])]
    if not any(_FC_WORD.search(v) for v in named):
        return None
    plus = any(_PLUS_TEXT.search(_WORD_SEPARATOR.sub(" ", v)) for v in named)
    return PLUS if plus else PLAIN


@lru_cache(maxsize=4096)
def route_level(url: str) -> int | None:
    """The level of a same-site FranceConnect login route, or None."""
    return _own_login_route(url) or _idp_login_route(url)


def _is_help_link(element: Element) -> bool:
    return element.tag == "a" and bool(set(_segments(element.href)) & _INFO_SEGMENTS)


def _may_be_named_so(element: Element) -> bool:
    """Whether the element's accessible name may name a federation: its markup says "connect" or
    takes its name from elsewhere. (Computing every link's accessible name costs time; this is
    the only case where it tells more than its text and attributes.)"""
    markup = element.html.lower()
    return "connect" in markup or "aria-labelledby" in markup


def classify(element: Element, page: PageCapture | None = None) -> tuple[int, str] | None:
    """(level, why) when the element is a FranceConnect login button, else None, whether it is
    offered or not (see `checks.readings.offered`). `page` holds the element's DOM, for its accessible
    name."""
    if element.tag in ("script", "iframe"):
        return None
    node = node_of(page, element) if page is not None and _may_be_named_so(element) else None
    return _classify(element, node) if node is not None else _classify_without_dom(element)


# Asked twice for most elements (here with their page, by `checks.online_procedure` without), and
# a site repeats its header and footer on every page.
@per_run(key=alike)
def _classify_without_dom(element: Element) -> tuple[int, str] | None:
    return _classify(element, None)


def _classify(element: Element, node) -> tuple[int, str] | None:
    names = _names(element, node)
    label = " ".join(n.folded for n in names)
    classes = element.classes
    if _is_other_federation(element, label, classes):
        return None
    link_level = max((lvl for u in _urls_of(element) if (lvl := authorize_level(u))), default=None)

    # 1. DSFR component.
    if "fr-connect" in classes and _is_actionable(element):
        if "fr-connect--plus" in classes:
            return PLUS, "bouton FranceConnect+ du DSFR (.fr-connect--plus)"
        if _PLUS_TEXT.search(label):
            return PLUS, "bouton FranceConnect du DSFR dont la marque indique FranceConnect+"
        if link_level == PLUS:
            return PLUS, "bouton FranceConnect du DSFR menant à l’autorisation FranceConnect+"
        return PLAIN, "bouton FranceConnect du DSFR (.fr-connect)"

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
            plus = bool(_PLUS_FILE.search(name) or _PLUS_TEXT.search(alt))
            return (PLUS if plus else PLAIN), f"image du bouton FranceConnect{'+' if plus else ''} ({name or alt})"

    # 4. Login phrase as the whole of one of its names (visible text, accessible name, title).
    # (Anchored: "Comment se connecter avec FranceConnect ?" is a FAQ accordion, not a login.)
    if name := next((n for n in names if _LOGIN_TEXT.match(n.folded)), None):
        plus = bool(_PLUS_TEXT.search(name.folded))
        return (PLUS if plus else PLAIN), f"bouton intitulé « {name.said[:80]} »"

    # 5. The site's own FranceConnect login route.
    if element.tag == "a" and (route := route_level(element.href)) is not None:
        return route, "lien vers la connexion FranceConnect du site"

    # 6. A graphic control, without visible text, whose name is the brand alone (an SVG titled
    # "FranceConnect", an empty button with aria-label="FranceConnect" and its image in CSS): a
    # button, or a link to a login route. Visible text that says only "FranceConnect" is a
    # heading or an accordion.
    if not collapse(element.text) and (element.tag != "a" or _is_login_path(element.href)):
        for name in names:
            if brand := _BRAND_ONLY.match(name.folded):
                plus = bool(brand.group(1))
                why = f"bouton sans texte nommé « {name.said[:80]} » pour les lecteurs d’écran"
                return (PLUS if plus else PLAIN), why
    return None


def _clickable_image(page: PageCapture, image: Image, offering: Offering) -> Hit | None:
    """A FranceConnect button image outside any link, button or form (kind 7)."""
    name = urls.file_name(image.src)
    if image.in_control or not _CLICKABLE_IMAGE.search(name):
        return None
    if _OTHER_BRANDS.search(fold(image.src + " " + image.alt)):
        return None
    if image.node is not None and not offering.node(image.node, None):
        return None
    plus = bool(_PLUS_FILE.search(name) or _PLUS_TEXT.search(collapse(fold(image.alt))))
    element = Element(tag="img", selector=image.selector, attrs={"src": image.src, "alt": image.alt},
                      images=[ImageRef(src=image.src, alt=image.alt)], html=image.html)
    return Hit(PLUS if plus else PLAIN, page, f"image cliquable du bouton FranceConnect{'+' if plus else ''} ({name})",
               element=element)


@per_run  # the FranceConnect and DLNUF checks read the same pages
def _page_hits(page: PageCapture) -> list[Hit]:
    offering = offering_of(page)
    hits: list[Hit] = []
    for index, element in enumerate(page.elements):
        found = classify(element, page)
        if found and offering.element(element):
            hits.append(Hit(found[0], page, found[1], element=element, index=index))
    for form in page.forms:
        if level := authorize_level(form.action):
            why = "formulaire envoyé à l’autorisation FranceConnect"
        elif level := route_level(form.action):
            why = "formulaire envoyé à la connexion FranceConnect du site"
        else:
            continue
        if offering.form(form):
            hits.append(Hit(level, page, why, form=form))
    if not hits:
        hits += [hit for image in images(page) if (hit := _clickable_image(page, image, offering))]

    # A "Qu'est-ce que FranceConnect+ ?" link next to a plain button makes it FranceConnect+.
    plus_links = [i for i, e in enumerate(page.elements) if _is_plus_info_link(e)]
    upgraded = []
    for hit in hits:
        if hit.level == PLAIN and hit.index >= 0 and any(abs(i - hit.index) <= 5 for i in plus_links):
            hit = Hit(PLUS, page, hit.why + ", à côté du lien « Qu’est-ce que FranceConnect+ ? »",
                      element=hit.element, index=hit.index)
        upgraded.append(hit)
    return upgraded




def login_buttons(pages: list[PageCapture]) -> list[Hit]:
    """The offered FranceConnect buttons of the best level found on these pages, visible ones
    first (what a user sees); empty when there is none."""
    hits = [hit for page in pages for hit in _page_hits(page)]
    if not hits:
        return []
    best = max(hit.level for hit in hits)
    decisive = [hit for hit in hits if hit.level == best]
    decisive.sort(key=lambda h: not (h.element.visible if h.element else True))
    return decisive
