"""The validation library's (pydantic's) errors in French, naming the limit that was crossed:
"String should have at least 1 character" becomes « doit contenir au moins 1 caractère ».

Each error type pydantic can give for the fields of our files has its sentence here; our own
validators raise their French message themselves (a `value_error`, passed through). A type missing
here reads « valeur invalide », never English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from foundation.vocabulary import count


def _at_least(ctx: Mapping[str, Any]) -> str:
    return f"doit contenir au moins {count(int(ctx['min_length']), 'caractère', 'caractères')}"


def _at_most(ctx: Mapping[str, Any]) -> str:
    return f"doit contenir au plus {count(int(ctx['max_length']), 'caractère', 'caractères')}"


def _items_at_least(ctx: Mapping[str, Any]) -> str:
    return f"doit contenir au moins {count(int(ctx['min_length']), 'élément', 'éléments')}"


def _items_at_most(ctx: Mapping[str, Any]) -> str:
    return f"doit contenir au plus {count(int(ctx['max_length']), 'élément', 'éléments')}"


def _number(value: Any) -> str:
    return str(value).replace(".", ",")


# pydantic's error type → the French sentence, from the error's context (its limits).
MESSAGES: dict[str, Any] = {
    "missing": lambda ctx: "champ obligatoire absent",
    "extra_forbidden": lambda ctx: "champ inconnu",
    "string_too_short": _at_least,
    "string_too_long": _at_most,
    "too_short": _items_at_least,
    "too_long": _items_at_most,
    "greater_than_equal": lambda ctx: f"doit être supérieur ou égal à {_number(ctx['ge'])}",
    "greater_than": lambda ctx: f"doit être supérieur à {_number(ctx['gt'])}",
    "less_than_equal": lambda ctx: f"doit être inférieur ou égal à {_number(ctx['le'])}",
    "less_than": lambda ctx: f"doit être inférieur à {_number(ctx['lt'])}",
    "int_parsing": lambda ctx: "doit être un nombre entier",
    "int_type": lambda ctx: "doit être un nombre entier",
    "int_from_float": lambda ctx: "doit être un nombre entier, sans décimale",
    "float_parsing": lambda ctx: "doit être un nombre",
    "float_type": lambda ctx: "doit être un nombre",
    "bool_parsing": lambda ctx: "doit être oui ou non",
    "bool_type": lambda ctx: "doit être oui ou non",
    "string_type": lambda ctx: "doit être du texte",
    "list_type": lambda ctx: "doit être une liste",
    "dict_type": lambda ctx: "doit être un ensemble de champs",
    "model_type": lambda ctx: "doit être un ensemble de champs",
    "model_attributes_type": lambda ctx: "doit être un ensemble de champs",
    "literal_error": lambda ctx: f"doit être l’une des valeurs {ctx.get('expected', '')}".rstrip(),
    "enum": lambda ctx: f"doit être l’une des valeurs {ctx.get('expected', '')}".rstrip(),
    "string_pattern_mismatch": lambda ctx: "n’a pas la forme attendue",
    "url_parsing": lambda ctx: "doit être une adresse web",
    "date_parsing": lambda ctx: "doit être une date comme 2026-12-31",
    "date_from_datetime_parsing": lambda ctx: "doit être une date comme 2026-12-31",
}


def french_message(error: Mapping[str, Any]) -> str:
    """One pydantic error (an item of `ValidationError.errors()`) as a French sentence."""
    kind = error.get("type", "")
    if kind in ("value_error", "assertion_error"):
        # Our validators' own words: the ValueError's message, French already.
        cause = (error.get("ctx") or {}).get("error")
        return str(cause) if cause is not None else "valeur invalide"
    sentence = MESSAGES.get(kind)
    text = sentence(error.get("ctx") or {}) if sentence else "valeur invalide"
    if kind in _SHOW_INPUT and isinstance(error.get("input"), (int, float, str)) and not isinstance(error["input"], bool):
        text += f" ; reçu « {_number(error['input'])} »"
    return text


# Errors of a number's limits: the value given helps (a length is said by the message itself).
_SHOW_INPUT = {"greater_than_equal", "greater_than", "less_than_equal", "less_than", "int_parsing", "float_parsing"}
