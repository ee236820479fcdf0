"""Reading a registry file (YAML or CSV, format in the README) into validated entries.

Everything is validated before anything is written, and every error names the file, the line
(YAML) or row (CSV) and the field.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from foundation.errors import InputError
from storage.text_file import read_text_file

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

# FranceConnect levels a service's risk may call for (registry field `fc_level_required`).
FC_LEVELS = ("franceconnect", "franceconnect_plus")
FC_LEVEL_ALIASES = {"franceconnect+": "franceconnect_plus", "fc+": "franceconnect_plus", "fc": "franceconnect"}

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def _check_emails(values: list[str]) -> list[str]:
    for value in values:
        if not EMAIL.match(value) or "\r" in value or "\n" in value:
            raise ValueError(f"not an e-mail address: {value!r}")
    return values


def _check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"must be a slug (a-z, 0-9, -), got {value!r}")
    return value


EmailList = Annotated[list[str], AfterValidator(_check_emails)]
Slug = Annotated[str, AfterValidator(_check_slug)]


class MinistryEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Slug
    name: str = Field(min_length=1)
    contacts: EmailList = Field(default_factory=list)


class ServiceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Slug
    name: str = Field(min_length=1)
    ministry: str
    administration: str | None = None
    url: str
    annual_volume: int | None = Field(default=None, ge=0)
    financial_aid: bool = False
    life_events: list[str] = Field(default_factory=list)
    pnu: bool = False
    contacts: EmailList = Field(default_factory=list)
    # Indicators (issue 6): no user account → Authentication "Non applicable"; the FranceConnect
    # level the service's risk calls for; the JeDonneMonAvis démarche id satisfaction imports use.
    has_account: bool = True
    fc_level_required: str = "franceconnect"
    jdma_demarche_id: str | None = None

    @field_validator("fc_level_required", mode="before")
    @classmethod
    def _fc_level(cls, value: Any) -> str:
        if value is None or value == "":
            return "franceconnect"
        text = str(value).strip().lower().replace(" ", "")
        text = FC_LEVEL_ALIASES.get(text, text)
        if text not in FC_LEVELS:
            raise ValueError(f"must be one of {', '.join(FC_LEVELS)}, got {value!r}")
        return text

    @field_validator("jdma_demarche_id", mode="before")
    @classmethod
    def _demarche_id(cls, value: Any) -> str | None:
        # YAML reads `jdma_demarche_id: 4567` as a number; it is an identifier.
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"must be a démarche id such as 4567, got {value!r}")
        return str(value).strip()

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an http(s) URL with a host, got {value!r}")
        if any(c.isspace() for c in value):
            raise ValueError(f"must not contain white space, got {value!r}")
        return value

    @field_validator("life_events")
    @classmethod
    def _known_events(cls, values: list[str]) -> list[str]:
        unknown = [v for v in values if v not in LIFE_EVENTS]
        if unknown:
            raise ValueError(f"unknown life event {unknown[0]!r} (known: {', '.join(LIFE_EVENTS)})")
        return values


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


def _error(path: Path, line: int | None, unit: str, field: str, message: str) -> InputError:
    where = f"{path}:{line}" if line else str(path)
    return InputError(f"{where}: {unit} field '{field}': {message}")


def first_validation_error(exc: ValidationError) -> tuple[str, str]:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "?"
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown field"
    elif err["type"] == "missing":
        message = "required field is missing"
    return field, message


def _validate(model: type[BaseModel], data: Any, path: Path, line: int, unit: str, field_lines: dict[str, int]):
    if not isinstance(data, dict):
        raise InputError(f"{path}:{line}: {unit}: expected a mapping of fields, got {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field, message = first_validation_error(exc)
        top = field.split(".")[0]
        raise _error(path, field_lines.get(top, line), unit, field, message) from None


def _yaml_items(path: Path, root: yaml.Node, key: str) -> list[tuple[dict, int, dict[str, int]]]:
    """The entries under `key` with their line, and the line of each of their fields."""
    if not isinstance(root, yaml.MappingNode):
        raise InputError(f"{path}:{root.start_mark.line + 1}: expected a mapping with 'ministries' and 'services'")
    for key_node, value_node in root.value:
        if key_node.value != key:
            continue
        if isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "~", "null"):
            return []
        if not isinstance(value_node, yaml.SequenceNode):
            raise InputError(f"{path}:{value_node.start_mark.line + 1}: '{key}' must be a list")
        items = []
        for node in value_node.value:
            data = yaml.safe_load(yaml.serialize(node))
            field_lines = (
                {k.value: k.start_mark.line + 1 for k, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
            )
            items.append((data, node.start_mark.line + 1, field_lines))
        return items
    return []


def _read_yaml(path: Path, text: str) -> RegistryFile:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None:
        raise InputError(f"{path}: the file is empty")
    allowed = {"ministries", "services"}
    if isinstance(root, yaml.MappingNode):
        for key_node, _ in root.value:
            if key_node.value not in allowed:
                raise InputError(f"{path}:{key_node.start_mark.line + 1}: unknown top-level key '{key_node.value}'")
    ministries = [
        Located(_validate(MinistryEntry, data, path, line, f"ministry #{i + 1}", fl), line)
        for i, (data, line, fl) in enumerate(_yaml_items(path, root, "ministries"))
    ]
    services = [
        Located(_validate(ServiceEntry, data, path, line, f"service #{i + 1}", fl), line)
        for i, (data, line, fl) in enumerate(_yaml_items(path, root, "services"))
    ]
    return RegistryFile(path, ministries, services, {})


LIST_COLUMNS = ("life_events", "contacts")
BOOL_COLUMNS = ("financial_aid", "pnu", "has_account")
# A blank cell leaves these at their default (most services do have user accounts).
BOOL_DEFAULT_TRUE = ("has_account",)
OPTIONAL_TEXT_COLUMNS = ("administration", "jdma_demarche_id", "fc_level_required")
TRUE = {"true", "yes", "oui", "1", "vrai", "x"}
FALSE = {"false", "no", "non", "0", "faux", ""}


def _csv_value(path: Path, row: int, column: str, raw: str) -> Any:
    value = raw.strip()
    if column in LIST_COLUMNS:
        return [v.strip() for v in value.split(";") if v.strip()]
    if column in BOOL_COLUMNS:
        if value == "" and column in BOOL_DEFAULT_TRUE:
            return True
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise _error(path, row, f"row {row}", column, f"expected true or false, got {raw!r}")
    if column == "annual_volume":
        if value == "":
            return None
        try:
            return int(value.replace(" ", "").replace("\u202f", "").replace("\u00a0", ""))
        except ValueError:
            raise _error(path, row, f"row {row}", column, f"expected a whole number, got {raw!r}") from None
    return value or None if column in OPTIONAL_TEXT_COLUMNS else value


def _read_csv(path: Path, text: str) -> RegistryFile:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        raise InputError(f"{path}: the file is empty")
    known = set(ServiceEntry.model_fields) | {"ministry_name"}
    for column in reader.fieldnames:
        if column.strip() not in known:
            raise InputError(f"{path}:1: unknown column '{column}'")
    services: list[Located] = []
    names: dict[str, str] = {}
    for record in reader:
        row = reader.line_num
        if None in record:
            raise InputError(f"{path}:{row}: row {row} has more cells than the header")
        data = {}
        for column, raw in record.items():
            column = column.strip()
            if raw is None:
                continue
            if column == "ministry_name":
                if raw.strip():
                    names[record.get("ministry", "").strip()] = raw.strip()
                continue
            data[column] = _csv_value(path, row, column, raw)
        services.append(Located(_validate(ServiceEntry, data, path, row, f"row {row}", {}), row))
    return RegistryFile(path, [], services, names)


def read_registry(path: Path) -> RegistryFile:
    path = Path(path)
    text = read_text_file(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        registry = _read_yaml(path, text)
    elif suffix in (".csv", ".tsv"):
        registry = _read_csv(path, text)
    else:
        raise InputError(f"{path}: unknown registry format '{suffix}' (use .yaml, .yml or .csv)")
    _check_unique(registry)
    return registry


def _check_unique(registry: RegistryFile) -> None:
    for label, items in (("ministry", registry.ministries), ("service", registry.services)):
        seen: dict[str, int] = {}
        for item in items:
            if item.entry.id in seen:
                raise _error(
                    registry.path, item.line, label, "id",
                    f"duplicate id {item.entry.id!r} (first at line {seen[item.entry.id]})",
                )
            seen[item.entry.id] = item.line
