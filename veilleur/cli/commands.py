"""The `veilleur` command group: each command group from its own module, assembled here."""

from __future__ import annotations

import click

from foundation import __version__
from veilleur.cli import (
    demo,
    evaluate,
    evidence,
    indicators,
    keys,
    mail,
    monitor,
    probe,
    registry,
    report,
    run,
    serve,
    status,
    worker,
)
from veilleur.cli.group import VeilleurGroup


@click.group(cls=VeilleurGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="veilleur")
def cli() -> None:
    """Veilleur: automated quality probe for French public online services."""


for module in (registry, probe, run, report, demo, monitor, status, worker, mail, evidence, keys, indicators, evaluate, serve):
    for command in module.COMMANDS:
        cli.add_command(command)
