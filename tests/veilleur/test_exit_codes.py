"""`veilleur run` ends with the exit codes the manual gives: 130 after a Ctrl-C, whether visits
were left pending or every visit in flight finished within the grace; 0 for a campaign nobody
stopped."""

from __future__ import annotations

import pytest

from campaign.executor import CampaignSummary, UnitResult
from veilleur.campaign_console import _run_with_progress


def _runner(**summary):
    """A campaign that recorded one visit, then ended as `summary` says (the executor's own
    tests show when it stops; here, what the command makes of it)."""
    def run(db, store, campaign_id, settings, on_start, on_result, on_complete, on_stopping, stop_grace_s):
        result = UnitResult(service_id="a", ok=True, error_class=None, pages=1, seconds=1.0, stored=True,
                            statuses={}, headlines={})
        on_start(1)
        on_result(result)
        return CampaignSummary(campaign_id, results=[result], seconds=1.0, **summary)
    return run


@pytest.mark.parametrize("summary", [dict(interrupted=True, stop_requested=True), dict(stop_requested=True)],
                         ids=["visits left pending", "every visit finished in the grace"])
def test_a_stopped_campaign_exits_130(summary, capsys):
    with pytest.raises(SystemExit) as stopped:
        _run_with_progress(None, None, 7, None, _runner(**summary))
    assert stopped.value.code == 130
    assert "Campagne 7 interrompue" in capsys.readouterr().err


def test_a_campaign_nobody_stopped_returns_its_summary():
    summary = _run_with_progress(None, None, 7, None, _runner())
    assert summary.campaign_id == 7 and not summary.stop_requested
