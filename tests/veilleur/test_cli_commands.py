"""`veilleur` loads a command's module only when the command line names it: the table of
veilleur/cli/commands.py names every command of every module, and `veilleur run` starts without the
libraries of the other commands."""

from __future__ import annotations

import gc
import importlib
import pkgutil
import signal
import subprocess
import sys

import click

import veilleur.cli
from veilleur.cli import _interrupted_while_starting
from veilleur.cli.commands import LAZY_COMMANDS, cli

NOT_COMMANDS = {"veilleur.cli.commands", "veilleur.cli.group", "veilleur.cli.__main__", "veilleur.cli.french_click"}


def _real_commands() -> dict[str, tuple[str, click.Command]]:
    """Every command of every module of veilleur/cli/, by name: its module and itself."""
    found: dict[str, tuple[str, click.Command]] = {}
    for info in pkgutil.iter_modules(veilleur.cli.__path__, "veilleur.cli."):
        if info.name in NOT_COMMANDS:
            continue
        module = importlib.import_module(info.name)
        for command in module.COMMANDS:
            assert command.name not in found, f"{command.name} in {found.get(command.name, ('',))[0]} and {info.name}"
            found[command.name] = (info.name, command)
    return found


def test_the_table_names_every_command_of_every_module_and_only_those():
    assert LAZY_COMMANDS == {name: module for name, (module, _) in _real_commands().items()}


def test_the_help_lists_every_command_with_its_own_help():
    ctx = click.Context(cli, info_name="veilleur", terminal_width=300, max_content_width=300)
    formatter = ctx.make_formatter()
    cli.format_commands(ctx, formatter)
    listing = formatter.getvalue()
    for name, (_, command) in _real_commands().items():
        assert f"{name} " in listing and command.get_short_help_str(300) in listing


def test_every_command_is_found_by_its_name():
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        assert cli.get_command(ctx, name).name == name
    assert cli.get_command(ctx, "nimporte") is None


def _loaded_after(*args: str) -> set[str]:
    code = ("import sys\nfrom veilleur.cli import cli\ntry:\n    cli.main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sys.modules))")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.splitlines()[-1].split())  # after the help


def test_veilleur_run_imports_neither_the_other_commands_nor_their_libraries():
    loaded = _loaded_after("run", "--help")
    assert {m for m in loaded if m.startswith("veilleur.cli.")} == {
        "veilleur.cli.commands", "veilleur.cli.group", "veilleur.cli.french_click", "veilleur.cli.run"}
    # The dashboard, the distributed campaigns, the e-mails' templates and pictures, the exports:
    # a campaign needs none of them to start.
    assert not loaded & {"fastapi", "starlette", "uvicorn", "celery", "kombu", "jinja2", "PIL", "openpyxl",
                         "apscheduler", "storage.registry_file", "reports.alerts.digests"}


def test_ctrl_c_stays_quiet_until_the_command_is_loaded_then_the_command_handles_it():
    previous = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, _interrupted_while_starting)  # as `main` leaves it
        cli.get_command(click.Context(cli), "demo")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

        def mine(signum, frame):
            pass

        signal.signal(signal.SIGINT, mine)  # outside `main` (a test, a tool): left alone
        cli.get_command(click.Context(cli), "demo")
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, previous)
        gc.unfreeze()  # what loading a command froze in `main`, given back to this test process
