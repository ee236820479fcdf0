"""The "could we look?" rule, shared by every check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks import CHECKS, check_ids, finding_types, run_checks
from checks.readings.coverage import blocking_failures
from probes.models import ServiceCapture
from tests.checks.pages import capture, failed_page, landing

ALL_CHECKS = list(CHECKS.items())
PRESENCE_CHECKS = ["franceconnect", "jedonnemonavis", "non_digital_alternative", "accessibility_statement"]


@pytest.mark.parametrize("check_id, check", ALL_CHECKS)
def test_every_check_is_unknown_when_the_landing_page_failed(check_id, check):
    finding = check(capture(failed_page(error_class="dns", error="net::ERR_NAME_NOT_RESOLVED")))
    assert finding.status == "unknown"
    assert "page d’accueil" in finding.reason and "adresse introuvable (DNS)" in finding.reason
    assert isinstance(finding, finding_types()[check_id])


@pytest.mark.parametrize("check_id, check", ALL_CHECKS)
def test_every_check_is_unknown_when_no_page_was_captured(check_id, check):
    empty = ServiceCapture(url="https://down.example.gouv.fr/", ok=False, error="connection refused",
                           error_class="connection_refused")
    finding = check(empty)
    assert finding.status == "unknown"
    assert "connexion refusée" in finding.reason


@pytest.mark.parametrize("check_id", ["jedonnemonavis", "non_digital_alternative"])
def test_page_that_failed_to_load_gives_unknown_never_absent(check_id):
    contact = failed_page("https://service.example.gouv.fr/contact", kind="contact", error_class="http_5xx",
                          error="HTTP 503")
    finding = CHECKS[check_id](capture(landing("<p>Bienvenue.</p>"), contact))
    assert finding.status == "unknown"
    assert "https://service.example.gouv.fr/contact" in finding.reason
    assert "erreur du serveur (5xx)" in finding.reason


@pytest.mark.parametrize("check_id", PRESENCE_CHECKS)
def test_absence_is_explained_once_naming_every_searched_page_by_its_kind(check_id):
    pages = [landing("<p>Bienvenue.</p>"),
             landing("<p>Aide.</p>", url="https://service.example.gouv.fr/aide", kind="contact")]
    finding = CHECKS[check_id](capture(*pages))
    assert finding.status == "absent"
    assert finding.reason.startswith(("Aucun", "Ni "))
    assert finding.reason.endswith("sur les 2 pages visitées : accueil et contact.")
    assert [e.page_url for e in finding.evidence] == [p.url for p in pages]
    assert [e.note for e in finding.evidence] == ["la page d’accueil lue, sans résultat",
                                                        "la page de contact lue, sans résultat"]


def test_run_checks_returns_every_check_in_contract_order():
    findings = run_checks(capture(landing("<p>Bienvenue.</p>")))
    assert tuple(findings) == check_ids()
    for check_id, finding in findings.items():
        assert finding.check == check_id
        assert finding.status in finding.statuses


def test_checks_never_import_playwright():
    root = Path(__file__).resolve().parents[2]
    code = "import sys, checks; sys.exit(3 if any(m.startswith('playwright') for m in sys.modules) else 0)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_a_crashing_check_gives_unknown_without_losing_the_others(monkeypatch):
    import checks

    def boom(capture):
        raise ValueError("unexpected markup")

    monkeypatch.setitem(checks.CHECKS, "jedonnemonavis", checks.Check(checks.finding_type("jedonnemonavis"), boom))
    findings = run_checks(capture(landing("<p>Bienvenue.</p>")))
    assert findings["jedonnemonavis"].status == "unknown"
    assert "ValueError" in findings["jedonnemonavis"].reason
    assert findings["franceconnect"].status == "absent"


# Which failed page blocks which absence claim: the table of checks/readings/coverage.py's docstring.
BLOCKS = {
    "login": {"franceconnect", "jedonnemonavis", "non_digital_alternative"},
    "contact": {"jedonnemonavis", "non_digital_alternative"},
    "accessibility": {"accessibility_statement"},
    "other": set(),
}


@pytest.mark.parametrize("kind, check_id", [(k, c) for k in BLOCKS for c in PRESENCE_CHECKS])
def test_a_failed_key_page_blocks_the_absence_claims_of_the_checks_that_look_for_their_thing_there(kind, check_id):
    page = failed_page(f"https://service.example.gouv.fr/{kind}", kind=kind, error_class="timeout")
    finding = CHECKS[check_id](capture(landing("<p>Bienvenue.</p>"), page))
    assert finding.status == ("unknown" if check_id in BLOCKS[kind] else "absent")
    # Either way the page that could not be read is named.
    assert f"https://service.example.gouv.fr/{kind}" in finding.reason or kind == "accessibility"


# The procedure's start and the documents it asks for may be on any page but the statement.
ANY_PAGE_BUT_STATEMENT = {"landing", "login", "contact", "other"}


def test_each_presence_check_declares_its_scope_as_the_table_of_checks_coverage_says():
    scopes = {check_id: check.scope for check_id, check in CHECKS.items() if check.scope is not None}
    assert {check_id: {k for k in scope.blocked_by} for check_id, scope in scopes.items()} == {
        **{check_id: {kind for kind, checks in BLOCKS.items() if check_id in checks} for check_id in PRESENCE_CHECKS},
        "online_procedure": ANY_PAGE_BUT_STATEMENT, "dlnuf": ANY_PAGE_BUT_STATEMENT}


def test_an_absence_that_a_failed_page_does_not_block_names_that_page():
    contact = failed_page("https://service.example.gouv.fr/contact", kind="contact", error_class="http_5xx",
                          error="HTTP 500")
    finding = CHECKS["franceconnect"](capture(landing("<p>Bienvenue.</p>"), contact))
    assert finding.status == "absent"
    assert finding.reason == (
        "Aucun bouton FranceConnect (bouton DSFR, image du bouton, lien vers FranceConnect) sur la seule page "
        "visitée : accueil. Une page n’a pas pu être chargée (la page de contact "
        "(https://service.example.gouv.fr/contact) : erreur du serveur (5xx)), mais l’absence ne se juge pas "
        "sur cette page.")


def test_a_failed_page_of_another_kind_blocks_no_absence_but_a_set_of_kinds_still_means_every_one():
    other = failed_page("https://service.example.gouv.fr/autre", kind="other", error_class="timeout")
    service = capture(landing("<p>Bienvenue.</p>"), other)
    assert [p.url for p in blocking_failures(service, CHECKS["non_digital_alternative"].scope)] == []
    # Checks that pass a bare set of kinds (the rule before scopes): every failed page of those kinds.
    assert [p.url for p in blocking_failures(service, frozenset({"landing", "other"}))] == [other.url]


@pytest.mark.parametrize("check_id, expected", [
    ("franceconnect", "absent"), ("jedonnemonavis", "absent"), ("non_digital_alternative", "absent"),
    ("accessibility_statement", "unknown"),
])
def test_a_dead_statement_link_only_blinds_the_statement_check(check_id, expected):
    statement = failed_page("https://service.example.gouv.fr/accessibilite", kind="accessibility",
                            error_class="http_4xx", error="HTTP 404")
    assert CHECKS[check_id](capture(landing("<p>Bienvenue.</p>"), statement)).status == expected
