"""`veilleur demo`: the bundled demo sites audited end to end (what `make demo` runs)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("veilleur-report"), show_default=True,
              metavar="DOSSIER", help="Dossier où écrire le rapport de la démonstration.")
def demo(out_dir: Path) -> None:
    """Sert les sites de démonstration sur 127.0.0.1, les audite et écrit le rapport (ce que fait `make demo`)."""
    from veilleur.demo.run import run_demo
    from veilleur.settings import current

    run_demo(out_dir, current())


COMMANDS = [demo]
