"""A labelled corpus of mini-sites, and serving it on loopback so that the real probe can visit it.

Layout (the same as /work/shared/realworld):

    CORPUS/labels.json            case name → what a correct probe reports for that case
    CORPUS/labels-<topic>.json    more of the same, one file per family of cases (optional)
    CORPUS/<case>/index.html      its landing page, and any other page of that mini-site, linked
                                  relatively so that discovery finds them
    CORPUS/<case>/server.json     optional: how the server misbehaves for this case

`labels.json` maps each case to the checks it is about, and only those are scored for it:

    {"fc-dsfr-plus": {"franceconnect": "franceconnect_plus"},
     "jdma-widget": {"jedonnemonavis": "present", "demarche_id": "8812"},
     "statement": {"accessibility_statement": {"status": "partiellement", "rate": 74.5}}}

A check id gives the expected status. Any other key is a field of one check's finding
(`demarche_id`, `phones`, `rate`, `expired`, `rgaa_criteria`…; see checks/models.py), expected
with that value; a check id may also map to an object with `status` and such fields. `about`
describes the case in words. `not_the_service` labels what the probe must recognise a page of the
case as instead of the service (probes/interruption.py's class: `waf`, `maintenance`…), or
`none` for a service page that merely mentions such a thing (scored as its own class by
`veilleur eval`). `server.json` gives, per URL path, an HTTP status to answer with
(`{"status": {"/contact.html": 500}}`), a delay in milliseconds (`{"delay_ms": {"/": 3000}}`)
and headers (`{"headers": {"/": {"Retry-After": "3600"}}}`).

Each case is served by its own server on its own port of 127.0.0.1: its own origin, so that no
case sees another as the same site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks import finding_types
from probes import interruption
from foundation.errors import InputError
from foundation.vocabulary import integer
from storage.text_file import read_text_file
from veilleur.loopback import HTML, FolderHandler, FolderServer, LoopbackServer, Reply, ServerGroup

LABELS_FILE = "labels.json"
SERVER_FILE = "server.json"
LANDING_FILE = "index.html"
ABOUT = "about"
NOT_THE_SERVICE = "not_the_service"
SERVICE = "none"  # the label of a page that is the service
PAGE_CLASSES: tuple[str, ...] = (SERVICE, *interruption.KINDS)

# Finding field → the one check whose finding has it, for labels written flat next to the statuses.
_BASE_FIELDS = {"status", "reason", "evidence"}
FIELD_CHECKS: dict[str, list[str]] = {}
for _check, _cls in finding_types().items():
    for _name in _cls.model_fields:
        if _name not in _BASE_FIELDS:
            FIELD_CHECKS.setdefault(_name, []).append(_check)


@dataclass(frozen=True)
class Expectation:
    """What a correct probe reports for one check of one case."""

    status: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ServerBehaviour:
    status: dict[str, int] = field(default_factory=dict)  # URL path → HTTP status
    delay_ms: dict[str, int] = field(default_factory=dict)  # URL path → delay before answering
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # URL path → extra headers


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    expected: dict[str, Expectation]  # check id → expectation; only these checks are scored
    about: str = ""
    behaviour: ServerBehaviour = ServerBehaviour()
    page_class: str | None = None  # `not_the_service`: what a page of it is instead, or "none"


@dataclass(frozen=True)
class Corpus:
    root: Path
    cases: list[Case]
    unlabelled: list[str]  # case folders that labels.json does not mention (not scored)


# What the json module says of a malformed file, in French (any other message: « JSON invalide » alone).
_JSON_MESSAGES = {
    "Expecting value": "une valeur est attendue",
    "Expecting property name enclosed in double quotes": "un nom de champ entre guillemets droits est attendu",
    "Expecting ',' delimiter": "une virgule est attendue",
    "Expecting ':' delimiter": "un deux-points est attendu",
    "Extra data": "du texte suit la fin du JSON",
    "Unterminated string starting at": "un texte entre guillemets n’est pas fermé",
    "Invalid control character at": "caractère de contrôle dans un texte",
    "Invalid \\escape": "échappement invalide",
}


def _read_json(path: Path) -> Any:
    text = read_text_file(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        why = _JSON_MESSAGES.get(exc.msg)
        raise InputError(f"{path}:{exc.lineno} : JSON invalide, colonne {exc.colno}"
                         + (f" : {why}" if why else "")) from None


def _shown(value: Any) -> str:
    """A value of a labels or server file, as the file writes it but for a text's quotes: « maybe »,
    « 3 », « {"a": 1} »."""
    return f"« {value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)} »"


def _kind(value: Any) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, dict):
        return "un objet"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float)):
        return "un nombre"
    return "null"


def _status(check: str, value: Any, where: str) -> str:
    statuses = finding_types()[check].statuses
    if not isinstance(value, str) or value not in statuses:
        raise InputError(f"{where}, champ « {check} » : statut inconnu {_shown(value)} "
                         f"(attendu : {', '.join(statuses)})")
    return value


def _field_value(check: str, name: str, value: Any, where: str) -> Any:
    if name not in finding_types()[check].model_fields or name in _BASE_FIELDS:
        raise InputError(f"{where}, champ « {name} » : n’est pas un champ du constat {check}")
    return value


def _case_expectations(name: str, raw: Any, where: str) -> tuple[dict[str, Expectation], str, str | None]:
    if not isinstance(raw, dict):
        raise InputError(f"{where} : attendu : un objet (contrôle : statut) ; reçu : {_kind(raw)}")
    statuses: dict[str, str] = {}
    fields: dict[str, dict[str, Any]] = {}
    about = ""
    page_class = None
    for key, value in raw.items():
        if key == NOT_THE_SERVICE:
            if value not in PAGE_CLASSES:
                raise InputError(f"{where}, champ « {key} » : classe inconnue {_shown(value)} "
                                 f"(attendu : {', '.join(PAGE_CLASSES)})")
            page_class = value
        elif key == ABOUT:
            if not isinstance(value, str):
                raise InputError(f"{where}, champ « {ABOUT} » : attendu : un texte ; reçu : {_kind(value)}")
            about = value
        elif key in finding_types() and isinstance(value, dict):
            nested = dict(value)
            if "status" not in nested:
                raise InputError(f"{where}, champ « {key} » : il manque « status » à cet objet")
            statuses[key] = _status(key, nested.pop("status"), where)
            for name, expected in nested.items():
                fields.setdefault(key, {})[name] = _field_value(key, name, expected, f"{where}, contrôle « {key} »")
        elif key in finding_types():
            statuses[key] = _status(key, value, where)
        elif key in FIELD_CHECKS:
            owners = FIELD_CHECKS[key]
            if len(owners) > 1:
                raise InputError(f"{where}, champ « {key} » : appartient à plusieurs contrôles "
                                 f"({', '.join(owners)}) ; écrivez-le dans l’un d’eux")
            fields.setdefault(owners[0], {})[key] = value
        else:
            known = ", ".join(finding_types())
            raise InputError(f"{where}, champ « {key} » : ni un contrôle ({known}) ni un champ de constat")
    for check in fields:
        if check not in statuses:
            raise InputError(f"{where}, champ « {next(iter(fields[check]))} » : le cas ne donne pas de statut "
                             f"pour {check}")
    if not statuses and page_class is None:
        raise InputError(f"{where} : n’étiquette aucun contrôle")
    return {c: Expectation(s, fields.get(c, {})) for c, s in statuses.items()}, about, page_class


def _behaviour(path: Path) -> ServerBehaviour:
    if not path.is_file():
        return ServerBehaviour()
    raw = _read_json(path)
    if not isinstance(raw, dict):
        raise InputError(f"{path} : attendu : un objet ; reçu : {_kind(raw)}")
    known = {"status", "delay_ms", "headers"}
    for key in raw:
        if key not in known:
            raise InputError(f"{path} : champ inconnu « {key} » (attendu : {', '.join(sorted(known))})")
    headers = raw.get("headers", {})
    if not isinstance(headers, dict) or not all(
            isinstance(p, str) and p.startswith("/") and isinstance(h, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in h.items()) for p, h in headers.items()):
        raise InputError(f"{path} : champ « headers » : attendu : un objet chemin d’adresse → "
                         f"{{nom d’en-tête : texte}}")
    parsed: dict[str, dict[str, int]] = {}
    for key in ("status", "delay_ms"):
        table = raw.get(key, {})
        if not isinstance(table, dict):
            raise InputError(f"{path} : champ « {key} » : attendu : un objet chemin d’adresse → nombre")
        for url_path, value in table.items():
            if not isinstance(url_path, str) or not url_path.startswith("/"):
                raise InputError(f"{path} : champ « {key} » : {_shown(url_path)} n’est pas un chemin d’adresse "
                                 f"(qui commence par « / »)")
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{path} : champ « {key}.{url_path} » : attendu : un nombre entier ; reçu : "
                                 f"{_shown(value)}")
            if key == "status" and not 100 <= value <= 599:
                raise InputError(f"{path} : champ « status.{url_path} » : {value} n’est pas un statut HTTP")
            if key == "delay_ms" and not 0 <= value <= 120_000:
                raise InputError(f"{path} : champ « delay_ms.{url_path} » : doit être entre 0 et "
                                 f"{integer(120_000)} (millisecondes)")
        parsed[key] = dict(table)
    return ServerBehaviour(status=parsed["status"], delay_ms=parsed["delay_ms"], headers=headers)


def load_corpus(root: Path, only: list[str] | None = None) -> Corpus:
    """The labelled cases of a corpus folder, checked; `only` keeps the named cases."""
    if not root.is_dir():
        raise InputError(f"{root} : " + ("n’est pas un dossier" if root.exists() else "dossier introuvable"))
    labels_path = root / LABELS_FILE
    labels: dict[str, Any] = {}
    source: dict[str, Path] = {}
    # One labels file per family of cases, so that those who add a family never edit the same file.
    for path in [labels_path, *sorted(root.glob("labels-*.json"))]:
        table = _read_json(path)
        if not isinstance(table, dict) or not table:
            raise InputError(f"{path} : attendu : un objet qui donne pour chaque nom de cas ses étiquettes")
        for name, raw in table.items():
            if name in labels:
                raise InputError(f"{path} : le cas « {name} » est déjà étiqueté dans {source[name]}")
            labels[name], source[name] = raw, path
    wanted = set(only or [])
    missing = sorted(wanted - set(labels))
    if missing:
        raise InputError(f"{labels_path} : aucun cas nommé « {missing[0]} »")
    cases = []
    for name, raw in labels.items():
        where = f"{source[name]} : cas « {name} »"
        if wanted and name not in wanted:
            continue
        case_dir = root / name
        if "/" in name or name.startswith(".") or not case_dir.is_dir():
            raise InputError(f"{where} : pas de dossier {case_dir}")
        if not (case_dir / LANDING_FILE).is_file():
            raise InputError(f"{where} : pas de page d’accueil {case_dir / LANDING_FILE}")
        expected, about, page_class = _case_expectations(name, raw, where)
        cases.append(Case(name, case_dir, expected, about, _behaviour(case_dir / SERVER_FILE), page_class))
    unlabelled = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                        and p.name not in labels)
    return Corpus(root, cases, unlabelled)


# ---------------------------------------------------------------------------------------------
# Serving


class _CaseHandler(FolderHandler):
    server: "_CaseServer"
    server_version = "VeilleurCorpus/1.0"
    hidden = (SERVER_FILE,)
    content_types = {".html": HTML, ".htm": HTML}
    charset_types = ("application/javascript", "application/json")

    def reply(self) -> Reply:
        behaviour = self.server.behaviour
        path = self.url_path
        delay_s = behaviour.delay_ms.get(path, 0) / 1000
        file = self.file(path)
        status = behaviour.status.get(path, 200 if file else 404)
        headers = dict(behaviour.headers.get(path, {}))
        if file is None:
            return Reply(self.status_page(status), status, headers=headers, delay_s=delay_s)
        return Reply(file.read_bytes(), status, self.content_type(file), headers=headers, delay_s=delay_s)


class _CaseServer(FolderServer):
    def __init__(self, root: Path, behaviour: ServerBehaviour):
        self.behaviour = behaviour
        super().__init__(root, _CaseHandler)


@dataclass
class ServedCorpus(ServerGroup):
    """The running servers: one per case. Close it, or use it as a context manager."""

    urls: dict[str, str] = field(default_factory=dict)  # case name → landing URL
    _servers: list[LoopbackServer] = field(default_factory=list, repr=False)


def serve_corpus(corpus: Corpus) -> ServedCorpus:
    """Serve every case on its own ephemeral port of 127.0.0.1, in daemon threads."""
    served = ServedCorpus()
    try:
        for case in corpus.cases:
            server = _CaseServer(case.path, case.behaviour)
            served._servers.append(server)
            server.start(name=f"corpus-{case.name}")
            served.urls[case.name] = server.url()
    except BaseException:
        served.close()
        raise
    return served
