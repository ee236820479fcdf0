"""`veilleur run` and the scheduler call whichever campaign runner `campaign_runner` gives: the
in-process executor and the distributed follower take the same arguments, with the same defaults."""

from __future__ import annotations

import inspect

from campaign.distributed import CampaignRunner
from campaign.distributed.follow import follow_campaign
from campaign.executor import run_campaign


def _shape(function, bound: tuple[str, ...] = ()) -> list[tuple[str, object, bool]]:
    # Names, kinds and whether each has a default: the defaults of callbacks differ only as lambdas.
    # `bound`: keyword-only parameters `campaign_runner` fills in (the broker's address).
    return [(p.name, p.kind, p.default is not inspect.Parameter.empty)
            for p in inspect.signature(function).parameters.values() if p.name != "self" and p.name not in bound]


def test_both_campaign_runners_have_the_shape_the_shell_calls():
    declared = _shape(CampaignRunner.__call__)
    assert _shape(run_campaign) == declared
    assert _shape(follow_campaign, bound=("broker_url",)) == declared


def test_the_plain_defaults_are_the_same_for_both_runners():
    for name in ("stop", "stop_grace_s", "on_complete"):
        expected = inspect.signature(CampaignRunner.__call__).parameters[name].default
        assert inspect.signature(run_campaign).parameters[name].default == expected
        assert inspect.signature(follow_campaign).parameters[name].default == expected
