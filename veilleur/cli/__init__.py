"""The `veilleur` command: `main` runs the group of veilleur/cli/commands.py, quietly stopped by a
Ctrl-C that comes while it is still starting."""

from __future__ import annotations

import signal
import sys


def _interrupted_while_starting(signum, frame) -> None:
    # Loading the commands and their libraries takes a second or two: a Ctrl-C then must end
    # Veilleur as quietly as one during a campaign, with no traceback of an import.
    print("veilleur : interruption demandée avant le début, rien n'a été fait.", file=sys.stderr)
    raise SystemExit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from veilleur.cli.commands import cli

    # From here on, the commands handle Ctrl-C themselves (a campaign stops in order).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    cli.main()


def __getattr__(name: str):
    # `from veilleur.cli import cli` (tests, tools) without loading every command at import.
    if name == "cli":
        from veilleur.cli.commands import cli

        return cli
    raise AttributeError(name)
