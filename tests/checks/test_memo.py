"""checks.readings.memo: within one run of the checks, what several checks work out from the same page is
done once, and the findings are those of the checks run one by one."""

from __future__ import annotations

from checks import CHECKS, run_checks
from checks.readings.memo import alike, one_run, per_run
from probes.models import Element
from tests.checks.pages import capture, html_page, landing, page_from_html

SERVICE = """
<header><a href="/connexion">Se connecter</a></header>
<main><h1>Demande de carte</h1>
<p>Faites votre demande en ligne ou appelez le 01 23 45 67 89.</p>
<button class="fr-connect"><span class="fr-connect__login">S’identifier avec</span>
<span class="fr-connect__brand">FranceConnect</span></button>
<h2>Pièces justificatives</h2><ul><li>Justificatif de domicile</li><li>Pièce d’identité</li></ul>
<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/1234?button=5">Je donne mon avis</a></main>
<footer><a href="/accessibilite">Accessibilité : non conforme</a></footer>"""


def counting():
    calls: list[object] = []

    @per_run
    def compute(argument):
        calls.append(argument)
        return len(calls)

    return compute, calls


def test_a_result_is_computed_once_per_argument_within_a_run_and_each_time_outside():
    compute, calls = counting()
    one, other = object(), object()
    with one_run():
        assert [compute(one), compute(one), compute(other), compute(one)] == [1, 1, 2, 1]
    assert compute(one) == 3
    with one_run():
        assert compute(one) == 4  # nothing is kept from one run to the next
    assert calls == [one, other, one, one]


def test_with_a_key_elements_alike_on_two_pages_share_one_result():
    calls: list[Element] = []
    compute = per_run(key=alike)(calls.append)
    link = Element(tag="a", selector="html > body > a", text="Aide", attrs={"href": "https://x.gouv.fr/aide"})
    elsewhere = link.model_copy(update={"selector": "#pied > a", "visible": False})
    other = link.model_copy(update={"text": "Contact"})
    with one_run():
        compute(link), compute(elsewhere), compute(other)
    assert calls == [link, other]


def test_run_checks_finds_what_the_checks_find_one_by_one():
    service = capture(landing(SERVICE),
                      page_from_html(html_page(SERVICE), url="https://service.example.gouv.fr/connexion",
                                     kind="login"))
    alone = {check_id: check.decide(service).model_dump(mode="json") for check_id, check in CHECKS.items()}
    together = {check_id: finding.model_dump(mode="json") for check_id, finding in run_checks(service).items()}
    assert together == alone
    assert together["franceconnect"]["status"] == "franceconnect"
