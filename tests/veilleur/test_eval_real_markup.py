"""The corpus's real-markup, settle and mobile families (labels-real-markup.json, labels-settle.json,
labels-mobile.json) through the real browser, at the thresholds of tests/veilleur/test_eval.py."""

from __future__ import annotations

import pytest

from tests.veilleur.test_eval import assert_meets_097_on_every_check, evaluate_families


@pytest.fixture(scope="module")
def families():
    return evaluate_families("labels-real-markup.json", "labels-settle.json", "labels-mobile.json")


def test_real_markup_settle_and_mobile_cases_meet_097_on_every_check_they_label(families):
    assert len({j.case for j in families.judgements}) >= 45
    assert_meets_097_on_every_check(families, {j.check for j in families.judgements})
    assert "mobile" in families.scores


def test_content_written_by_script_after_the_network_is_quiet_is_read(families):
    settled = [j for j in families.judgements if j.case.startswith("settle-")]
    assert settled and all(j.right for j in settled)
