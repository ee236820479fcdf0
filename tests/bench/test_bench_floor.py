"""The bench's yardsticks: the floor audits every page, pa11y-ci counts only the pages it returned results for."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.floor import read_services, write_services
from bench.generate import PAGES
from bench.run import findings_differences, pa11y_counts
from bench.serve import serve_corpus

ROOT = Path(__file__).resolve().parents[2]


def test_the_floor_audits_a_two_service_corpus_and_reports_its_eight_pages_with_results(tmp_path):
    out = tmp_path / "floor.json"
    with serve_corpus(2, require_dsfr=False) as corpus:
        urls_file = write_services(tmp_path / "urls.txt", corpus.page_urls, len(PAGES))
        assert read_services(urls_file) == [corpus.page_urls[:4], corpus.page_urls[4:]]
        # As bench/run.py runs it: a child process, whose process tree it can measure.
        subprocess.run([sys.executable, "-m", "bench.floor", "--urls-file", str(urls_file), "--concurrency", "2",
                        "--out", str(out)], cwd=ROOT, check=True, timeout=180)
    tally = json.loads(out.read_text(encoding="utf-8"))
    assert (tally["pages_ok"], tally["pages_failed"], tally["errors"]) == (8, 0, {})
    # Every service has three deliberate faults: an image without alternative, a skipped heading
    # level, a field without a label.
    assert tally["violations"] >= 2 * 3


ISSUE = {"code": "color-contrast", "type": "error", "message": "Elements must meet minimum color contrast"}
CLOSE_TARGET = {"message": "Protocol error (Target.closeTarget): No target with given id found"}
TIMEOUT = {"message": "Navigation timeout of 60000 ms exceeded"}


def test_pa11y_ci_counts_only_the_pages_it_returned_results_for_and_says_why_the_others_have_none():
    results = {
        "http://a/1": [ISSUE, ISSUE],  # issues found: results
        "http://a/2": [],  # nothing found: results too
        "http://a/3": [CLOSE_TARGET],  # tested, then its results lost when closing the tab: none
        "http://a/4": [CLOSE_TARGET],
        "http://a/5": [TIMEOUT],
        "http://a/6": [ISSUE, {"message": "net::ERR_CONNECTION_REFUSED at http://a/6"}],  # an error object: none
    }
    urls = [*results, "http://a/7"]  # a page missing from the report has no results either
    assert pa11y_counts(results, urls) == (2, {
        "Protocol error (Target.closeTarget)": 2,
        "Navigation timeout of 60000 ms exceeded": 1,
        "net::ERR_CONNECTION_REFUSED": 1,
        "not in pa11y-ci's report": 1,
    })


def test_two_campaigns_findings_differ_where_a_service_and_check_has_another_status_or_none():
    first = {("bench-00000", "franceconnect"): "franceconnect", ("bench-00000", "mobile"): "compatible"}
    assert findings_differences(first, dict(first)) == []
    second = {("bench-00000", "franceconnect"): "absent", ("bench-00001", "mobile"): "compatible"}
    assert findings_differences(first, second) == [
        "bench-00000 franceconnect: franceconnect → absent",
        "bench-00000 mobile: compatible → -",
        "bench-00001 mobile: - → compatible",
    ]
