"""« Prise en compte du handicap » counts only a receivable statement: a criterion the check found
missing makes the level « Non » and the note names it; criteria not read leave the level alone."""

from __future__ import annotations

from datetime import date

import pytest

from checks.accessibility_statement import CRITERIA, HANDICAP, AccessibilityStatementFinding
from checks.models import Visit
from foundation.grid import NO, PARTIAL, YES

VISIT = Visit(has_account=True, fc_level_required="franceconnect", as_of=date(2026, 12, 1))
RECEIVABLE = dict(level_stated=True, accessible_contact=True, representative_sample=True, overall_rate=True,
                  recent_audit=True, on_every_page=True)


def reading(**fields):
    finding = AccessibilityStatementFinding(status="partiellement", rate=85.41, date="2026-03-12", expired=False,
                                            **{**RECEIVABLE, **fields})
    feed = next(f for f in AccessibilityStatementFinding.indicators if f.spec is HANDICAP)
    return feed.reading(finding, VISIT)


def test_a_receivable_statement_keeps_the_level_of_its_rate():
    assert (reading().level, reading().value) == (PARTIAL, 85.41)
    assert "non recevable" not in reading().note


@pytest.mark.parametrize("criterion", list(CRITERIA))
def test_each_missing_criterion_makes_it_non_and_is_named(criterion):
    result = reading(**{criterion: False})
    assert result.level == NO
    assert f"déclaration non recevable, il manque {CRITERIA[criterion]}" in result.note


def test_two_missing_criteria_are_both_named_in_the_observatorys_order():
    result = reading(on_every_page=False, accessible_contact=False)
    assert result.level == NO
    assert "il manque un moyen de contact accessible, un lien depuis chaque page visitée" in result.note


def test_criteria_not_read_leave_a_fully_compliant_statement_at_oui():
    finding = AccessibilityStatementFinding(status="totalement", rate=100.0, date="2026-03-12", expired=False)
    feed = next(f for f in AccessibilityStatementFinding.indicators if f.spec is HANDICAP)
    assert feed.reading(finding, VISIT).level == YES
