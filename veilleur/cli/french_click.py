"""Click's own words in French (usage, help headings, its errors), put in place of its gettext
lookups when the command group is loaded.

Click looks its messages up through the name `_` (and `ngettext`) of each of its modules, at the
moment it writes them: replacing those names gives every message click writes in French, without
a compiled catalogue or a locale installed on the machine. A message click adds later and missing
here stays English, which tests/veilleur/test_cli_french.py finds.
"""

from __future__ import annotations

import re

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

FRENCH: dict[str, str] = {
    "Aborted!": "Interrompu.",
    "deprecated": "obsolète",
    "required": "obligatoire",
    "Missing command.": "Commande manquante.",
    "Options": "Options",
    "Positional arguments": "Arguments",
    "Commands": "Commandes",
    "Value must be an iterable.": "La valeur doit être une liste.",
    "env var: {var}": "variable d’environnement : {var}",
    "default: {default}": "par défaut : {default}",
    "(dynamic)": "(calculé)",
    "Do you want to continue?": "Voulez-vous continuer ?",
    "Confirm the action without prompting.": "Confirmer l’action sans la demander.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Show the version and exit.": "Affiche la version et s’arrête.",
    "Show this message and exit.": "Affiche cette aide et s’arrête.",
    "Usage:": "Utilisation :",
    "Invalid start character for option ({option})": "caractère initial invalide pour une option ({option})",
    "Option {name!r} does not take a value.": "l’option {name} ne prend pas de valeur",
    "Argument {name!r} takes {nargs} values.": "l’argument {name} prend {nargs} valeurs",
    "Missing argument": "argument manquant",
    "unknown error": "erreur inconnue",
    "Invalid value for {param_hint}: {message}": "valeur invalide pour {param_hint} : {message}",
    "Missing option": "option manquante",
    "Could not open file {filename!r}: {message}": "impossible d’ouvrir le fichier « {filename} » : {message}",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l’aide.",
    "Missing parameter": "paramètre manquant",
    "Missing parameter: {param_name}": "paramètre manquant : {param_name}",
    "No such option {name!r}.": "option inconnue : {name}",
    "No such command {name!r}.": "commande inconnue : {name}",
    "Invalid value: {message}": "valeur invalide : {message}",
    "Missing {param_type}": "{param_type} manquant",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "Choose from:\n\t{choices}": "Choisissez parmi :\n\t{choices}",
    "Choice({choices})": "Choix({choices})",
    "{value} is not in the range {range}.": "« {value} » n’est pas dans l’intervalle {range}",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "« {value} » n’est pas un booléen valide ; valeurs reconnues : {states}",
    "{value!r} is not a valid {number_type}.": "« {value} » n’est pas un {number_type} valide",
    "{value!r} is not a valid UUID.": "« {value} » n’est pas un UUID valide",
    "{name} {filename!r} is a file.": "{name} « {filename} » est un fichier",
    "{name} {filename!r} is a directory.": "{name} « {filename} » est un dossier",
    "{name} {filename!r} is not readable.": "{name} « {filename} » n’est pas lisible",
    "{name} {filename!r} is not writable.": "{name} « {filename} » n’est pas accessible en écriture",
    "{name} {filename!r} is not executable.": "{name} « {filename} » n’est pas exécutable",
    "{name} {filename!r} does not exist.": "{name} « {filename} » n’existe pas",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
}

# (singular, plural) → the French pair; French takes the singular for 0 and 1.
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("argument en trop : {args}", "arguments en trop : {args}"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("prend {nargs} valeurs mais 1 a été donnée", "prend {nargs} valeurs mais {len} ont été données"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("l’option {name} demande une valeur", "l’option {name} demande {nargs} valeurs"),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Vouliez-vous dire {possibility} ?", "(Vouliez-vous dire l’une de : {possibilities} ?)"),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("« {value} » n’est pas {choice}", "« {value} » n’est pas l’une des valeurs {choices}"),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("« {value} » ne suit pas le format {format}", "« {value} » ne suit aucun des formats {formats}"),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("{len_type} valeurs sont demandées, mais {len_value} a été donnée",
         "{len_type} valeurs sont demandées, mais {len_value} ont été données"),
}

# The names click gives its types, shown as metavars (`--concurrency ENTIER`) and in its errors
# ("'x' n’est pas un entier valide").
TYPE_NAMES: dict[type, str] = {
    click.types.StringParamType: "texte",
    click.types.IntParamType: "entier",
    click.types.IntRange: "entier",
    click.types.FloatParamType: "nombre",
    click.types.FloatRange: "nombre",
    click.types.BoolParamType: "booléen",
    click.types.DateTime: "date",
    click.types.File: "fichier",
    click.types.UUIDParameterType: "uuid",
}


class FrenchHelpFormatter(click.HelpFormatter):
    """Headings as French typography writes them: « Options : », a space before the colon."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading} :\n")


def quoted(message: str) -> str:
    """Click quotes names and values the Python way ('--concurrency'); French quotes « »."""
    return re.sub(r"'([^'\n]*)'", r"« \1 »", message)


def french(message: str) -> str:
    return FRENCH.get(message, message)


def french_plural(singular: str, plural: str, n: int) -> str:
    one, other = PLURALS.get((singular, plural), (singular, plural))
    return one if abs(n) <= 1 else other


def install() -> None:
    """Put the French words in place in click's modules (done once, when the group is loaded)."""
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser,
                   click.termui, click.types, click.utils):
        if hasattr(module, "_"):
            module._ = french
        if hasattr(module, "ngettext"):
            module.ngettext = french_plural
    for cls, name in TYPE_NAMES.items():
        cls.name = name
    click.Context.formatter_class = FrenchHelpFormatter
