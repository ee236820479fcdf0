"""The corpus's online-procedure and "Dites-le-nous une fois" families (labels-online-procedure.json,
labels-dlnuf.json) through the real browser, at the thresholds of tests/veilleur/test_eval.py."""

from __future__ import annotations

import pytest

from tests.veilleur.test_eval import assert_meets_097_on_every_check, evaluate_families


@pytest.fixture(scope="module")
def families():
    return evaluate_families("labels-online-procedure.json", "labels-dlnuf.json")


def test_online_procedure_and_dlnuf_cases_meet_097_with_at_least_20_cases_each(families):
    cases = {check: {j.case for j in families.judgements if j.check == check} for check in ("online_procedure", "dlnuf")}
    assert all(len(named) >= 20 for named in cases.values()), cases
    assert_meets_097_on_every_check(families, {j.check for j in families.judgements})
