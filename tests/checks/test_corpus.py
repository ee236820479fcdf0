"""Every case of the labelled corpus (tests/corpus), checked in milliseconds without a browser.

Each case is rebuilt the way the probe would see it: its landing page, then the key pages the
probe's own discovery picks from the landing links, each read from the case folder (or failing
with the status its server.json gives, or 404 when missing). The checks run on those captures and
every labelled status and field is compared with `veilleur.evaluation.measure.judge`, the same comparison
`veilleur eval` makes through the real browser (tests/veilleur/test_eval.py). Cases whose content a script
renders, and the axe-core figures, need the browser and are only measured there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks import run_checks
from probes.discovery import discover_key_pages
from probes.errors import classify_status
from probes.interruption import recognise
from probes.models import PageCapture, ServiceCapture
from tests.checks.pages import failed_page, page_from_html
from veilleur.evaluation.corpus import Case, load_corpus
from veilleur.evaluation.measure import judge

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ORIGIN = "http://127.0.0.1:8000"
BROWSER_ONLY_CHECKS = {"accessibility", "mobile"}  # axe-core, and the phone pass, run in the page
_RENDERS = re.compile(r"<script>(?:(?!</script>).)*(innerHTML|appendChild|fetch\()", re.S)


def _page(case: Case, path: str, kind: str) -> PageCapture:
    url = ORIGIN + path
    file = case.path / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    status = case.behaviour.status.get(path, 200 if file.is_file() else 404)
    page = failed_page(url, kind=kind, error_class=classify_status(status), error=f"HTTP {status}")
    if file.is_file():
        shown = page_from_html(file.read_text(encoding="utf-8"), url=url, kind=kind)
        shown.http_status, shown.response_headers = status, case.behaviour.headers.get(path, {})
        page = shown if page.error_class is None else page
        # As the probe does: a page that is not the service fails with what it is instead.
        if seen := recognise(shown):
            page = failed_page(url, kind=kind, error_class=seen.kind, error=seen.reason)
    page.http_status = status
    return page


def capture_of(case: Case) -> ServiceCapture:
    landing = _page(case, "/", "landing")
    pages = [landing]
    if landing.ok:
        for key in discover_key_pages(landing.url, landing.links(), limit=3):
            pages.append(_page(case, key.url.removeprefix(ORIGIN), key.kind))
    return ServiceCapture(url=landing.url, final_url=landing.url, ok=landing.ok, error=landing.error,
                          error_class=landing.error_class, http_status=landing.http_status, pages=pages)


def _needs_a_browser(case: Case) -> bool:
    return any(_RENDERS.search(p.read_text(encoding="utf-8")) for p in case.path.rglob("*.html"))


CASES = load_corpus(CORPUS).cases


def test_the_corpus_has_at_least_sixty_labelled_mini_sites_each_described():
    assert len(CASES) >= 60
    assert all(case.about for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Case):
    if _needs_a_browser(case):
        pytest.skip("rendered by a script: measured through the browser in tests/veilleur/test_eval.py")
    findings = run_checks(capture_of(case))
    wrong = [j for check, expected in case.expected.items() if check not in BROWSER_ONLY_CHECKS
             if not (j := judge(case.name, check, expected, findings[check])).right]
    assert not wrong, "; ".join(f"{j.check}: labelled {j.expected}, found {j.found} ({j.reason}) {j.mismatches}"
                                for j in wrong)
