"""`veilleur eval DIR`: a labelled corpus served on loopback, probed through the real browser, scored
per check with a confusion table, precision and recall; exit 1 below the thresholds."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from checks import check_ids, finding_types
from checks.franceconnect import FranceConnectFinding
from checks.non_digital_alternative import NonDigitalAlternativeFinding
from tests.conftest import FAST
from tests.support.french_text import all_glossary_problems, all_problems
from veilleur.cli import cli
from veilleur.evaluation.corpus import (FIELD_CHECKS, NOT_THE_SERVICE, PAGE_CLASSES, Expectation, load_corpus,
                                        serve_corpus)
from foundation.errors import InputError
from veilleur.evaluation.measure import Judgement, Thresholds, judge, run_evaluation, score_check

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REALWORLD = Path("/work/shared/realworld")

FC_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Service</title></head><body>
<main><h1>Service</h1><button class="fr-connect fr-connect--plus"><span class="fr-connect__login">S’identifier avec</span>
<span class="fr-connect__brand">FranceConnect</span></button></main></body></html>"""
PLAIN_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Service</title></head><body>
<main><h1>Service</h1><p>Faites votre demande en ligne.</p></main></body></html>"""


def write_corpus(root: Path, labels: dict, pages: dict[str, str], servers: dict[str, dict] | None = None) -> Path:
    for case, html in pages.items():
        (root / case).mkdir(parents=True)
        (root / case / "index.html").write_text(html, encoding="utf-8")
    for case, behaviour in (servers or {}).items():
        (root / case / "server.json").write_text(json.dumps(behaviour), encoding="utf-8")
    (root / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    return root


def run_cli(*args: str):
    return CliRunner().invoke(cli, ["eval", *args, "--page-timeout", "8"], catch_exceptions=False)


@pytest.fixture
def small_corpus(tmp_path) -> Path:
    return write_corpus(
        tmp_path / "corpus",
        labels={"plus": {"franceconnect": "franceconnect_plus"},
                "plain": {"franceconnect": "absent", "jedonnemonavis": "absent"},
                "down": {"franceconnect": "unknown", "non_digital_alternative": "unknown"}},
        pages={"plus": FC_PAGE, "plain": PLAIN_PAGE, "down": FC_PAGE},
        servers={"down": {"status": {"/": 503}}},
    )


# --- The command, through the real browser ------------------------------------------------------------

def test_eval_prints_a_confusion_table_with_precision_and_recall_per_check_and_exits_0(small_corpus):
    result = run_cli(str(small_corpus))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "franceconnect — 3 cas · précision 1,000 · rappel 1,000" in out
    assert "étiqueté \\ trouvé" in out
    table = out.split("franceconnect — ")[1].split("\n\n")[0]
    assert [line.split() for line in table.splitlines()[2:5]] == [
        ["franceconnect_plus", "1", "0", "0"], ["absent", "0", "1", "0"], ["unknown", "0", "0", "1"]]
    assert "jedonnemonavis — 1 cas" in out and "non_digital_alternative — 1 cas" in out
    assert "Mal classés : 0" in out
    assert out.rstrip().endswith("RÉUSSI (précision ≥ 0,97, rappel ≥ 0,97, champs exacts ≥ 0,97 pour chaque contrôle)")


def test_eval_exits_1_below_the_thresholds_and_names_the_misclassified_case(small_corpus):
    labels = json.loads((small_corpus / "labels.json").read_text())
    labels["plus"]["franceconnect"] = "franceconnect"  # wrong on purpose: the button is FranceConnect+
    (small_corpus / "labels.json").write_text(json.dumps(labels))
    result = run_cli(str(small_corpus))
    assert result.exit_code == 1
    assert "plus  franceconnect : étiqueté franceconnect, trouvé franceconnect_plus — Trouvé sur" in result.stdout
    assert "ÉCHEC : franceconnect : précision 0,500 < 0,97 ; franceconnect : rappel 0,500 < 0,97" in result.stdout


def test_the_report_and_the_progress_lines_are_french(small_corpus):
    """Every line a person reads is French: only the ids a labels file writes (checks, statuses,
    classes of page, fields) stay as they are written there."""
    labels = json.loads((small_corpus / "labels.json").read_text())
    labels["plus"]["franceconnect"] = "franceconnect"  # a mistake, and a mismatched field: every kind of line
    labels["phone"] = {"non_digital_alternative": "present", "phones": ["0140566001"], "not_the_service": "none"}
    (small_corpus / "labels.json").write_text(json.dumps(labels))
    (small_corpus / "phone").mkdir()
    page = PLAIN_PAGE.replace("</main>", "<p>Tél. 01 40 56 60 00</p></main>")
    (small_corpus / "phone" / "index.html").write_text(page)
    result = run_cli(str(small_corpus))
    assert result.exit_code == 1
    assert "Mal classés : 2" in result.stdout and "ÉCHEC : " in result.stdout and "[4/4]" in result.stderr
    ids = {*check_ids(), NOT_THE_SERVICE, *PAGE_CLASSES, *FIELD_CHECKS,
           *(s for cls in finding_types().values() for s in cls.statuses)}
    texts = {name: re.sub(r"[\w.]+", lambda m: "" if set(m.group(0).split(".")) <= ids else m.group(0),
                          text.replace(str(small_corpus), "DOSSIER"))
             for name, text in (("rapport", result.stdout), ("progression", result.stderr))}
    assert all_problems(texts.items()) == {}
    assert all_glossary_problems(texts.items()) == {}


def test_thresholds_are_options(small_corpus):
    labels = json.loads((small_corpus / "labels.json").read_text())
    labels["plus"]["franceconnect"] = "franceconnect"
    (small_corpus / "labels.json").write_text(json.dumps(labels))
    assert run_cli(str(small_corpus), "--min-precision", "0.5", "--min-recall", "0.5").exit_code == 0


def test_eval_json_gives_the_same_figures_and_the_pages_of_each_mistake(small_corpus):
    labels = json.loads((small_corpus / "labels.json").read_text())
    labels["plain"]["jedonnemonavis"] = "present"
    (small_corpus / "labels.json").write_text(json.dumps(labels))
    result = run_cli(str(small_corpus), "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["cases"] == 3 and doc["passed"] is False
    assert doc["checks"]["franceconnect"]["precision"] == 1.0
    assert doc["checks"]["franceconnect"]["confusion"]["unknown"]["unknown"] == 1
    assert doc["checks"]["jedonnemonavis"]["recall"] == 0.0
    assert doc["thresholds"] == {"precision": 0.97, "recall": 0.97, "field_accuracy": 0.97}
    [mistake] = doc["misclassified"]
    assert (mistake["case"], mistake["expected"], mistake["found"]) == ("plain", "present", "absent")
    assert mistake["pages"] == [{"kind": "landing", "path": "/", "http_status": 200, "ok": True}]


def test_labelled_fields_are_compared_when_the_status_is_right(tmp_path):
    page = PLAIN_PAGE.replace("</main>", "<p>Tél. 01 40 56 60 00</p></main>")
    root = write_corpus(tmp_path / "c", {"phone": {"non_digital_alternative": "present", "phones": ["0140566001"]}},
                        {"phone": page})
    result = run_cli(str(root))
    assert result.exit_code == 1
    assert "phone  non_digital_alternative.phones : étiqueté 0140566001, trouvé 0140566000" in result.stdout
    assert "ÉCHEC : non_digital_alternative : champs exacts 0,000 < 0,97" in result.stdout


# --- Bad input: one line naming the file, the case and the field; exit 2 ---------------------------------

@pytest.mark.parametrize("labels, message", [
    ({"plain": {"franceconect": "absent"}}, "cas « plain », champ « franceconect » : ni un contrôle"),
    ({"plain": {"franceconnect": "maybe"}},
     "cas « plain », champ « franceconnect » : statut inconnu « maybe » (attendu : "),
    ({"plain": {"demarche_id": "12"}},
     "cas « plain », champ « demarche_id » : le cas ne donne pas de statut pour jedonnemonavis"),
    ({"plain": {"accessibility_statement": {"status": "non", "ratio": 3}}},
     "contrôle « accessibility_statement », champ « ratio » : n’est pas un champ du constat accessibility_statement"),
    ({"missing": {"franceconnect": "absent"}}, "cas « missing » : pas de dossier"),
])
def test_bad_labels_are_one_line_errors_naming_file_case_and_field(tmp_path, labels, message):
    root = write_corpus(tmp_path / "c", {}, {"plain": PLAIN_PAGE})
    (root / "labels.json").write_text(json.dumps(labels))
    result = CliRunner().invoke(cli, ["eval", str(root)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"veilleur : erreur : {root / 'labels.json'} : ") and message in line


def test_invalid_json_and_bad_server_file_name_their_line_and_field(tmp_path):
    root = write_corpus(tmp_path / "c", {"plain": {"franceconnect": "absent"}}, {"plain": PLAIN_PAGE})
    (root / "labels.json").write_text('{"plain":\n  {"franceconnect": }\n}')
    with pytest.raises(InputError, match=r"labels\.json:2 : JSON invalide, colonne 21 : une valeur est attendue"):
        load_corpus(root)
    (root / "labels.json").write_text(json.dumps({"plain": {"franceconnect": "absent"}}))
    (root / "plain" / "server.json").write_text(json.dumps({"status": {"/": 700}}))
    with pytest.raises(InputError, match=r"server\.json : champ « status\./ » : 700 n’est pas un statut HTTP"):
        load_corpus(root)


def test_missing_corpus_folder_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(cli, ["eval", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"veilleur : erreur : {tmp_path / 'nowhere'} : dossier introuvable"


# --- Serving ------------------------------------------------------------------------------------------

def test_each_case_is_served_on_its_own_origin_with_its_misbehaviours(small_corpus):
    (small_corpus / "plain" / "aide.html").write_text("<p>aide</p>")
    (small_corpus / "plain" / "server.json").write_text(json.dumps({"status": {"/aide.html": 500}}))
    corpus = load_corpus(small_corpus)
    with serve_corpus(corpus) as served:
        origins = {url.rsplit(":", 1)[1] for url in served.urls.values()}
        assert len(origins) == 3 and all(url.startswith("http://127.0.0.1:") for url in served.urls.values())

        def status(case: str, path: str) -> int:
            try:
                return urllib.request.urlopen(served.urls[case] + path.lstrip("/"), timeout=5).status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert status("plain", "/") == 200
        assert status("plain", "/aide.html") == 500
        assert status("plain", "/absente.html") == 404
        assert status("plain", "/server.json") == 404  # the case's configuration is not a page
        assert status("down", "/") == 503


# --- Scoring (no browser) ---------------------------------------------------------------------------------

def j(expected: str, found: str, check: str = "franceconnect") -> Judgement:
    return Judgement("case", check, expected, found, None)


def test_precision_and_recall_treat_every_status_but_absent_as_a_positive_claim():
    judgements = [j("franceconnect", "franceconnect"), j("franceconnect_plus", "franceconnect"),
                  j("absent", "absent"), j("absent", "unknown"), j("unknown", "absent"), j("unknown", "unknown")]
    score = score_check("franceconnect", judgements)
    # Claimed positives: franceconnect ×2, unknown ×2 → 2 right of 4.
    assert score.precision == 0.5
    # Labelled positives: franceconnect, franceconnect_plus, unknown ×2 → 2 found right of 4.
    assert score.recall == 0.5
    assert score.confusion["franceconnect_plus"]["franceconnect"] == 1
    per = {s.status: s for s in score.per_status}
    assert (per["franceconnect"].precision, per["franceconnect"].recall) == (0.5, 1.0)
    assert (per["franceconnect_plus"].precision, per["franceconnect_plus"].recall) == (None, 0.0)
    assert (per["absent"].precision, per["absent"].recall) == (0.5, 0.5)


def test_a_check_that_never_claims_a_positive_has_no_precision_and_does_not_fail():
    score = score_check("franceconnect", [j("absent", "absent")])
    assert (score.precision, score.recall) == (None, None)


def test_field_comparison_rules():
    finding = NonDigitalAlternativeFinding(status="present", phones=["3939", "0140566000"])
    assert judge("c", "non_digital_alternative", Expectation("present", {"phones": ["0140566000", "3939"]}), finding).right
    assert not judge("c", "non_digital_alternative", Expectation("present", {"phones": ["3939"]}), finding).right
    # A wrong status is counted once, in the status figures: its fields are not compared.
    wrong = judge("c", "non_digital_alternative", Expectation("absent", {"phones": []}), finding)
    assert (wrong.fields_checked, wrong.mismatches) == (0, ())
    from checks.accessibility_statement import AccessibilityStatementFinding
    statement = AccessibilityStatementFinding(status="non", rate=74.5, statement_url="http://127.0.0.1:5000/a11y?x=1")
    assert judge("c", "accessibility_statement", Expectation("non", {"rate": 74.54, "statement_url": "/a11y?x=1"}),
                 statement).right
    assert judge("c", "franceconnect", Expectation("absent"), FranceConnectFinding(status="absent")).right


# --- The bundled corpus, through the real browser ------------------------------------------------------------

def evaluate_families(*labels_files: str):
    """One real-browser run over the cases of some of the corpus's labels files. The corpus is
    evaluated in three test files (this one for labels.json, tests/test_eval_*.py for the later
    families) so that the test workers run them side by side; `veilleur eval tests/corpus` is the
    same evaluation in one go."""
    names = [name for f in labels_files for name in json.loads((CORPUS / f).read_text(encoding="utf-8"))]
    return run_evaluation(load_corpus(CORPUS, only=names), FAST, Thresholds(), progress=lambda name, capture: None)


def assert_meets_097_on_every_check(evaluation, checks: set[str]) -> None:
    assert set(evaluation.scores) == checks
    assert evaluation.failures() == []
    for score in evaluation.scores.values():
        assert score.precision >= 0.97 and score.recall >= 0.97, score.check


@pytest.fixture(scope="module")
def bundled():
    """The first family of tests/corpus (labels.json), about a minute on two cores."""
    return evaluate_families("labels.json")


def test_the_bundled_corpus_meets_097_precision_and_recall_on_every_check(bundled):
    assert len({j.case for j in bundled.judgements}) >= 60
    assert_meets_097_on_every_check(bundled, set(check_ids()))


def test_buttons_rendered_by_scripts_after_load_are_found(bundled):
    for case in ("fc-js-rendered-after-load", "fc-js-rendered-after-fetch", "jdma-js-rendered"):
        assert all(j.right for j in bundled.judgements if j.case == case), case


def test_a_landing_page_that_failed_makes_every_check_unknown_never_absent(bundled):
    for status in (403, 404, 500, 503):
        found = {j.check: j.found for j in bundled.judgements if j.case == f"landing-{status}"}
        assert len(found) == len(check_ids()) and set(found.values()) == {"unknown"}, (status, found)


def test_axe_violations_are_measured_with_their_rgaa_criteria(bundled):
    assert all(j.right for j in bundled.judgements if j.case in ("axe-clean-page", "axe-violations"))


@pytest.mark.skipif(not (REALWORLD / "labels.json").exists(), reason=f"{REALWORLD} is not available")
def test_real_public_sites_kept_outside_the_repository_meet_the_thresholds():
    evaluation = run_evaluation(load_corpus(REALWORLD), FAST, Thresholds(), progress=lambda name, capture: None)
    assert evaluation.failures() == [], [(m.case, m.expected, m.found) for m in evaluation.mistakes()]
