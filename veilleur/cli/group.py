"""The `veilleur` command group: each command's module is loaded only when the command line names
it; bad input and usage errors end as one French line on stderr, exit code 2; `--help` lists the
commands by task."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping

import click

from foundation.errors import InputError
from probes.settings import probe_settings
from veilleur.cli import command_loaded
from veilleur import option_bounds as bounds
from veilleur.cli.french_click import install as install_french_click
from veilleur.cli.french_click import quoted

install_french_click()

# Where an error line starts: the program, then what went wrong, in French typography.
ERROR = "veilleur : erreur : "

# Click 8.2+ raises this for a group called without its command (`veilleur`, `veilleur mail`);
# earlier versions print the help and exit 0 themselves.
_NO_COMMAND = getattr(click.exceptions, "NoArgsIsHelpError", ())


class VeilleurGroup(click.Group):
    """Every usage error and bad input ends as one line on stderr and exit code 2; a group called
    without a command shows its help, exit code 0.

    `lazy_commands` maps a command's name to its module: the module (and the libraries it pulls)
    is imported when the command is asked for (click's "lazy loading subcommands" pattern).
    `sections` gives the headings of `--help` with their commands, in order: a command in none
    of them is listed under « autres »."""

    def __init__(self, *args, lazy_commands: Mapping[str, str] | None = None,
                 sections: Mapping[str, list[str]] | None = None, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]…")
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})
        self.sections = {title: list(names) for title, names in (sections or {}).items()}

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self.sections:
            return super().format_commands(ctx, formatter)
        listed = self.list_commands(ctx)
        placed = {name for names in self.sections.values() for name in names}
        sections = [*self.sections.items(), ("autres", [n for n in listed if n not in placed])]
        width = formatter.width - 6 - max(len(name) for name in listed)
        for title, names in sections:
            rows = []
            for name in names:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(width)))
            if rows:
                with formatter.section(f"Commandes — {title}"):
                    formatter.write_dl(rows)

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
            click.echo(f"{ERROR}{_usage_message(exc)}", err=True)
            sys.exit(2)
        except InputError as exc:
            click.echo(f"{ERROR}{exc}", err=True)
            sys.exit(2)


class CommandFamily(click.Group):
    """A command with sub-commands (`veilleur registry`, `veilleur mail`…), its usage in French."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", "COMMANDE [ARGUMENTS]…")
        super().__init__(*args, **kwargs)


def _usage_message(exc: click.ClickException) -> str:
    """Click's message, with the command it concerns: « veilleur run : option inconnue : --x »."""
    message = quoted(exc.format_message())
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and ctx.parent is not None:
        return f"{ctx.command_path.removeprefix('veilleur ')} : {message}"
    return message


def probe_options(fn):
    fn = click.option("--page-timeout", type=bounds.PAGE_TIMEOUT, metavar="SECONDES",
                      help="Délai accordé à chaque page, en secondes (0,5 au moins).")(fn)
    fn = click.option("--concurrency", type=bounds.CONCURRENCY, metavar="N",
                      help="Démarches visitées en parallèle (de 1 à 64).")(fn)
    fn = click.option("--max-pages", type=bounds.KEY_PAGES, metavar="N",
                      help="Pages clés visitées après la page d’accueil (de 0 à 10).")(fn)
    return fn


def settings_from_options(page_timeout, concurrency, max_pages):
    """The probe section the shell read, then the command's options."""
    from veilleur.settings import current

    return probe_settings(current().probe, page_timeout_s=page_timeout, concurrency=concurrency, max_key_pages=max_pages)
