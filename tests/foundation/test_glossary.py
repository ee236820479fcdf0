"""One vocabulary: the glossary of the manual (docs/glossaire.md) and the words the screens take
from foundation/vocabulary.py say the same thing, term for term."""

from __future__ import annotations

import re
from pathlib import Path

from foundation import vocabulary
from foundation.quarters import Quarter

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossaire.md"


def _table(heading: str) -> dict[str, str]:
    text = GLOSSARY.read_text(encoding="utf-8").split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("|---")][1:]
    return {cells[0]: cells[1] for cells in ([c.strip() for c in row.strip("|").split("|")] for row in rows)}


def test_the_glossary_and_the_vocabulary_give_the_same_terms_and_definitions():
    assert _table("Les termes") == dict(vocabulary.GLOSSARY)


def test_the_glossary_and_the_vocabulary_forbid_the_same_words():
    assert _table("Ce qu’on n’écrit pas") == dict(vocabulary.AVOID)


def test_a_quarter_reads_as_the_glossary_writes_it():
    assert Quarter.parse("2026Q4").label == "4e trimestre 2026"
    assert Quarter.parse("2027Q1").label == "1er trimestre 2027"
    assert re.search(r"« 4e trimestre 2026 »", vocabulary.GLOSSARY["trimestre"])
