"""The `veilleur` command: `main` runs the group of veilleur/cli/commands.py, quietly stopped by a
Ctrl-C that comes while it is still starting (loading the command's module)."""

from __future__ import annotations

import gc
import signal
import sys


def _interrupted_while_starting(signum, frame) -> None:
    # Loading a command and its libraries takes a second or so: a Ctrl-C then must end Veilleur as
    # quietly as one during a campaign, with no traceback of an import.
    print("veilleur : interruption demandée avant le début, rien n'a été fait.", file=sys.stderr)
    raise SystemExit(130)


def main() -> None:
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from veilleur.cli.commands import cli

    # The group loads the named command's module only now, then calls command_loaded().
    cli.main()


def command_loaded() -> None:
    """The invoked command's module is loaded: from here on, the commands handle Ctrl-C themselves
    (a campaign stops in order). Nothing changes outside `main` (a test invoking the group)."""
    if signal.getsignal(signal.SIGINT) is _interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # The hundred thousand objects made by loading live as long as the process: frozen, the
        # garbage collector never walks them again, at each collection of a campaign nor at exit
        # (0.3 s of CPU per command, measured).
        gc.freeze()


def __getattr__(name: str):
    # `from veilleur.cli import cli` (tests, tools) without loading every command at import.
    if name == "cli":
        from veilleur.cli.commands import cli

        return cli
    raise AttributeError(name)
