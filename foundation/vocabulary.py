"""The French words a person reads about a visit — statuses, kinds of page, causes of failure,
severities, the names of a finding's figures — in one place, for the checks' explanations, the
static report, the dashboard, the e-mails, the bundles, the exports and `veilleur run` alike.

Identifiers (status ids, error classes, JSON keys) stay English in code and data; whatever shows
one to a reader goes through here, so that no screen says `present` where another says "présent".
Plurals and numbers come from the CLDR rules of `babel` (French: 0 and 1 take the singular).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

_FRENCH = Locale.parse("fr_FR")

# The glossary: the one word every screen uses for each thing a person reads about (CLI output,
# reports, dashboard, e-mails, bundles). docs/glossaire.md gives the same terms and definitions,
# and the words not to write instead; tests/foundation/test_glossary.py holds the two together.
GLOSSARY: Mapping[str, str] = {
    "démarche": "ce qu’un usager accomplit en ligne auprès de l’administration (demander une carte grise) "
                "et le site où il le fait : ce que le registre inscrit et ce que Veilleur visite",
    "ministère": "le ministère dont relève une démarche ; il reçoit les alertes de ses démarches",
    "registre": "la liste des ministères et des démarches suivies, importée d’un fichier YAML ou CSV",
    "visite": "un passage de Veilleur sur une démarche : la page d’accueil, les pages clés, les contrôles "
              "et leurs preuves ; les visites d’une démarche sont numérotées à partir de 1 (« visite n° 3 »)",
    "campagne": "une série de visites, une par démarche, lancée par `veilleur run` ou par le planificateur",
    "contrôle": "une question posée à chaque visite (FranceConnect, JeDonneMonAvis…), l’un des neuf",
    "constat": "la réponse d’un contrôle à une visite, avec son statut et ses preuves",
    "preuve": "ce qui fonde un constat : capture d’écran, DOM rendu, résultats d’axe-core, extrait HTML",
    "trimestre": "la période d’un indicateur, écrite « 4e trimestre 2026 » (« 1er trimestre 2027 ») ; "
                 "le code 2026Q4 n’est qu’un paramètre des commandes et de l’API",
    "disponibilité": "la part des visites et vérifications où la page d’accueil d’une démarche a répondu",
    "heure de Paris": "l’heure de toute date qu’une personne lit (« 7 décembre 2026 à 14 h 05, heure de Paris ») ; "
                      "l’UTC ne paraît que dans les données (JSON, manifestes)",
    "incident": "une régression d’un contrôle confirmée sur plusieurs visites, ouverte jusqu’au retour au niveau d’avant",
    "échéance passée": "une échéance d’objectif dont la date est dépassée",
}

# What not to write where the glossary gives a word (the screen-reading test looks for these).
AVOID: Mapping[str, str] = {
    "service(s)": "démarche(s)",
    "2026Q4": "4e trimestre 2026",
    "UTC": "heure de Paris",
    "échue": "passée",
}

# Every status of every check (a test holds each registered check to this table). A status id
# means the same thing in every check that uses it, so one word serves all of them.
STATUSES: Mapping[str, str] = {
    "present": "présent",
    "absent": "absent",
    "unknown": "indéterminé",
    "measured": "mesuré",
    "franceconnect": "FranceConnect",
    "franceconnect_plus": "FranceConnect+",
    "totalement": "totalement conforme",
    "partiellement": "partiellement conforme",
    "non": "non conforme",
    "online": "en ligne",
    "partial": "en partie en ligne",
    "offline": "hors ligne",
    "compatible": "compatible",
    "incompatible": "incompatible",
}

# The step most regressions call for, proposed by the alerts of several checks.
DEPLOYMENT_ADVICE = ("Vérifiez le dernier déploiement du site (gabarit, composant ou configuration modifiés entre deux "
                     "versions) : la régression est apparue entre deux de nos visites.")

# The kinds of page a visit reads, as a reader names them ("la page de connexion").
PAGE_KINDS: Mapping[str, str] = {
    "landing": "accueil",
    "login": "connexion",
    "contact": "contact",
    "accessibility": "déclaration d’accessibilité",
    "other": "autre page",
}

# A page of each kind in a sentence ("trouvé sur la page de connexion").
THE_PAGE: Mapping[str, str] = {
    "landing": "la page d’accueil",
    "login": "la page de connexion",
    "contact": "la page de contact",
    "accessibility": "la déclaration d’accessibilité",
    "other": "une autre page",
}

# The same, for several pages of one kind ("2 autres pages").
PAGE_KIND_PLURALS: Mapping[str, str] = {
    "landing": "pages d’accueil",
    "login": "pages de connexion",
    "contact": "pages de contact",
    "accessibility": "déclarations d’accessibilité",
    "other": "autres pages",
}

# Why a page did not load (probes/errors.py's classes, and the HTTP ones).
ERROR_CLASSES: Mapping[str, str] = {
    "dns": "adresse introuvable (DNS)",
    "unreachable": "serveur injoignable",
    "connection_refused": "connexion refusée",
    "connection_reset": "connexion interrompue",
    "timeout": "délai dépassé",
    "tls": "certificat ou chiffrement invalide",
    "redirect_loop": "redirections sans fin",
    "invalid_response": "réponse invalide",
    "empty_response": "réponse vide",
    "blocked": "accès refusé au robot",
    "not_html": "le document n’est pas une page web",
    "crashed": "la page a fait planter le navigateur",
    "browser": "erreur du navigateur",
    "http_4xx": "page introuvable ou refusée (erreur 4xx)",
    "http_5xx": "erreur du serveur (5xx)",
    # Pages that are not the service (probes/interruption.py).
    "waf": "refus d’un pare-feu applicatif",
    "bot_challenge": "vérification anti-robot (captcha)",
    "waiting_room": "salle d’attente virtuelle",
    "maintenance": "page de maintenance",
    "soft_404": "page introuvable servie comme une page normale",
    "parked": "domaine parqué ou expiré",
    "default_page": "page par défaut du serveur web",
    "empty_shell": "application vide (aucun contenu affiché)",
    "error": "erreur",
}

# Our own failures (campaign/service_run.py never stores them as the site's; shown to operators).
OUR_FAILURES: Mapping[str, str] = {
    "browser_start": "notre navigateur n’a pas pu démarrer",
    "browser_lost": "notre navigateur s’est arrêté pendant la visite",
    "worker_lost": "nos workers se sont arrêtés à chaque essai",
    "signing_key": "le worker n’a pas la clé de signature de l’instance",
    "internal_error": "erreur interne de Veilleur",
}

# The files kept as evidence of a page.
ARTIFACTS: Mapping[str, str] = {
    "screenshot": "capture d’écran",
    "dom": "code de la page (DOM rendu)",
    "axe": "résultats d’axe-core (JSON)",
    "capture": "relevé complet de la page (JSON)",
}

# axe-core's impacts.
IMPACTS: Mapping[str, str] = {
    "critical": "critique",
    "serious": "grave",
    "moderate": "modéré",
    "minor": "mineur",
}

# The RGAA 4.1's thirteen themes: a criterion "1.1" belongs to theme 1.
RGAA_THEMES: Mapping[int, str] = {
    1: "Images", 2: "Cadres", 3: "Couleurs", 4: "Multimédia", 5: "Tableaux", 6: "Liens", 7: "Scripts",
    8: "Éléments obligatoires", 9: "Structuration de l’information", 10: "Présentation de l’information",
    11: "Formulaires", 12: "Navigation", 13: "Consultation",
}

# The names of the figures a finding carries beside its status (its JSON keys).
DETAILS: Mapping[str, str] = {
    "violations": "violations",
    "rules": "règles axe-core en échec",
    "by_impact": "par gravité",
    "rgaa_criteria": "critères RGAA concernés",
    "pages": "pages mesurées",
    "demarche_id": "numéro de démarche JeDonneMonAvis",
    "phones": "téléphones",
    "addresses": "adresses",
    "appointment": "accueil sur rendez-vous",
    "desk": "accueil au guichet",
    "rate": "taux de conformité déclaré",
    "statement_url": "déclaration d’accessibilité",
    "rgaa_version": "version du RGAA",
    "date": "date de l’audit",
    "score": "score de lisibilité",
    "kandel_moles": "indice de Kandel et Moles",
    "words": "mots lus",
    "documents": "pièces demandées",
    "held": "pièces déjà détenues par l’administration",
    "problems": "problèmes",
    "axe_version": "version d’axe-core",
    "incomplete": "éléments à vérifier par une personne",
    "incomplete_rules": "règles à vérifier par une personne",
    "incomplete_rgaa_criteria": "critères RGAA à vérifier par une personne",
    "pages_measured": "pages mesurées",
    "expired": "déclaration de plus de trois ans",
    "schema_pluriannuel_url": "schéma pluriannuel",
    "level_stated": "état de conformité indiqué",
    "accessible_contact": "moyen de contact accessible",
    "representative_sample": "échantillon de pages audité",
    "overall_rate": "taux de conformité global publié",
    "recent_audit": "audit de moins de trois ans",
    "on_every_page": "lien depuis chaque page visitée",
}

# The probe's settings, as an evidence bundle lists them (probes/settings.py); a setting missing
# here shows its name as code.
PROBE_SETTINGS: Mapping[str, str] = {
    "page_timeout_s": "délai maximal de chargement d’une page (s)",
    "settle_cap_s": "attente maximale du calme réseau (s)",
    "settle_quiet_ms": "durée de calme attendue (ms)",
    "settle_dom_cap_s": "attente maximale de la stabilité de la page (s)",
    "axe_timeout_s": "délai maximal d’axe-core (s)",
    "axe_rules": "règles axe-core appliquées",
    "max_key_pages": "pages clés visitées au plus",
    "concurrency": "démarches visitées en parallèle",
    "contact_url": "page de contact imposée",
    "viewport_width": "largeur de la fenêtre (px)",
    "viewport_height": "hauteur de la fenêtre (px)",
    "screenshot_max_height": "hauteur maximale des captures (px)",
    "screenshot_quality": "qualité JPEG des captures",
    "host_delay_s": "intervalle minimal entre les chargements de deux pages d’un même site (s)",
    "max_attempts": "essais au plus par démarche",
    "retry_backoff_s": "attente avant un nouvel essai (s)",
    "landing_only": "page d’accueil seulement",
    "browser_recycle_pages": "pages avant le renouvellement du navigateur",
    "service_budget_s": "temps maximal par démarche (s)",
    "mobile": "contrôle sur écran de téléphone",
    "mobile_width": "largeur de l’écran de téléphone (px)",
    "mobile_height": "hauteur de l’écran de téléphone (px)",
    "full_audit": "audit complet de chaque page, même inchangée",
}

# What the `mobile` check can find wrong on a phone screen (its `problems`).
MOBILE_PROBLEMS: Mapping[str, str] = {
    "viewport": "pas de balise viewport adaptée aux mobiles",
    "overflow": "contenu plus large que l’écran",
    "small_text": "texte trop petit (moins de 12 px)",
    "target_size": "zones tactiles trop petites",
}


def status(value: str | None) -> str:
    """A status as a reader reads it: `present` → "présent" (an id unknown here shows as itself,
    which the vocabulary test forbids for any registered check)."""
    if value is None:
        return "—"
    return STATUSES.get(value, value)


def page_kind(kind: str | None) -> str:
    return PAGE_KINDS.get(kind or "other", kind or "autre page")


def the_page(kind: str | None) -> str:
    """A page named by its kind in a sentence: `login` → "la page de connexion"."""
    return THE_PAGE.get(kind or "other", f"la page {page_kind(kind)}")


def error_class(value: str | None) -> str:
    """Why a page failed, in words: `timeout` → "délai dépassé", `http_404` → "erreur HTTP 404"."""
    if not value:
        return ERROR_CLASSES["error"]
    if value in ERROR_CLASSES:
        return ERROR_CLASSES[value]
    if value.startswith("http_") and value[5:].isdigit():
        return f"erreur HTTP {value[5:]}"
    return OUR_FAILURES.get(value, f"erreur ({value})")


def artifact(kind: str) -> str:
    return ARTIFACTS.get(kind, kind)


def impact(value: str | None) -> str:
    return IMPACTS.get(value or "", "gravité non précisée")


def rgaa_criterion(criterion: str) -> str:
    """`1.1` → "critère 1.1 (Images)"."""
    theme = RGAA_THEMES.get(int(criterion.split(".")[0])) if criterion.split(".")[0].isdigit() else None
    return f"critère {criterion}" + (f" ({theme})" if theme else "")


def rgaa_criteria(criteria: Iterable[str]) -> str:
    """`['1.1', '11.1']` → "critères RGAA 1.1 (Images) et 11.1 (Formulaires)"; empty for none."""
    criteria = list(criteria)
    if not criteria:
        return ""
    named = [rgaa_criterion(c).removeprefix("critère ") for c in criteria]
    return ("critère RGAA " if len(criteria) == 1 else "critères RGAA ") + enumeration(named)


def detail(key: str) -> str:
    return DETAILS.get(key, key.replace("_", " "))


def yes_no(value: bool) -> str:
    return "oui" if value else "non"


def setting(key: str) -> str:
    return PROBE_SETTINGS.get(key, key)


def unchanged_since(chain_index: int) -> str:
    """A page whose audit is an earlier visit's (storage/prior_audits.py), as evidence says it:
    visits numbered from 1, the service's chain from 0 (its first link is its first visit)."""
    return (f"Page inchangée depuis la visite n° {chain_index + 1} (DOM rendu, feuilles de style, polices et images "
            f"identiques octet pour octet) : son audit axe-core, sa capture d’écran et sa lecture sur "
            f"téléphone sont ceux de cette visite.")


