"""A page the probe recognised as not the service (probes/interruption.py) goes through the one
failed-page rule of checks/readings/coverage.py: every check depending on it says `unknown`, naming what
the page was instead, and nothing is measured or found absent from it."""

from __future__ import annotations

import pytest

from checks import CHECKS, run_checks
from tests.checks.pages import capture, failed_page, landing

WAF_REASON = "page de refus d’un pare-feu applicatif (identifiant de support 14628307981935672114)"


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_a_landing_page_that_is_not_the_service_leaves_every_check_unknown_and_says_what_it_was(check_id):
    page = failed_page(error_class="maintenance", error="page de maintenance : le service est interrompu "
                                                        "(« Site en maintenance »)")
    finding = run_checks(capture(page))[check_id]
    assert finding.status == "unknown"
    assert "n’est pas le service" in finding.reason and "« Site en maintenance »" in finding.reason


def test_a_login_page_refused_by_a_firewall_blocks_the_absence_of_franceconnect_and_names_the_refusal():
    home = landing("<main><h1>Payer ses impôts</h1><a href='/connexion'>Se connecter</a></main>")
    login = failed_page("https://service.example.gouv.fr/connexion", kind="login", error_class="waf", error=WAF_REASON)
    findings = run_checks(capture(home, login))
    assert findings["franceconnect"].status == "unknown"
    assert WAF_REASON in findings["franceconnect"].reason
    assert findings["jedonnemonavis"].status == "unknown"  # its button may be in the procedure's frame


def test_a_contact_page_in_maintenance_does_not_block_franceconnect_which_is_not_offered_there():
    home = landing("<main><h1>Payer ses impôts</h1></main>")
    contact = failed_page("https://service.example.gouv.fr/contact", kind="contact", error_class="maintenance",
                          error="page de maintenance : le service est interrompu (« Maintenance »)")
    findings = run_checks(capture(home, contact))
    assert findings["franceconnect"].status == "absent"
    assert "« Maintenance »" in findings["franceconnect"].reason  # named as a page that was not read
    assert findings["jedonnemonavis"].status == "unknown"
