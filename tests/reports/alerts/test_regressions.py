"""Which changes are regressions, and when a regression is confirmed (K runs, no flapping)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from checks import finding_from_stored
from reports.alerts.regressions import AVAILABILITY, Observation, confirmed_regression, recovered, rules, status_change

RULES = {r.check: r for r in rules(axe_tolerance=5)}
T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def obs(n: int, ok: bool = True, full: bool = True, impacts: dict | None = None, expired: bool = False, **statuses) -> Observation:
    details = {"accessibility": {"by_impact": impacts or {}}, "accessibility_statement": {"expired": expired}}
    if "accessibility" not in statuses and ok and full:
        statuses["accessibility"] = "measured"
    findings = {check: finding_from_stored(check, status, None, details.get(check, {}), [])
                for check, status in statuses.items()}
    return Observation(run_id=n, campaign_id=n, started_at=T0 + timedelta(days=n), ok=ok, error_class=None if ok else "timeout",
                       full=full, findings=findings)


def newest_first(*observations):
    return list(reversed(observations))


def test_franceconnect_lost_is_confirmed_after_two_consecutive_runs():
    fc = RULES["franceconnect"]
    assert confirmed_regression(fc, newest_first(obs(1, franceconnect="franceconnect"), obs(2, franceconnect="absent")), 2) is None
    confirmed = confirmed_regression(fc, newest_first(obs(1, franceconnect="franceconnect"), obs(2, franceconnect="absent"),
                                                       obs(3, franceconnect="absent")), 2)
    assert confirmed.baseline.run_id == 1 and confirmed.since == T0 + timedelta(days=2)
    assert fc.describe(confirmed.baseline, confirmed.streak[0]) == "Le bouton FranceConnect a disparu"


def test_franceconnect_plus_downgraded_to_plain_is_a_regression():
    fc = RULES["franceconnect"]
    assert fc.regressed(obs(1, franceconnect="franceconnect_plus"), obs(2, franceconnect="franceconnect"))
    assert not fc.regressed(obs(1, franceconnect="franceconnect"), obs(2, franceconnect="franceconnect_plus"))


def test_a_flapping_service_never_confirms():
    jdma = RULES["jedonnemonavis"]
    flapping = [obs(i, jedonnemonavis="present" if i % 2 else "absent") for i in range(1, 9)]
    for end in range(2, 9):
        assert confirmed_regression(jdma, newest_first(*flapping[:end]), 2) is None


def test_unknown_runs_neither_confirm_nor_break_a_regression_but_the_newest_must_tell():
    nda = RULES["non_digital_alternative"]
    runs = [obs(1, non_digital_alternative="present"), obs(2, non_digital_alternative="absent"),
            obs(3, non_digital_alternative="unknown"), obs(4, non_digital_alternative="absent")]
    assert confirmed_regression(nda, newest_first(*runs), 2) is not None
    assert confirmed_regression(nda, newest_first(*runs, obs(5, non_digital_alternative="unknown")), 2) is None


def test_unreachable_service_is_watched_on_every_run_including_availability_checks():
    down = RULES[AVAILABILITY]
    runs = [obs(1), obs(2, ok=False, full=False), obs(3, ok=False, full=True)]
    assert confirmed_regression(down, newest_first(*runs), 2) is not None
    assert recovered(down, runs[0], obs(4, full=False))


def test_new_serious_axe_violations_count_only_beyond_the_tolerance():
    axe = RULES["accessibility"]
    base = obs(1, impacts={"critical": 1, "serious": 2, "minor": 40})
    assert not axe.regressed(base, obs(2, impacts={"critical": 3, "serious": 5, "minor": 90}))  # +5: within tolerance
    assert axe.regressed(base, obs(2, impacts={"critical": 4, "serious": 5}))  # +6
    assert axe.describe(base, obs(2, impacts={"critical": 4, "serious": 5})) == (
        "6 nouvelles violations d’accessibilité graves ou critiques (axe-core : 3 → 9)")
    assert axe.describe(base, obs(2, impacts={"critical": 2, "serious": 2})) == (
        "1 nouvelle violation d’accessibilité grave ou critique (axe-core : 3 → 4)")


def test_statement_gone_or_expired_is_a_regression():
    st = RULES["accessibility_statement"]
    assert st.regressed(obs(1, accessibility_statement="partiellement"), obs(2, accessibility_statement="absent"))
    assert st.regressed(obs(1, accessibility_statement="totalement"), obs(2, accessibility_statement="totalement", expired=True))
    assert not st.regressed(obs(1, accessibility_statement="totalement"), obs(2, accessibility_statement="non"))


def test_recovery_needs_a_run_that_can_tell():
    fc = RULES["franceconnect"]
    baseline = obs(1, franceconnect="franceconnect")
    assert not recovered(fc, baseline, obs(5, franceconnect="unknown"))
    assert recovered(fc, baseline, obs(5, franceconnect="franceconnect_plus"))


def test_a_change_of_status_reads_in_the_words_of_the_vocabulary_never_its_ids():
    assert status_change("jedonnemonavis", "present", "absent") == "JeDonneMonAvis : présent → absent"
    assert status_change("franceconnect", "franceconnect_plus", "absent") == "FranceConnect : FranceConnect+ → absent"
    assert status_change(AVAILABILITY, "ok", "connection_refused") == "Disponibilité : joignable → connexion refusée"
    # the statuses alone do not tell these: the incident's sentence does
    assert status_change("accessibility", "measured", "measured") is None
    assert status_change("accessibility_statement", "totalement", "totalement") is None


def test_an_unreachable_service_is_described_in_words():
    down = RULES[AVAILABILITY]
    gone = Observation(run_id=2, campaign_id=2, started_at=T0, ok=False, error_class="timeout", full=False)
    assert down.describe(obs(1), gone) == "Le service est injoignable (délai dépassé)"
