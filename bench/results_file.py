"""The dated result file of a bench run: what `python -m bench.run` printed, kept in
bench/results/AAAA-MM-JJ.md (the day at Paris time), so that figures are never edited by hand into
the README or the manual (docs/performance.md links these files)."""

from __future__ import annotations

import datetime as dt
import io
import os
import platform
import sys
from pathlib import Path

from foundation.formatting import date, date_time, paris_time

RESULTS = Path(__file__).resolve().parent / "results"


class Tee(io.TextIOBase):
    """Writes what the bench prints both to the terminal and to a buffer, for the result file."""

    def __init__(self, terminal) -> None:
        self.terminal = terminal
        self.buffer = io.StringIO()

    def write(self, text: str) -> int:
        self.terminal.write(text)
        return self.buffer.write(text)

    def flush(self) -> None:
        self.terminal.flush()


def write_results(printed: str, argv: list[str], moment: dt.datetime, folder: Path = RESULTS) -> Path:
    """Append one bench run (what it printed, the command, the machine) to the file of its day;
    the first run of a day writes the file's title."""
    path = folder / f"{paris_time(moment):%Y-%m-%d}.md"
    folder.mkdir(parents=True, exist_ok=True)
    command = " ".join(["python -m bench.run", *argv])
    load = " ".join(f"{x:.2f}".replace(".", ",") for x in os.getloadavg())
    section = (f"\n## Mesure du {date_time(moment)}\n\n"
               f"Commande : `{command}`. Machine : {platform.node()}, {os.cpu_count()} cœurs, "
               f"Python {platform.python_version()} ; charge moyenne à la fin : {load}.\n\n"
               "Sortie du banc, telle qu’affichée :\n\n```\n" + printed.strip("\n") + "\n```\n")
    if not path.exists():
        path.write_text(f"# Mesures du {date(moment)}\n\n"
                        "Écrit par `make bench` (bench/run.py) à la fin de chaque mesure.\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as out:
        out.write(section)
    return path


def tee_stdout() -> Tee:
    tee = Tee(sys.stdout)
    sys.stdout = tee
    return tee
