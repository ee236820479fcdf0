"""The `veilleur` command group: each command in its own module of veilleur/cli/, loaded only when
the command line names it (`veilleur run` does not import the dashboard, the exports…)."""

from __future__ import annotations

import click

from foundation import __version__
from veilleur.cli.group import VeilleurGroup

# Every command: its name → its module, which lists it in `COMMANDS`. `veilleur --help` loads them
# all (rare, and its listing is then the commands' own); tests/veilleur/test_cli_commands.py fails when this
# table and the modules drift apart.
LAZY_COMMANDS: dict[str, str] = {
    "registry": "veilleur.cli.registry",
    "probe": "veilleur.cli.probe",
    "run": "veilleur.cli.run",
    "report": "veilleur.cli.report",
    "demo": "veilleur.cli.demo",
    "schedule": "veilleur.cli.monitor",
    "status": "veilleur.cli.status",
    "worker": "veilleur.cli.worker",
    "mail": "veilleur.cli.mail",
    "verify": "veilleur.cli.evidence",
    "evidence": "veilleur.cli.evidence",
    "keys": "veilleur.cli.keys",
    "import": "veilleur.cli.indicators",
    "export": "veilleur.cli.indicators",
    "objectives": "veilleur.cli.indicators",
    "reference": "veilleur.cli.indicators",
    "eval": "veilleur.cli.evaluate",
    "serve": "veilleur.cli.serve",
    "proposals": "veilleur.cli.serve",
}


# `veilleur --help` lists the commands by task, in this order (tests/veilleur/test_cli_french.py
# holds every command to one section).
SECTIONS: dict[str, list[str]] = {
    "campagnes": ["run", "schedule", "worker", "status", "probe"],
    "résultats": ["report", "serve", "export", "objectives", "reference", "import"],
    "preuves": ["verify", "evidence", "keys"],
    "administration": ["registry", "proposals", "mail"],
    "outils": ["demo", "eval"],
}


@click.group(cls=VeilleurGroup, lazy_commands=LAZY_COMMANDS, sections=SECTIONS,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="veilleur")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Veilleur mesure la qualité des démarches en ligne essentielles de l’État : il les visite
    avec un vrai navigateur, enregistre ce que constatent ses neuf contrôles, preuves à l’appui, et
    en tire les indicateurs de l’observatoire.

    `veilleur COMMANDE --help` donne le détail d’une commande."""
    # The environment is read here, once per command (a bad value: one French line, exit code 2);
    # the command hands each floor its section. Imported here: `--version` and `--help` need no pydantic.
    from veilleur.settings import read_settings

    ctx.obj = read_settings()
