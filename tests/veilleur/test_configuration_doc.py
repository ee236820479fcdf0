"""docs/configuration.md is the table of every variable, written from the Settings model: it fails here
when the two differ, and every VEILLEUR_ variable the code names is in the model."""

from __future__ import annotations

import re
from pathlib import Path

from foundation.settings import Settings
from veilleur.settings_doc import DOC, render

ROOT = Path(__file__).resolve().parents[2]
# Variables of the tests and benchmarks themselves, not of Veilleur.
OWN_TOOLS = re.compile(r"VEILLEUR_(TEST|BENCH)_")


def test_the_documented_table_is_the_one_the_model_gives():
    assert DOC.read_text(encoding="utf-8") == render(), "python -m veilleur.settings_doc rewrites docs/configuration.md"


def test_every_variable_has_one_row_with_its_default_and_meaning():
    rows = [line for line in render().splitlines() if line.startswith("| `VEILLEUR_")]
    assert len(rows) == len(Settings.variables())
    for row, variable in zip(rows, Settings.variables()):
        name, default, meaning = (cell.strip() for cell in row.strip("|").split(" | "))
        assert name == f"`{variable}`" and default and meaning
    assert "| `VEILLEUR_HOST_DELAY` | 0.5 |" in render()
    assert "| `VEILLEUR_MOBILE` | 1 |" in render()


def test_every_variable_the_code_names_is_in_the_model():
    named = set()
    for folder in ("foundation", "probes", "checks", "storage", "reports", "campaign", "veilleur"):
        for path in (ROOT / folder).rglob("*.py"):
            named |= set(re.findall(r"VEILLEUR_[A-Z_]*[A-Z]", path.read_text(encoding="utf-8")))
    named |= set(re.findall(r"VEILLEUR_[A-Z_]*[A-Z]", (ROOT / "scheduler.py").read_text(encoding="utf-8")))
    unknown = {n for n in named if not OWN_TOOLS.match(n)} - set(Settings.variables())
    assert unknown == set()
