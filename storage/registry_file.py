"""Reading a registry file (YAML or CSV, format in the README) into validated entries.

Everything is validated before anything is written, and every mistake of the file is reported
in one go (`InputErrors`: each names the file, the line (YAML) or row (CSV) and the field). Values
are read the same way in both formats (storage/values.py): `450 000` uses a year, `oui`/`non` as
well as `true`/`false`, life events as slugs or as people write them (`Décès`, `Déménagement`).
A CSV file is read by the one CSV reader of the imports (storage/csv_table.py): `,`, `;` or tab
between columns, UTF-8 with or without BOM, any other encoding refused with the advice to save it
again as UTF-8.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from foundation import limits
from foundation.errors import ErrorList, InputError
from foundation.limits import check_address, check_whole
from foundation.vocabulary import count, plural
from storage.xlsx_table import read_table
from storage.text_file import read_text_file
from storage.validation_messages import french_message
from storage.values import header_key, is_blank, plain_text, text_list, whole_number, yes_no

# The ten "moments de vie" of the State's programme, as slugs (registry vocabulary).
LIFE_EVENTS: dict[str, str] = {
    "naissance": "Je deviens parent",
    "demenagement": "Je déménage",
    "deces": "Je perds un proche",
    "retraite": "Je prépare ma retraite",
    "handicap": "Je suis en situation de handicap",
    "recherche-emploi": "Je cherche un emploi",
    "creation-entreprise": "Je crée mon entreprise",
    "jeunesse": "J’ai 16 ans / je deviens majeur",
    "separation": "Je me sépare",
    "perte-autonomie": "J’aide un proche en perte d’autonomie",
}
# A life event may be written as its slug, its label or these, in any case, with or without
# accents, spaces or hyphens ("Décès", "Déménagement", "Création d'entreprise").
LIFE_EVENT_ALIASES: dict[str, str] = {
    "Création d’entreprise": "creation-entreprise",
    "Recherche d’emploi": "recherche-emploi",
    "Perte d’autonomie": "perte-autonomie",
}
_LIFE_EVENT_KEYS: dict[str, str] = {
    **{header_key(slug): slug for slug in LIFE_EVENTS},
    **{header_key(label): slug for slug, label in LIFE_EVENTS.items()},
    **{header_key(alias): slug for alias, slug in LIFE_EVENT_ALIASES.items()},
}

# FranceConnect levels a service's risk may call for (registry field `fc_level_required`).
FC_LEVELS = ("franceconnect", "franceconnect_plus")
FC_LEVEL_ALIASES = {"franceconnect+": "franceconnect_plus", "fc+": "franceconnect_plus", "fc": "franceconnect"}

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def life_event_slug(text: str) -> str | None:
    """The slug of a life event however it is written (`Décès` → `deces`), None if unknown."""
    return _LIFE_EVENT_KEYS.get(header_key(text))


def _check_emails(values: list[str]) -> list[str]:
    for value in values:
        if not EMAIL.match(value) or "\r" in value or "\n" in value:
            raise ValueError(f"« {value} » n’est pas une adresse électronique")
    return values


def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        shown = value if len(value) <= 40 else f"{value[:40]}…"
        raise ValueError(f"doit être un identifiant de 1 à 100 caractères : lettres minuscules sans accent, "
                         f"chiffres et tirets (a-z, 0-9, -), sans tiret au début ni à la fin ; "
                         f"reçu « {shown} » ({count(len(value), 'caractère', 'caractères')})")
    return value


EmailList = Annotated[list[str], AfterValidator(_check_emails)]
Slug = Annotated[str, AfterValidator(_check_slug)]


class MinistryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Slug
    name: str = Field(min_length=1)
    contacts: EmailList = Field(default_factory=list)

    @field_validator("contacts", mode="before")
    @classmethod
    def _list(cls, value: Any) -> list:
        return text_list(value)


class ServiceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Slug
    name: str = Field(min_length=1)
    ministry: str = Field(min_length=1)
    administration: str | None = None
    url: str
    annual_volume: int | None = None
    financial_aid: bool = False
    life_events: list[str] = Field(default_factory=list)
    pnu: bool = False
    contacts: EmailList = Field(default_factory=list)
    # Indicators (issue 6): no user account → Authentication "Non applicable"; the FranceConnect
    # level the service's risk calls for; the JeDonneMonAvis démarche id satisfaction imports use.
    has_account: bool = True
    fc_level_required: str = "franceconnect"
    jdma_demarche_id: str | None = None

    @field_validator("administration", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if is_blank(value) else value

    @field_validator("annual_volume", mode="before")
    @classmethod
    def _volume(cls, value: Any) -> int | None:
        return None if is_blank(value) else check_whole(whole_number(value), limits.ANNUAL_VOLUME)

    @field_validator("financial_aid", "pnu", "has_account", mode="before")
    @classmethod
    def _yes_no(cls, value: Any, info: ValidationInfo) -> bool:
        # Left blank: the field's default (most services do have user accounts).
        return cls.model_fields[info.field_name].default if is_blank(value) else yes_no(value)

    @field_validator("life_events", "contacts", mode="before")
    @classmethod
    def _list(cls, value: Any) -> list:
        return text_list(value)

    @field_validator("fc_level_required", mode="before")
    @classmethod
    def _fc_level(cls, value: Any) -> str:
        if value is None or value == "":
            return "franceconnect"
        text = str(value).strip().lower().replace(" ", "")
        text = FC_LEVEL_ALIASES.get(text, text)
        if text not in FC_LEVELS:
            raise ValueError(f"doit être {' ou '.join(FC_LEVELS)} ; reçu « {value} »")
        return text

    @field_validator("jdma_demarche_id", mode="before")
    @classmethod
    def _demarche_id(cls, value: Any) -> str | None:
        # YAML reads `jdma_demarche_id: 4567` as a number; it is an identifier.
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"doit être un numéro de démarche comme 4567 ; reçu « {value} »")
        return str(value).strip()

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        # First: an address holding a password is refused without being repeated.
        check_address(value)
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"doit être une adresse http(s) avec un nom d’hôte ; reçu « {value} »")
        if any(c.isspace() for c in value):
            raise ValueError(f"ne doit pas contenir d’espace ; reçu « {value} »")
        return value

    @field_validator("life_events")
    @classmethod
    def _known_events(cls, values: list[str]) -> list[str]:
        slugs = {value: life_event_slug(value) for value in values}
        unknown = [value for value, slug in slugs.items() if slug is None]
        if unknown:
            listed = ", ".join(f"« {v} »" for v in unknown)
            raise ValueError(
                f"{plural(len(unknown), 'moment de vie inconnu', 'moments de vie inconnus')} : {listed} "
                f"(connus : {', '.join(LIFE_EVENTS)})"
            )
        return list(dict.fromkeys(slugs[value] for value in values))


@dataclass(frozen=True)
class Located:
    """An entry with the place in the file it came from."""

    entry: Any
    line: int


@dataclass(frozen=True)
class RegistryFile:
    path: Path
    ministries: list[Located]
    services: list[Located]
    # CSV only: ministry names given in a `ministry_name` column, to create unknown ministries.
    ministry_names: dict[str, str]
    # "yaml" or "csv" (how a hint is worded), "" for entries that come from elsewhere.
    kind: str = ""
    # CSV only: a ministry's contacts given in a `ministry_contacts` column (a CSV has no ministry
    # rows: the alerts of a ministry created or updated from one would otherwise go nowhere).
    ministry_contacts: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Mention:
    """An entry's id (and a service's ministry) as written, valid entry or not: the checks across
    entries (duplicate ids, unknown ministries) report on every entry of the file."""

    kind: str  # "ministry" or "service"
    id: str | None
    ministry: str | None
    line: int


def _error(path: Path, line: int | None, unit: str, field: str, message: str) -> InputError:
    where = f"{path}:{line}" if line else str(path)
    return InputError(f"{where} : {unit}, champ « {field} » : {message}")


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(name), list(known), n=1, cutoff=0.75)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def validation_errors(exc: ValidationError, model: type[BaseModel] | None = None) -> list[tuple[str, str, str]]:
    """Every (field, message, error type) of a failed validation, in words a person reads."""
    found = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "?"
        message = french_message(err)
        if err["type"] == "extra_forbidden":
            message += _did_you_mean(field, model.model_fields) if model else ""
        found.append((field, message, err["type"]))
    return found


def first_validation_error(exc: ValidationError) -> tuple[str, str]:
    field, message, _ = validation_errors(exc)[0]
    return field, message


def _validate(
    model: type[BaseModel], data: Any, path: Path, line: int, unit: str, field_lines: dict[str, int],
    errors: ErrorList, absent_columns: Iterable[str] = (),
) -> Any:
    """The validated entry, or None after adding each of its mistakes to `errors`."""
    if not isinstance(data, dict):
        errors.add(f"{path}:{line} : {unit} : attendu : un ensemble de champs (nom : valeur)", at=line)
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for field, message, kind in validation_errors(exc, model):
            if kind == "missing" and field in absent_columns:
                continue  # said once, for the header
            at = field_lines.get(field.split(".")[0], line)
            errors.add(_error(path, at, unit, field, message), at=at)
        return None


def _mention(kind: str, data: Any, line: int) -> _Mention:
    def text(key: str) -> str | None:
        value = data.get(key) if isinstance(data, dict) else None
        return str(value).strip() or None if isinstance(value, (str, int)) and not isinstance(value, bool) else None

    return _Mention(kind, text("id"), text("ministry") if kind == "service" else None, line)


def _yaml_items(path: Path, root: yaml.MappingNode, key: str, errors: ErrorList) -> list[tuple[Any, int, dict[str, int]]]:
    """The entries under `key` with their line, and the line of each of their fields."""
    for key_node, value_node in root.value:
        if key_node.value != key:
            continue
        if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~", "null"):
            return []
        if not isinstance(value_node, yaml.SequenceNode):
            line = value_node.start_mark.line + 1
            errors.add(f"{path}:{line} : « {key} » doit être une liste", at=line)
            return []
        items = []
        for node in value_node.value:
            data = yaml.safe_load(yaml.serialize(node))
            field_lines = (
                {k.value: k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
            )
            items.append((data, node.start_mark.line + 1, field_lines))
        return items
    return []


def _read_yaml(path: Path, text: str, errors: ErrorList) -> tuple[RegistryFile, list[_Mention]]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{path}{line} : YAML invalide ({getattr(exc, 'problem', exc)})") from None
    if root is None:
        raise InputError(f"{path} : le fichier est vide")
    if not isinstance(root, yaml.MappingNode):
        raise InputError(f"{path}:{root.start_mark.line + 1} : attendu : deux rubriques, « ministries » et « services »")
    allowed = ("ministries", "services")
    for key_node, _ in root.value:
        if key_node.value not in allowed:
            line = key_node.start_mark.line + 1
            errors.add(
                f"{path}:{line} : rubrique inconnue « {key_node.value} »{_did_you_mean(key_node.value, allowed)}",
                at=line,
            )
    ministries, services, mentions = [], [], []
    for key, model, kind, label, found in (
        ("ministries", MinistryEntry, "ministry", "ministère", ministries),
        ("services", ServiceEntry, "service", "démarche", services),
    ):
        for i, (data, line, field_lines) in enumerate(_yaml_items(path, root, key, errors)):
            mentions.append(_mention(kind, data, line))
            entry = _validate(model, data, path, line, f"{label} n° {i + 1}", field_lines, errors)
            if entry is not None:
                found.append(Located(entry, line))
    return RegistryFile(path, ministries, services, {}, "yaml"), mentions


# CSV columns: the service fields, and `ministry_name` to create a ministry not yet known. A
# header is matched without case, accents, spaces or underscores (`Annual volume` is `annual_volume`).
CSV_COLUMNS: tuple[str, ...] = (*ServiceEntry.model_fields, "ministry_name", "ministry_contacts")
_MINISTRY_COLUMNS = ("ministry_name", "ministry_contacts")
# The same columns under the French titles people give them, and the observatory's Grist columns.
FRENCH_HEADERS: dict[str, str] = {
    "Identifiant": "id", "Ref_Demarche": "id",
    "Nom de la démarche": "name", "Démarche": "name", "Nom": "name", "Nom_Demarche": "name",
    "Ministère": "ministry", "Code du ministère": "ministry",
    "Nom du ministère": "ministry_name", "Nom_Ministere": "ministry_name",
    "Administration": "administration", "Nom_Administration": "administration",
    "URL": "url", "URL de la démarche": "url", "Adresse": "url", "URL_Demarche": "url",
    "Volume annuel": "annual_volume", "Volumétrie": "annual_volume", "Volumetrie_En_Ligne": "annual_volume",
    "Aide financière": "financial_aid", "Événements de vie": "life_events", "Contacts": "contacts",
    "Compte usager": "has_account", "Niveau FranceConnect requis": "fc_level_required",
    "Identifiant JDMA": "jdma_demarche_id", "Dashlord_ID_JDMA": "jdma_demarche_id",
}
_CSV_KEYS: dict[str, str] = {header_key(name): name for name in CSV_COLUMNS} | {
    header_key(title): name for title, name in FRENCH_HEADERS.items()}
# The Grist document's other columns (the edition, the indicators) are not registry fields: a
# Grist export (it has `Ref_Demarche`) is read for its services and those columns are left aside.
GRIST_OTHER_COLUMNS = {header_key(name) for name in (
    "Ref_Edition", "Nom_Administration_Centrale", "Ajout_Bouton_JDMA", "Statut_En_ligne", "Note_Satisfaction",
    "Note_Clarte_Langage", "Aide_Joignable", "Aide_Efficace", "Niveau_Autonomie", "Dashlord_UpDown_Dispo",
    "Dashlord_UpDown_Tps_Moy_Chargement", "Taux_RGAA_Publie", "Score_DLNUF", "Recours_au_Numerique", "FranceConnect")}


def ministry_slug(name: str) -> str:
    """A ministry's id made from its name, for a file that names ministries without ids:
    "Ministère de l’Intérieur" is `ministere-de-l-interieur`."""
    return re.sub(r"[^a-z0-9]+", "-", plain_text(name)).strip("-")[:100]


REQUIRED_FIELDS: tuple[str, ...] = tuple(name for name, f in ServiceEntry.model_fields.items() if f.is_required())


def _read_csv(path: Path, errors: ErrorList) -> tuple[RegistryFile, list[_Mention]]:
    table = read_table(path)
    for row, _ in table.problems:
        hint = (" (une cellule de liste qui contient « ; » doit être entre guillemets, ou séparer ses éléments par « , »)"
                if table.delimiter == ";" else "")
        errors.add(f"{path}:{row} : la ligne {row} a plus de cellules que l’en-tête{hint}", at=row)
    fields: dict[str, str] = {}  # column key → field
    grist = header_key("Ref_Demarche") in table.columns
    for key, header in table.columns.items():
        if grist and key in GRIST_OTHER_COLUMNS:
            continue
        if key in _CSV_KEYS:
            fields[key] = _CSV_KEYS[key]
        else:
            known = _did_you_mean(header, CSV_COLUMNS) or f" (colonnes connues : {', '.join(CSV_COLUMNS)})"
            errors.add(f"{path}:1 : colonne inconnue « {header} »{known}", at=1)
    # Ministries named without an id get one made from their name.
    derived_ministry = "ministry" not in fields.values() and "ministry_name" in fields.values()
    absent = [name for name in REQUIRED_FIELDS if name not in fields.values()
              and not (name == "ministry" and derived_ministry)]
    for name in absent:
        errors.add(f"{path}:1 : pas de colonne « {name} » (obligatoire)", at=1)
    services: list[Located] = []
    names: dict[str, str] = {}
    contacts: dict[str, list[str]] = {}
    mentions: list[_Mention] = []
    for row in table.rows:
        data = {field: row.cells[key] for key, field in fields.items() if field not in _MINISTRY_COLUMNS}
        if derived_ministry:
            data["ministry"] = ministry_slug(next(row.cells[k] for k, f in fields.items() if f == "ministry_name"))
        mention = _mention("service", data, row.number)
        mentions.append(mention)
        ministry_name = next((row.cells[key].strip() for key, f in fields.items() if f == "ministry_name"), "")
        if ministry_name and mention.ministry:
            names[mention.ministry] = ministry_name
        given = next((row.cells[key] for key, f in fields.items() if f == "ministry_contacts"), "")
        if mention.ministry and not is_blank(given):
            try:
                contacts.setdefault(mention.ministry, [])
                contacts[mention.ministry] = list(dict.fromkeys(
                    contacts[mention.ministry] + _check_emails(text_list(given))))
            except ValueError as exc:
                errors.add(_error(path, row.number, f"ligne {row.number}", "ministry_contacts", str(exc)), at=row.number)
        entry = _validate(ServiceEntry, data, path, row.number, f"ligne {row.number}", {}, errors, absent)
        if entry is not None:
            services.append(Located(entry, row.number))
    return RegistryFile(path, [], services, names, "csv", contacts), mentions


def unknown_ministry_hint(kind: str) -> str:
    """What to do about a service whose ministry is not known, in the words of its file."""
    if kind == "yaml":
        return "déclarez-le sous « ministries: » ou importez-le d’abord"
    if kind == "csv":
        return "donnez son nom dans une colonne « ministry_name », ou importez-le d’abord"
    return "importez-le d’abord"


def unknown_ministries(
    path: Path | str, kind: str, services: Iterable[tuple[int, str | None, str | None]], known: set[str],
) -> list[tuple[int, str]]:
    """(line, message) for each service (line, id, ministry) whose ministry is not in `known`."""
    return [
        (line, f"{path}:{line} : démarche « {service_id} », champ « ministry » : "
               f"ministère inconnu « {ministry} » ({unknown_ministry_hint(kind)})")
        for line, service_id, ministry in services
        if ministry and ministry not in known
    ]


def _check_across(
    registry: RegistryFile, mentions: list[_Mention], known_ministries: set[str] | None, errors: ErrorList,
) -> None:
    """Duplicate ids, and (when the known ministries are given) services of unknown ministries."""
    for kind, unit in (("ministry", "ministère"), ("service", "démarche")):
        seen: dict[str, int] = {}
        for m in mentions:
            if m.kind != kind or m.id is None:
                continue
            if m.id in seen:
                errors.add(_error(registry.path, m.line, unit, "id",
                                  f"identifiant « {m.id} » en double (déjà ligne {seen[m.id]})"), at=m.line)
            else:
                seen[m.id] = m.line
    if known_ministries is not None:
        declared = {m.id for m in mentions if m.kind == "ministry" and m.id} | set(registry.ministry_names)
        services = [(m.line, m.id, m.ministry) for m in mentions if m.kind == "service"]
        for line, message in unknown_ministries(registry.path, registry.kind, services, known_ministries | declared):
            errors.add(message, at=line)


REGISTRY_SUFFIXES = (".yaml", ".yml", ".csv", ".tsv", ".xlsx")


def read_registry(path: Path, known_ministries: set[str] | None = None) -> RegistryFile:
    """The file's entries, all valid, or `InputErrors` listing every mistake of the file. Given
    the ministries already known, a service of an unknown ministry is one of those mistakes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in REGISTRY_SUFFIXES:
        advice = " (utilisez .yaml, .yml, .csv ou .xlsx"
        advice += " : enregistrez-le en « CSV UTF-8 » ou en « Classeur Excel » depuis votre tableur)" if suffix in (".xls", ".ods") else ")"
        raise InputError(f"{path} : format de registre inconnu « {suffix} »{advice}")
    errors = ErrorList(path)
    if suffix in (".yaml", ".yml"):
        registry, mentions = _read_yaml(path, read_text_file(path), errors)
    else:
        registry, mentions = _read_csv(path, errors)
    _check_across(registry, mentions, known_ministries, errors)
    errors.raise_if_any()
    return registry
