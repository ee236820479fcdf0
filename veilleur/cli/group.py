"""The `veilleur` command group: each command's module is loaded only when the command line names
it; bad input and usage errors end as one line on stderr, exit code 2."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping

import click

from foundation.errors import InputError
from probes.settings import probe_settings
from veilleur.cli import command_loaded
from veilleur import option_bounds as bounds

# Click 8.2+ raises this for a group called without its command (`veilleur`, `veilleur mail`);
# earlier versions print the help and exit 0 themselves.
_NO_COMMAND = getattr(click.exceptions, "NoArgsIsHelpError", ())


class VeilleurGroup(click.Group):
    """Every usage error and bad input ends as one line on stderr and exit code 2; a group called
    without a command shows its help, exit code 0.

    `lazy_commands` maps a command's name to its module: the module (and the libraries it pulls)
    is imported when the command is asked for (click's "lazy loading subcommands" pattern)."""

    def __init__(self, *args, lazy_commands: Mapping[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(self.lazy_commands[cmd_name])
        command_loaded()
        return {command.name: command for command in module.COMMANDS}[cmd_name]

    def main(self, args=None, prog_name=None, **extra):
        try:
            code = super().main(args=args, prog_name=prog_name or "veilleur", standalone_mode=False, **extra)
            # In non-standalone mode click returns ctx.exit(n)'s code instead of exiting with it.
            if isinstance(code, int) and code != 0:
                sys.exit(code)
            return code
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("veilleur : interruption demandée, arrêt.", err=True)
            sys.exit(130)
        except _NO_COMMAND as exc:
            click.echo(exc.ctx.get_help(), color=exc.ctx.color)
            sys.exit(0)
        except click.ClickException as exc:
            click.echo(f"veilleur: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except InputError as exc:
            click.echo(f"veilleur: error: {exc}", err=True)
            sys.exit(2)


def probe_options(fn):
    fn = click.option("--page-timeout", type=bounds.PAGE_TIMEOUT, help="Seconds allowed per page.")(fn)
    fn = click.option("--concurrency", type=bounds.CONCURRENCY, help="Services probed at once.")(fn)
    fn = click.option("--max-pages", type=bounds.KEY_PAGES, help="Key pages to visit after the landing page.")(fn)
    return fn


def settings_from_options(page_timeout, concurrency, max_pages):
    """The probe section the shell read, then the command's options."""
    from veilleur.settings import current

    return probe_settings(current().probe, page_timeout_s=page_timeout, concurrency=concurrency, max_key_pages=max_pages)
