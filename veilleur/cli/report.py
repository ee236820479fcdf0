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
        raise InputError(f"--out {str(out_dir)!r}: exists and is not a folder (give a folder for the report)")


def _unwritable(out_dir: Path, exc: OSError) -> InputError:
    where = exc.filename if exc.filename is not None else out_dir
    why = exc.strerror or str(exc)
    return InputError(f"--out {str(out_dir)!r}: cannot write {str(where)!r} ({why})")


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Folder to write the report to.")
@click.option("--campaign", "campaign_id", type=bounds.RECORD_ID, help="Report one campaign (default: each service's latest run).")
def report(out_dir: Path, campaign_id: int | None) -> None:
    """Write a static HTML report: services × checks, and a page per service with its evidence."""
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
    click.echo(f"report: {index}")


def _on_the_way(path: Path, out_dir: Path) -> bool:
    """Whether `path` is `out_dir`, inside it, or one of the folders above it."""
    path, out_dir = path.resolve(), out_dir.resolve()
    return path == out_dir or out_dir in path.parents or path in out_dir.parents


COMMANDS = [report]
