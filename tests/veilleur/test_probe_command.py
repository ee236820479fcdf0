"""`veilleur probe URL --json` follows the contract of the README, for a sound site and a down one."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from checks import check_ids, finding_types
from tests.support.webserver import LocalSite, html, unused_port

SITE = """<!doctype html><html lang="fr"><head><title>Aide</title></head><body>
<header><a href="/connexion">Se connecter</a></header>
<main><h1>Demander une aide</h1><p>Vous pouvez demander cette aide en ligne. Le formulaire prend dix minutes.
Préparez votre avis d'imposition et un justificatif de domicile. Si vous avez besoin d'aide, appelez le
01 23 45 67 89 du lundi au vendredi. Vous pouvez aussi venir au guichet, sur rendez-vous.</p>
<p><a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/4567?button=12"><img
 src="https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu.svg" alt="Je donne mon avis"></a></p></main>
<footer><a href="/accessibilite">Accessibilité : partiellement conforme</a></footer></body></html>"""

LOGIN = """<!doctype html><html lang="fr"><head><title>Connexion</title></head><body><main><h1>Connexion</h1>
<div class="fr-connect-group"><button class="fr-connect fr-connect--plus"><span class="fr-connect__login">S’identifier avec</span>
<span class="fr-connect__brand">FranceConnect</span></button><p><a href="https://franceconnect.gouv.fr/france-connect-plus"
target="_blank" rel="noopener">Qu’est-ce que FranceConnect+ ?</a></p></div></main></body></html>"""

STATEMENT = """<!doctype html><html lang="fr"><head><title>Déclaration d’accessibilité</title></head><body><main>
<h1>Déclaration d’accessibilité</h1><p>Établie le 12 mars 2025.</p>
<p>Le ministère s’engage à rendre son service accessible. Ce site est partiellement conforme avec le référentiel général
d’amélioration de l’accessibilité (RGAA), version 4.1. L’audit révèle que 74,5 % des critères du RGAA version 4.1 sont respectés.</p>
</main></body></html>"""


def probe_json(url: str) -> tuple[int, dict]:
    done = subprocess.run([sys.executable, "-m", "veilleur.cli", "probe", url, "--json", "--page-timeout", "5"],
                          capture_output=True, text=True, timeout=180, env=dict(os.environ))
    return done.returncode, json.loads(done.stdout)


def assert_contract_shape(document: dict) -> None:
    for key in ("url", "final_url", "http_status", "ok", "error", "pages", "checks"):
        assert key in document
    for page in document["pages"]:
        assert {"url", "kind", "http_status"} <= set(page)
        assert page["kind"] in ("landing", "login", "contact", "accessibility", "other")
    assert list(document["checks"]) == list(check_ids())
    for check, finding in document["checks"].items():
        assert finding["status"] in finding_types()[check].statuses


def test_probe_json_of_a_sound_site_follows_the_contract():
    with LocalSite({"/": html(SITE), "/connexion": html(LOGIN), "/accessibilite": html(STATEMENT)}) as site:
        code, document = probe_json(site.url("/"))
    assert code == 0
    assert_contract_shape(document)
    assert document["ok"] is True and document["http_status"] == 200 and document["error"] is None
    assert [p["kind"] for p in document["pages"]] == ["landing", "login", "accessibility"]
    checks = document["checks"]
    assert checks["franceconnect"]["status"] == "franceconnect_plus" and checks["franceconnect"]["evidence"]
    assert checks["jedonnemonavis"] == {**checks["jedonnemonavis"], "status": "present", "demarche_id": "4567"}
    assert "0123456789" in checks["non_digital_alternative"]["phones"]
    accessibility = checks["accessibility"]
    assert accessibility["status"] == "measured" and isinstance(accessibility["violations"], int)
    assert set(accessibility) >= {"rules", "by_impact", "rgaa_criteria"}
    statement = checks["accessibility_statement"]
    assert (statement["status"], statement["rate"], statement["rgaa_version"], statement["date"]) == (
        "partiellement", 74.5, "4.1", "2025-03-12")
    assert statement["statement_url"].endswith("/accessibilite")
    readability = checks["readability"]
    assert readability["status"] == "measured" and 0 <= readability["score"] <= 10 and readability["words"] > 30


def test_probe_json_of_a_site_that_is_down_is_a_result_with_every_check_unknown():
    code, document = probe_json(f"http://127.0.0.1:{unused_port()}/")
    assert code == 0
    assert_contract_shape(document)
    assert document["ok"] is False and document["error_class"] == "connection_refused" and document["error"]
    assert {f["status"] for f in document["checks"].values()} == {"unknown"}


def test_probe_json_of_a_server_error_gives_unknown_never_absent():
    with LocalSite({"/": html("<html><body>Erreur interne</body></html>", 500)}) as site:
        code, document = probe_json(site.url("/"))
    assert code == 0 and document["ok"] is False and document["http_status"] == 500
    assert {f["status"] for f in document["checks"].values()} == {"unknown"}
