"""The chaos test: 100 services, sound and hostile, while Chromium processes are killed at random.

The campaign must finish, lose nothing, record every sound service exactly as a quiet run does,
record every hostile one as a finding of the contract, and leave no Chromium behind. The figures
are printed (pytest -s) and quoted in the README's "Reliability" section; `python -m
tests.support.hostile.chaos` prints them alone.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from tests.support.hostile.chaos import run_chaos


def test_a_campaign_over_100_services_with_chromium_killed_at_random_loses_and_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(tmp_path / "data"))
    figures = run_chaos(tmp_path)
    print("\nchaos figures:", json.dumps({k: v for k, v in asdict(figures).items() if k != "hostile_outcomes"}))
    assert figures.services >= 100 and figures.hostile_behaviours >= 15
    assert figures.chromium_kills >= 5 and figures.browser_kills >= 1
    assert figures.aborted_campaigns == 0
    assert figures.lost_results == 0
    assert figures.wrong_results == 0, figures.differences or figures.hostile_outcomes
    assert figures.chromium_left == 0
