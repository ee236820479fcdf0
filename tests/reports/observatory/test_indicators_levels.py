"""Every level of every indicator, at and around each threshold of the observatory: those a check
feeds are judged in the check's module, the others in reports/observatory/levels.py."""

from __future__ import annotations

from datetime import date

import pytest

from checks.accessibility_statement import handicap_level, is_expired
from checks.franceconnect import authentication_level
from checks.jedonnemonavis import satisfaction_level
from checks.non_digital_alternative import alternative_level
from checks.readability import readability_level
from foundation.tones import Tone
from reports.observatory import levels as L


@pytest.mark.parametrize("status, has_account, expected", [
    ("franceconnect_plus", True, L.FRANCECONNECT_PLUS),
    ("franceconnect", True, L.FRANCECONNECT),
    ("absent", True, L.NO),
    ("unknown", True, L.UNKNOWN),
    (None, True, L.UNKNOWN),
    # declared in the registry as having no account: whatever the probe saw
    ("absent", False, L.NOT_APPLICABLE),
    ("franceconnect", False, L.NOT_APPLICABLE),
])
def test_authentication_levels(status, has_account, expected):
    assert authentication_level(status, has_account) == expected


@pytest.mark.parametrize("status, rate, expected", [
    ("totalement", 100.0, L.YES),
    ("partiellement", 99.99, L.PARTIAL),
    ("partiellement", 50.0, L.PARTIAL),
    ("partiellement", 49.99, L.NO),
    ("non", 12.0, L.NO),
    ("non", None, L.NO),
    ("totalement", None, L.YES),  # "totalement conforme" without a figure is 100 %
    ("partiellement", None, L.NO),  # no rate published: cannot be shown to reach 50 %
    ("absent", None, L.NO),
    ("unknown", None, L.UNKNOWN),
])
def test_handicap_levels_from_the_declared_rate(status, rate, expected):
    assert handicap_level(status, rate, expired=False) == expected


@pytest.mark.parametrize("status, rate", [("totalement", 100.0), ("partiellement", 80.0)])
def test_a_statement_over_three_years_old_is_no_whatever_its_rate(status, rate):
    assert handicap_level(status, rate, expired=True) == L.NO


@pytest.mark.parametrize("statement, on, expired", [
    (date(2023, 3, 12), date(2026, 3, 12), False),  # exactly three years: not over
    (date(2023, 3, 12), date(2026, 3, 13), True),
    (date(2023, 3, 12), date(2026, 3, 11), False),
    (date(2024, 2, 29), date(2027, 2, 28), False),  # leap day: its third anniversary is 28 February
    (date(2024, 2, 29), date(2027, 3, 1), True),
])
def test_statement_age_is_over_three_years_from_the_day_after_its_third_anniversary(statement, on, expired):
    assert is_expired(statement.isoformat(), on) is expired


@pytest.mark.parametrize("score, expected", [
    (10.0, L.GREEN), (8.0, L.GREEN), (7.99, L.ORANGE), (5.0, L.ORANGE), (4.99, L.RED), (0.0, L.RED), (None, L.NO_DATA),
])
def test_scores_out_of_ten(score, expected):
    assert L.score_level(score) == expected


@pytest.mark.parametrize("score, reviews, button, expected", [
    (8.0, 100, "present", L.VERY_GOOD),
    (7.99, 100, "present", L.INSUFFICIENT),
    (5.0, 250, "present", L.INSUFFICIENT),
    (4.99, 250, "present", L.CRITICAL),
    (9.5, 99, "present", L.TOO_FEW_REVIEWS),  # under 100 reviews: "Nombre d'avis insuffisant"
    (9.5, 0, "absent", L.TOO_FEW_REVIEWS),
    (8.5, 100, "absent", L.VERY_GOOD),  # the imported score stands even if the button moved out of sight
    (None, None, "present", L.TO_COME),  # button there, nothing imported yet
    (None, None, "absent", L.NO),  # no button: users cannot give their opinion
    (None, None, "unknown", L.TO_COME),
])
def test_satisfaction_levels(score, reviews, button, expected):
    assert satisfaction_level(score, reviews, button) == expected


@pytest.mark.parametrize("status, score, expected", [
    ("measured", 8.0, L.GREEN), ("measured", 7.99, L.ORANGE), ("measured", 5.0, L.ORANGE),
    ("measured", 4.99, L.RED), ("unknown", None, L.UNKNOWN),
])
def test_readability_uses_the_same_thresholds(status, score, expected):
    assert readability_level(status, score) == expected


@pytest.mark.parametrize("status, expected", [
    ("present", L.PRESENT), ("absent", L.ABSENT), ("unknown", L.UNKNOWN),
])
def test_non_digital_alternative(status, expected):
    assert alternative_level(status) == expected


@pytest.mark.parametrize("percent, expected", [
    (100.0, L.OPTIMAL), (99.91, L.OPTIMAL), (99.9, L.OPTIMAL), (99.89, L.PARTIAL), (98.5, L.PARTIAL),
    (98.49, L.WEAK), (0.0, L.WEAK), (None, L.TO_COME),
])
def test_uptime_from_99_9_optimal_then_from_98_5_partial(percent, expected):
    assert L.uptime_level(percent) == expected


@pytest.mark.parametrize("ms, expected", [
    (0.0, L.OPTIMAL), (399.9, L.OPTIMAL), (400.0, L.PARTIAL), (799.9, L.PARTIAL), (800.0, L.WEAK), (800.1, L.WEAK),
    (None, L.TO_COME),
])
def test_load_time_optimal_under_400_partiel_under_800_faible_from_800_ms(ms, expected):
    assert L.load_time_level(ms) == expected


@pytest.mark.parametrize("declared, expected", [
    ("oui", L.YES), ("Partiel", L.PARTIAL), ("non", L.NO), ("Démarche proactive", L.PROACTIVE),
    ("En cours de déploiement local", L.LOCAL_ROLLOUT), (None, L.TO_COME),
])
def test_online_end_to_end_as_declared(declared, expected):
    assert L.online_level(declared) == expected


def test_level_codes_are_unique_and_tones_order_progress():
    codes = [level.code for level in L.ALL_LEVELS]
    assert len(codes) == len(set(codes))
    assert Tone.GOOD.rank > Tone.MEDIUM.rank > Tone.BAD.rank
    assert Tone.NEUTRAL.rank is None and Tone.UNKNOWN.rank is None
