"""The front door: a README in French under 200 lines that names the nine checks as the registry
holds them and carries no benchmark figure, and a manual in docs/ whose table of contents leads to
a page for each reader's task; performance figures live in dated files of bench/results/."""

from __future__ import annotations

import re
from pathlib import Path

from checks import CHECKS
from foundation import vocabulary
from tests.support.french_text import ENGLISH

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def _links(markdown: Path) -> set[str]:
    return {target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", markdown.read_text(encoding="utf-8"))
            if "://" not in target}


def test_the_readme_is_under_200_lines_and_french():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    prose = re.sub(r"```.*?```|`[^`]*`", " ", text, flags=re.S)
    english = [m.group(0) for m in ENGLISH.finditer(prose)]
    assert english == [], english


def test_the_readme_names_the_nine_checks_in_the_registrys_order_with_their_french_statuses():
    rows = [line for line in README.read_text(encoding="utf-8").splitlines() if re.match(r"\| `[a-z_]+` \|", line)]
    assert [re.match(r"\| `([a-z_]+)`", row).group(1) for row in rows] == list(CHECKS)
    assert len(rows) == 9
    for row, check in zip(rows, CHECKS.values()):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == check.finding.label
        assert cells[3] == ", ".join(vocabulary.status(s) for s in check.finding.statuses)


def test_the_readme_holds_no_benchmark_figure():
    text = README.read_text(encoding="utf-8")
    figures = re.findall(r"\d+[.,]?\d*\s*(?:pages?/s|ms\b|Mo\b|MB\b|KiB|Kio|×(?! \d)|services?/(?:h|min)|démarches?/(?:h|min))",
                         text)
    assert figures == []


def test_the_manual_has_a_table_of_contents_leading_to_every_task():
    contents = DOCS / "README.md"
    pages = _links(contents)
    for page in ("exploitation.md", "deploiement.md", "montee-en-charge.md", "preuves.md", "indicators.md",
                 "exactitude.md", "performance.md", "configuration.md", "glossaire.md"):
        assert page in pages
    # Pages of this tree exist; deploiement.md and configuration.md come from their own work.
    for page in pages - {"deploiement.md", "configuration.md"}:
        assert (DOCS / page).resolve().is_file(), page
    assert {"docs/README.md", "docs/exactitude.md", "docs/performance.md"} <= _links(README)


def test_the_performance_page_links_every_dated_result_file():
    dated = {p.name for p in (ROOT / "bench" / "results").glob("*.md")}
    assert dated and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}\.md", name) for name in dated)
    linked = {Path(link).name for link in _links(DOCS / "performance.md") if "bench/results/" in link}
    assert dated <= linked


def test_the_accuracy_page_has_a_row_for_every_check():
    text = (DOCS / "exactitude.md").read_text(encoding="utf-8")
    for check in CHECKS:
        assert re.search(rf"\| `{check}` \| \d+ \| [01],\d{{3}} \| [01],\d{{3}} \|", text), check
