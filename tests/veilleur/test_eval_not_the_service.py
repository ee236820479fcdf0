"""`veilleur eval` scores the recognition of pages that are not the service as one more line,
`not_the_service`, from the corpus's labels (a class, or `none` for a service page)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from foundation.errors import InputError
from probes.models import PageCapture, ServiceCapture
from veilleur.evaluation.corpus import Case, load_corpus, serve_corpus
from veilleur.evaluation.measure import Thresholds, evaluate, page_class, render_json, render_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _case(name: str, page_class: str) -> Case:
    return Case(name, CORPUS, {}, page_class=page_class)


def test_the_class_found_is_that_of_the_first_page_that_was_not_the_service():
    landing = PageCapture(url="http://127.0.0.1/", kind="landing", ok=True)
    login = PageCapture(url="http://127.0.0.1/connexion.html", kind="login", error_class="waf",
                        error="page de refus d’un pare-feu applicatif (identifiant de support 1234)")
    assert page_class(ServiceCapture(url=landing.url, pages=[landing, login])) == (
        "waf",
        "la page de connexion /connexion.html : page de refus d’un pare-feu applicatif (identifiant de support 1234)")
    assert page_class(ServiceCapture(url=landing.url, pages=[landing])) == ("none", None)
    timeout = PageCapture(url="http://127.0.0.1/", kind="landing", error_class="timeout")
    assert page_class(ServiceCapture(url=landing.url, pages=[timeout])) == ("none", None)  # a failure, not a class


def test_precision_and_recall_of_the_class_are_printed_and_a_miss_fails_the_thresholds():
    cases = [_case("waf", "waf"), _case("maintenance", "maintenance"), _case("control", "none")]
    right = evaluate("corpus", cases, {c.name: {} for c in cases}, Thresholds(),
                     {"waf": ("waf", "r"), "maintenance": ("maintenance", "r"), "control": ("none", None)})
    out = render_text(right)
    assert "not_the_service — 3 cas · précision 1,000 · rappel 1,000" in out
    assert out.rstrip().endswith("pour chaque contrôle)")
    assert render_json(right)["checks"]["not_the_service"]["per_status"]["waf"]["recall"] == 1.0
    # A control taken for a maintenance page costs precision; a missed refusal costs recall.
    wrong = evaluate("corpus", cases, {c.name: {} for c in cases}, Thresholds(),
                     {"waf": ("none", None), "maintenance": ("maintenance", "r"), "control": ("maintenance", "r")})
    score = wrong.scores["not_the_service"]
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert "not_the_service : précision 0,500 < 0,97" in wrong.failures()
    assert "  control  not_the_service : étiqueté none, trouvé maintenance — r" in render_text(wrong)


def _corpus(root: Path, label: dict, server: dict | None = None) -> Path:
    (root / "case").mkdir(parents=True)
    (root / "case" / "index.html").write_text("<p>Site en maintenance</p>", encoding="utf-8")
    if server is not None:
        (root / "case" / "server.json").write_text(json.dumps(server), encoding="utf-8")
    (root / "labels.json").write_text(json.dumps({"case": label}), encoding="utf-8")
    return root


def test_a_label_naming_no_known_class_is_refused_with_the_file_and_the_case(tmp_path):
    root = _corpus(tmp_path, {"not_the_service": "captcha"})
    with pytest.raises(InputError,
                       match=r"labels.json : cas « case », champ « not_the_service » : classe inconnue « captcha »"):
        load_corpus(root)


def test_a_case_serves_the_headers_its_server_file_gives(tmp_path):
    root = _corpus(tmp_path, {"not_the_service": "maintenance"},
                   {"status": {"/": 503}, "headers": {"/": {"Retry-After": "3600"}}})
    corpus = load_corpus(root)
    assert corpus.cases[0].page_class == "maintenance"
    with serve_corpus(corpus) as served:
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(served.urls["case"], timeout=5)
    assert answer.value.code == 503 and answer.value.headers["Retry-After"] == "3600"


def test_malformed_headers_in_a_server_file_are_refused(tmp_path):
    root = _corpus(tmp_path, {"not_the_service": "maintenance"}, {"headers": {"/": "Retry-After: 3600"}})
    with pytest.raises(InputError, match=r"server.json : champ « headers »"):
        load_corpus(root)
