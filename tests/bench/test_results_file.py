"""A bench run leaves its figures in a dated file of bench/results/, the day taken at Paris time;
two runs of one day share the file, one after the other."""

from __future__ import annotations

import datetime as dt

from bench.results_file import write_results


def test_a_run_writes_the_file_of_its_paris_day_and_a_second_run_is_appended(tmp_path):
    # 23:30 UTC on 31 December is already 1 January in Paris.
    late = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
    first = write_results("floor: 5.44 pages/s\n", ["--services", "30"], late, tmp_path)
    second = write_results("floor: 5.40 pages/s\n", [], late + dt.timedelta(hours=2), tmp_path)

    assert first == second == tmp_path / "2027-01-01.md"
    text = first.read_text(encoding="utf-8")
    assert text.startswith("# Mesures du 1er janvier 2027\n")
    assert text.count("## Mesure du") == 2
    assert "## Mesure du 1er janvier 2027 à 0 h 30, heure de Paris" in text
    assert "`python -m bench.run --services 30`" in text
    assert text.index("5.44 pages/s") < text.index("5.40 pages/s")


