"""`veilleur report --out DIR`: the static HTML report."""

from __future__ import annotations

from pathlib import Path

import click

from foundation.errors import InputError
from veilleur.settings import open_stores
from veilleur import option_bounds as bounds


def _folder_to_write(out_dir: Path) -> None:
    """`--out` as a folder we can write to, or one line naming it (before the database is opened)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out « {out_dir} » : existe et n’est pas un dossier (donnez un dossier pour le rapport)")


def _unwritable(out_dir: Path, exc: OSError) -> InputError:
    where = exc.filename if exc.filename is not None else out_dir
    why = exc.strerror or str(exc)
    return InputError(f"--out « {out_dir} » : impossible d’écrire « {where} » ({why})")


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, metavar="DOSSIER",
              help="Dossier où écrire le rapport.")
@click.option("--campaign", "campaign_id", type=bounds.RECORD_ID, metavar="N",
              help="Le rapport d’une campagne (par défaut : la dernière visite de chaque démarche).")
def report(out_dir: Path, campaign_id: int | None) -> None:
    """Écrit le rapport HTML statique : démarches × contrôles, et une page par démarche avec ses preuves."""
    from reports.site.html_report import write_report

    _folder_to_write(out_dir)
    db, store = open_stores()
    with db.sessions() as session:
        try:
            index = write_report(session, store, out_dir, campaign_id)
        except OSError as exc:
            # Only a failure to make or write --out (or a folder above it) is the user's input;
            # anything else stays a failure of ours.
            if exc.filename is None or not _on_the_way(Path(exc.filename), out_dir):
                raise
            raise _unwritable(out_dir, exc) from None
    click.echo(f"rapport : {index}")


def _on_the_way(path: Path, out_dir: Path) -> bool:
    """Whether `path` is `out_dir`, inside it, or one of the folders above it."""
    path, out_dir = path.resolve(), out_dir.resolve()
    return path == out_dir or out_dir in path.parents or path in out_dir.parents


COMMANDS = [report]