def quarter(year: int, number: int) -> str:
    """A quarter as a person reads it: (2026, 4) → "4e trimestre 2026", (2027, 1) → "1er trimestre 2027"."""
    return f"{'1er' if number == 1 else f'{number}e'} trimestre {year}"


def setting_value(value) -> str:
    """A setting's value: oui/non, numbers the French way, "—" for none, "toutes" for `all` rules."""
    if value is None or value == "":
        return "—"
    if value == "all":
        return "toutes"
    if value == "rgaa":
        return "celles du RGAA"
    return detail_value("", value)


# ------------------------------------------------------------------------------------------------
# Numbers and plurals (CLDR, through babel)


@lru_cache(maxsize=1024, typed=True)  # babel is slow to format, and the same counts come back all the time
def integer(value: int) -> str:
    """`12 000`, with the narrow no-break space French typography puts between thousands."""
    return format_decimal(value, locale=_FRENCH)


def decimal(value, places: int | None = None) -> str:
    """A number already rounded as its kind wants it, in French: `8,7`, `12 000`, `-0,3`; with
    `places`, always that many decimals (`1,000`)."""
    if places is not None:
        return format_decimal(value, format="#,##0." + "0" * places if places else "#,##0", locale=_FRENCH)
    return format_decimal(value, locale=_FRENCH, decimal_quantization=False)


