"""docs/indicators.md describes the observatory's grid exactly as Veilleur applies it: its section is the one written from the grid's data."""

from __future__ import annotations

from pathlib import Path

from foundation.grid import GRID_INDICATORS
from reports.observatory.grid_guide import BEGIN, END, guide

DOC = Path(__file__).resolve().parents[3] / "docs" / "indicators.md"


def test_the_documented_grid_is_the_grid_veilleur_applies():
    document = DOC.read_text(encoding="utf-8")
    section = document[document.index(BEGIN): document.index(END) + len(END)]
    # Regenerate with: python -m reports.observatory.grid_guide docs/indicators.md
    assert section == guide()


def test_the_guide_names_every_indicator_its_grist_column_and_its_thresholds_in_french():
    text = guide()
    for indicator in GRID_INDICATORS:
        assert f"| {indicator.label} | `{indicator.slug}`" in text and f"`{indicator.grist}`" in text
    assert "« Optimal » (vert, à partir de 99,9 %, objectif atteint)" in text
    assert "« Partiel » (jaune, à partir de 400 ms)" in text
    assert "« Nombre d'avis insuffisant » sous 100 avis" in text
