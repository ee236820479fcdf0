"""`python -m veilleur.settings_doc`: docs/configuration.md, the table of every variable, written from the Settings model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from foundation.settings import Settings, variable_of

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"

HEAD = """# Configuration

Veilleur se règle par des variables d'environnement, lues une fois par la commande `veilleur`
(veilleur/settings.py) et passées aux étages qui s'en servent, section par section. Une valeur
vide compte comme absente. Une valeur mauvaise arrête la commande avant tout travail, sur une ligne
qui nomme la variable, la limite et la valeur reçue (code de sortie 2), par exemple :

    veilleur : erreur : VEILLEUR_CONCURRENCY : nombre entier attendu entre 1 et 64, reçu « abc »

Ce tableau est écrit à partir du modèle (foundation/settings.py) par `python -m veilleur.settings_doc` ;
un test échoue quand il ne lui correspond plus.
"""


def shown(value: Any) -> str:
    """A default as a person would type it in the variable."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    lines = [HEAD]
    for section, model in Settings.sections().items():
        lines += [f"## {model.label()}", "", f"Section `{section}` ({model.__name__}).", "",
                  "| Variable | Valeur par défaut | Signification |", "|---|---|---|"]
        for field in model.model_fields.values():
            extra = field.json_schema_extra or {}
            default = extra.get("shown_default") or shown(field.default)  # type: ignore[union-attr]
            lines.append(f"| `{variable_of(field)}` | {_cell(str(default))} | {_cell(field.description or '')} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write docs/configuration.md; with `--check`, only say whether it matches the model (exit 1 if not)."""
    argv = sys.argv[1:] if argv is None else argv
    text = render()
    if "--check" in argv:
        current = DOC.read_text(encoding="utf-8") if DOC.is_file() else ""
        if current != text:
            print(f"{DOC} ne correspond plus au modèle : python -m veilleur.settings_doc le réécrit", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(DOC)
    return 0


if __name__ == "__main__":
    sys.exit(main())