def count(value: int, one: str, other: str) -> str:
    """`0 page visitée`, `1 violation`, `3 pages visitées`: the number and the word agreeing."""
    form = _FRENCH.plural_form(abs(value))
    return f"{integer(value)} {one if form == 'one' else other}"


def plural(value: int, one: str, other: str) -> str:
    """The word alone, agreeing with `value` ("visitée" or "visitées")."""
    return one if _FRENCH.plural_form(abs(value)) == "one" else other


def enumeration(items: Iterable[str]) -> str:
    """`accueil, connexion et contact`."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def pages(kinds: Iterable[str]) -> str:
    """The kinds of the pages of a visit, each named once in visit order: "accueil, connexion et
    contact"; two pages of one kind are counted ("2 autres pages")."""
    seen: dict[str, int] = {}
    for kind in kinds:
        seen[kind] = seen.get(kind, 0) + 1
    return enumeration(page_kind(k) if n == 1 else f"{integer(n)} {PAGE_KIND_PLURALS.get(k, page_kind(k))}"
                       for k, n in seen.items())


def by_impact(values: Mapping[str, int]) -> str:
    """`{'critical': 1, 'serious': 2}` → "1 critique, 2 graves"."""
    order = list(IMPACTS)
    ranked = sorted(values.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
    return ", ".join(count(n, impact(k), impact(k) + "s") for k, n in ranked if n)


def detail_value(key: str, value) -> str:
    """A finding's figure as text: lists joined, booleans as oui/non, severities in words."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return yes_no(value)
    if key == "problems" and isinstance(value, (list, tuple)):
        return ", ".join(MOBILE_PROBLEMS.get(v, v) for v in value) or "aucun"
    if key == "rate" and isinstance(value, (int, float)):
        return f"{format_decimal(value, locale=_FRENCH)}\u00a0%"
    if key == "by_impact" and isinstance(value, Mapping):
        return by_impact(value) or "aucune"
    if isinstance(value, Mapping):
        return ", ".join(f"{detail(str(k))} : {detail_value(str(k), v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value) or "aucun"
    if isinstance(value, float):
        return format_decimal(value, locale=_FRENCH)
    if isinstance(value, int):
        return integer(value)
    return str(value)


def details(values: Mapping[str, object]) -> list[tuple[str, str]]:
    """A finding's figures as (name, value) lines, empty ones left out."""
    return [(detail(k), detail_value(k, v)) for k, v in values.items() if v not in (None, [], {}, "")]
