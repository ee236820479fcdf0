"""Every setting of Veilleur, declared once: its variable, its default, its French description, its section.

The model lives here, below every floor, so that each floor can name the type of the section it is
given (`ProbeSection` for probes/, `StorageSection` for storage/…); but nothing here reads the
environment: only the shell does (veilleur/settings.py, with pydantic-settings), once per command,
and passes the sections down. docs/configuration.md is generated from these declarations
(`python -m veilleur.settings_doc`), and a test fails when the two differ.

One parser per kind of value (whole number, decimal number, flag, choice, http(s) address, sender
address, text), each with one French message naming the limit; the shell adds the variable's name
and the value received: « VEILLEUR_CONCURRENCY : nombre entier attendu entre 1 et 64, reçu « abc » ».
"""

from __future__ import annotations

from email.headerregistry import HeaderRegistry
from pathlib import Path
from typing import Annotated, Any, Callable
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from foundation import limits

PREFIX = "VEILLEUR_"


def _bad(message: str) -> PydanticCustomError:
    # The message is the person's to read: no "Value error, " in front of it.
    return PydanticCustomError("veilleur_setting", message)


def _figure(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _range(low: float | None, high: float | None, low_included: bool) -> str:
    if low is not None and high is not None:
        return f"entre {_figure(low)} et {_figure(high)}"
    if low is not None:
        return f"au moins {_figure(low)}" if low_included else f"supérieur à {_figure(low)}"
    return f"au plus {_figure(high)}" if high is not None else ""


def whole(low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    """A whole number within [low, high]."""
    expected = " ".join(filter(None, ["nombre entier attendu", _range(low, high, True)]))

    def parse(value: Any) -> int | None:
        if value is None:
            return None  # a section built by hand leaving an optional number to its default rule
        if isinstance(value, bool):
            raise _bad(expected)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise _bad(expected) from None
        if not isinstance(value, int) or (low is not None and value < low) or (high is not None and value > high):
            raise _bad(expected)
        return value

    return parse


def decimal(low: float | None = None, high: float | None = None, low_included: bool = True) -> Callable[[Any], float]:
    """A number (a point or a comma before its decimals) within its limits."""
    expected = " ".join(filter(None, ["nombre attendu", _range(low, high, low_included)]))

    def parse(value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool):
            raise _bad(expected)
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                raise _bad(expected) from None
        if not isinstance(value, (int, float)) or value != value:  # NaN is no number of seconds
            raise _bad(expected)
        value = float(value)
        if low is not None and (value < low or (value == low and not low_included)):
            raise _bad(expected)
        if high is not None and value > high:
            raise _bad(expected)
        return value

    return parse


_TRUE, _FALSE = ("1", "true", "yes", "on", "oui"), ("0", "false", "no", "off", "non")


def flag(value: Any) -> bool:
    """1 or 0 (true/false, yes/no, on/off, oui/non)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _bad("1 ou 0 attendu (ou true/false, yes/no, oui/non)")


def choice(*allowed: str) -> Callable[[Any], str]:
    """One of a few words."""

    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in allowed:
            raise _bad(f"une valeur parmi {', '.join(allowed)} attendue")
        return text

    return parse


def http_address(value: Any) -> str | None:
    """An http(s) address with a host, without its trailing slash; empty: none."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise _bad("adresse http(s) attendue, comme https://veilleur.exemple.gouv.fr")
    return text.rstrip("/")


def sender(value: Any) -> str:
    """A sender: `adresse@domaine` or `Nom <adresse@domaine>`, on one line."""
    text = str(value).strip()
    expected = ("adresse d'expéditeur attendue, comme veilleur@exemple.gouv.fr "
                "ou « Veilleur <veilleur@exemple.gouv.fr> »")
    if any(ch in text for ch in "\r\n\0"):
        raise _bad(expected)
    try:
        header = HeaderRegistry()("From", text)
    except Exception:  # noqa: BLE001 - the email package raises several kinds on odd input
        raise _bad(expected) from None
    if header.defects or len(header.addresses) != 1 or not header.addresses[0].username \
            or not header.addresses[0].domain:
        raise _bad(expected)
    return text


def addresses(value: Any) -> tuple[str, ...]:
    """Comma-separated e-mail addresses."""
    if isinstance(value, (tuple, list)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    found = tuple(a.strip() for a in str(value).split(",") if a.strip())
    for address in found:
        if address.count("@") != 1 or address.startswith("@") or address.endswith("@") or " " in address:
            raise _bad("adresses électroniques attendues, séparées par des virgules (nom@domaine)")
    return found


def text(value: Any) -> str | None:
    """Any text; empty: none."""
    if value is None:
        return None
    stripped = str(value).strip()
    return stripped or None


def setting(default: Any, variable: str, description: str, shown_default: str | None = None) -> Any:
    """A field: its default, its environment variable, its French description, and how its default
    is written in docs/configuration.md when the value itself says little (None, a computed one)."""
    return Field(default, description=description,
                 json_schema_extra={"variable": PREFIX + variable, "shown_default": shown_default})


def variable_of(field: FieldInfo) -> str:
    return field.json_schema_extra["variable"]  # type: ignore[index]


Text = Annotated[str | None, BeforeValidator(text)]
Address = Annotated[str | None, BeforeValidator(http_address)]


class Section(BaseModel):
    """A group of settings handed to one floor; frozen, and a misspelt field is refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @classmethod
    def label(cls) -> str:
        return cls.__doc__.strip().splitlines()[0].rstrip(".") if cls.__doc__ else cls.__name__


class ProbeSection(Section):
    """Sonde : comment Chromium visite les sites."""

    page_timeout: Annotated[float, BeforeValidator(decimal(0, low_included=False))] = setting(
        20.0, "PAGE_TIMEOUT", "Secondes accordées au chargement d'une page.")
    max_key_pages: Annotated[int, BeforeValidator(whole(limits.KEY_PAGES.minimum, limits.KEY_PAGES.maximum))] = setting(
        3, "MAX_KEY_PAGES", "Pages clés visitées après la page d'accueil (démarche, contact, accessibilité…).")
    concurrency: Annotated[int | None, BeforeValidator(whole(limits.CONCURRENCY.minimum, limits.CONCURRENCY.maximum))] = setting(
        None, "CONCURRENCY", "Services sondés à la fois (un Chromium, un contexte et un onglet chacun).",
        shown_default="3 par cœur, au plus un par 300 Mo dans la moitié de la mémoire, 2 au moins")
    contact_url: Annotated[str, BeforeValidator(http_address)] = setting(
        "https://github.com/veilleur/veilleur", "CONTACT_URL",
        "Adresse dans l'en-tête User-Agent `Veilleur/<version> (+<adresse>)`, pour que les sites visités "
        "puissent nous joindre.")
    host_delay: Annotated[float, BeforeValidator(decimal(0))] = setting(
        0.5, "HOST_DELAY", "Secondes au moins entre deux chargements de pages d'un même hôte (politesse).")
    max_attempts: Annotated[int, BeforeValidator(whole(1, 20))] = setting(
        3, "MAX_ATTEMPTS",
        "Essais d'un service après une panne passagère (délai dépassé, erreur 5xx, connexion coupée).")
    retry_backoff: Annotated[float, BeforeValidator(decimal(0))] = setting(
        5.0, "RETRY_BACKOFF", "Secondes d'attente avant le deuxième essai (doublées à chaque essai suivant).")
    browser_recycle_pages: Annotated[int, BeforeValidator(whole(0))] = setting(
        500, "BROWSER_RECYCLE_PAGES",
        "Un Chromium neuf après ce nombre de pages (0 : jamais) ; les visites en cours finissent sur l'ancien, "
        "fermé avant que le nouveau démarre.")
    service_budget: Annotated[float, BeforeValidator(decimal(0, low_included=False))] = setting(
        150.0, "SERVICE_BUDGET",
        "Secondes au plus pour la visite d'un service une fois son navigateur ouvert (navigation, découverte, axe, "
        "captures) ; les pages finies sont gardées, les autres notées hors délai.")
    settle_quiet_ms: Annotated[float, BeforeValidator(decimal(0))] = setting(
        300.0, "SETTLE_QUIET_MS",
        "Une fois le réseau calme, millisecondes pendant lesquelles le DOM doit rester inchangé (et les minuteries "
        "dues s'exécuter) avant de lire la page, dans une limite de 2 s ; 0 : le réseau seulement.")
    mobile: Annotated[bool, BeforeValidator(flag)] = setting(
        True, "MOBILE",
        "Passage sur écran de téléphone (360 × 640) après la lecture sur ordinateur, pour la vérification mobile "
        "(0 : sauté, elle dit alors `unknown`).")
    axe_rules: Annotated[str, BeforeValidator(choice("all", "rgaa"))] = setting(
        "all", "AXE_RULES",
        "Règles d'axe-core passées sur chaque page : all (toutes), ou rgaa (celles liées à un critère du RGAA 4 : "
        "plus rapide, mais les règles sans critère, comme heading-order, ne sont alors pas signalées).")
    chromium: Text = setting(
        None, "CHROMIUM", "Exécutable de Chromium.",
        shown_default="celui de Playwright, puis chromium-headless-shell de Debian, puis /usr/bin/chromium")


class StorageSection(Section):
    """Stockage : où sont gardées les données."""

    data_dir: Path = setting(
        Path("./veilleur-data"), "DATA_DIR",
        "Dossier des données : base SQLite, preuves (evidence/), courriels en attente (outbox/), clés.",
        shown_default="./veilleur-data")
    database_url: Text = setting(
        None, "DATABASE_URL", "Adresse SQLAlchemy de la base (postgresql+psycopg://…).",
        shown_default="SQLite dans le dossier des données (veilleur.db)")
    evidence_url: Text = setting(
        None, "EVIDENCE_URL",
        "Où sont les fichiers de preuve : file:///chemin, ou une base PostgreSQL (postgresql+psycopg://…).",
        shown_default="evidence/ dans le dossier des données")

    def resolved_data_dir(self) -> Path:
        return Path(self.data_dir).resolve()


class EvidenceSection(Section):
    """Preuves : la clé qui signe les manifestes et les dossiers de preuve."""

    signing_key: Text = setting(
        None, "SIGNING_KEY",
        "Clé privée Ed25519 de l'instance (PEM ; \\n accepté pour les sauts de ligne).",
        shown_default="signing-key.pem, créée au premier usage dans le dossier des données")


class AlertsSection(Section):
    """Alertes : quand et à qui les régressions sont signalées."""

    operator_email: Annotated[tuple[str, ...], BeforeValidator(addresses)] = setting(
        ("operateur@localhost",), "OPERATOR_EMAIL",
        "Adresses de l'opérateur (séparées par des virgules), qui reçoit le résumé d'une régression massive.",
        shown_default="operateur@localhost")
    confirm_runs: Annotated[int, BeforeValidator(whole(1, 100))] = setting(
        2, "ALERT_CONFIRM_RUNS", "Visites successives qui doivent voir une régression avant qu'elle soit signalée.")
    reminder_days: Annotated[float, BeforeValidator(decimal(0, low_included=False))] = setting(
        7.0, "ALERT_REMINDER_DAYS", "Jours entre deux rappels d'un incident toujours ouvert.")
    mass_share: Annotated[float, BeforeValidator(decimal(0, 1, low_included=False))] = setting(
        0.30, "ALERT_MASS_SHARE",
        "Part des services d'une campagne qui régressent à la fois au-delà de laquelle la cause est "
        "sans doute de notre côté : seul l'opérateur est prévenu.")
    report_url: Address = setting(
        None, "REPORT_URL", "Adresse publique du rapport statique, pour les liens des courriels.",
        shown_default="aucune : pas de lien vers le rapport")
    public_url: Address = setting(
        None, "PUBLIC_URL", "Adresse publique du tableau de bord, pour les liens des courriels.",
        shown_default="aucune : pas de lien vers le tableau de bord")


class MailSection(Section):
    """Courriel : par où partent les alertes."""

    smtp_url: Text = setting(
        None, "SMTP_URL",
        "Serveur d'envoi : smtp://utilisateur:mot-de-passe@hôte:port (?starttls=1), ou smtps://…",
        shown_default="aucun : les courriels sont écrits en fichiers .eml dans outbox/")
    mail_from: Annotated[str, BeforeValidator(sender)] = setting(
        "veilleur@localhost", "MAIL_FROM", "Expéditeur des alertes (adresse@domaine ou « Nom <adresse@domaine> »).")
    mail_reply_to: Text = setting(
        None, "MAIL_REPLY_TO", "Où vont les réponses aux alertes (Reply-To) : une adresse ou plusieurs, séparées par des virgules.",
        shown_default="les adresses de VEILLEUR_OPERATOR_EMAIL")


class WebSection(Section):
    """Tableau de bord : `veilleur serve`."""

    operator_token: Text = setting(
        None, "OPERATOR_TOKEN",
        "Jeton des points d'accès réservés à l'opérateur (Authorization: Bearer …) : /api/exports, /api/proposals.",
        shown_default="aucun : ces points d'accès répondent 403")
    secret_key: Text = setting(
        None, "SECRET_KEY",
        "Clé qui signe les jetons des formulaires du tableau de bord (CSRF) ; à fixer quand plusieurs "
        "processus le servent.",
        shown_default="une clé tirée au hasard par processus")


class BrokerSection(Section):
    """Campagnes distribuées : le broker des workers."""

    broker_url: Text = setting(
        None, "BROKER_URL",
        "Broker Celery (amqp://… pour RabbitMQ, redis://… pour Redis) : les campagnes tournent alors sur "
        "les processus `veilleur worker`.",
        shown_default="aucun : les campagnes tournent dans le processus")


class Settings(BaseModel):
    """Every setting, by section; built by the shell from the environment, or by hand (the demo, tests)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    probe: ProbeSection = Field(default_factory=ProbeSection)
    storage: StorageSection = Field(default_factory=StorageSection)
    evidence: EvidenceSection = Field(default_factory=EvidenceSection)
    alerts: AlertsSection = Field(default_factory=AlertsSection)
    mail: MailSection = Field(default_factory=MailSection)
    web: WebSection = Field(default_factory=WebSection)
    broker: BrokerSection = Field(default_factory=BrokerSection)

    @classmethod
    def sections(cls) -> dict[str, type[Section]]:
        return {name: field.annotation for name, field in cls.model_fields.items()}  # type: ignore[misc]

    @classmethod
    def variables(cls) -> dict[str, tuple[str, str]]:
        """Each variable → (section, field)."""
        return {variable_of(field): (section, name)
                for section, model in cls.sections().items() for name, field in model.model_fields.items()}
