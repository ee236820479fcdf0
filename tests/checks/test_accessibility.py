"""accessibility: axe-core violations and items to review on the visited pages, with the RGAA
criteria they put in question."""

from __future__ import annotations

import re

from checks.accessibility import check
from checks.rgaa_map import AXE_TO_RGAA, criteria_from_tags, rgaa_criteria, tags_are_authoritative
from probes.axe import RUN_OPTIONS, axe_source, outcome_from_results
from probes.models import AxeOutcome
from tests.checks.pages import axe, axe_result, capture, landing

OTHER = "https://service.example.gouv.fr/contact"
AXE = "4.12.1"


def test_violations_are_counted_per_node_across_measured_pages():
    pages = [landing("<p>a</p>", axe=axe(("image-alt", "critical", 2), ("color-contrast", "serious", 3))),
             landing("<p>b</p>", url=OTHER, kind="contact", axe=axe(("image-alt", "critical", 1), ("label", None, 1)))]
    finding = check(capture(*pages))
    assert finding.status == "measured"
    assert finding.violations == 7
    assert finding.rules == ["color-contrast", "image-alt", "label"]
    assert finding.by_impact == {"critical": 3, "serious": 3, "unknown": 1}
    assert finding.pages_measured == 2


def test_a_clean_page_is_measured_with_zero_violations():
    finding = check(capture(landing("<p>a</p>", axe=AxeOutcome(version=AXE))))
    assert (finding.status, finding.violations, finding.rules, finding.rgaa_criteria) == ("measured", 0, [], [])
    assert (finding.incomplete, finding.incomplete_rules) == (0, [])


def test_no_measured_page_gives_unknown_with_the_axe_error():
    finding = check(capture(landing("<p>a</p>", axe=AxeOutcome(error="axe injection blocked by CSP"))))
    assert finding.status == "unknown"
    assert "blocked by CSP" in finding.reason


def test_page_without_axe_result_is_not_counted_as_clean():
    pages = [landing("<p>a</p>", axe=axe(("link-name", "serious", 1))),
             landing("<p>b</p>", url=OTHER, kind="contact", axe=AxeOutcome(error="timeout"))]
    finding = check(capture(*pages))
    assert finding.pages_measured == 1
    assert OTHER in finding.reason


# --- RGAA criteria from the tags of axe-core ≥ 4.11 -------------------------------------------------

def test_rgaa_criteria_are_read_from_the_rgaa_tags_axe_puts_on_its_rules():
    outcome = AxeOutcome(version=AXE, violations=[
        axe_result("image-alt", "critical", 2, "RGAAv4", "RGAA-1.1.1"),
        axe_result("button-name", "critical", 1, "RGAAv4", "RGAA-11.9.1"),
        axe_result("td-headers-attr", "serious", 1, "RGAAv4", "RGAA-5.7.4"),
    ])
    finding = check(capture(landing("<p>a</p>", axe=outcome)))
    assert finding.rgaa_criteria == ["1.1", "5.7", "11.9"]  # criteria (x.y) of the tagged tests (x.y.z), numeric order
    assert finding.axe_version == AXE


def test_a_rule_without_rgaa_tag_names_no_criterion_even_if_the_old_table_had_one():
    # heading-order is a best practice that Deque does not relate to the RGAA.
    outcome = AxeOutcome(version=AXE, violations=[axe_result("heading-order", "moderate", 1)])
    finding = check(capture(landing("<p>a</p>", axe=outcome)))
    assert finding.rules == ["heading-order"] and finding.violations == 1
    assert finding.rgaa_criteria == []
    assert "heading-order" in AXE_TO_RGAA  # the fallback table would have said 9.1


def test_results_of_axe_before_4_11_fall_back_to_the_documented_table():
    finding = check(capture(landing("<p>a</p>", axe=axe(("image-alt", "critical", 1), ("label", None, 1),
                                                        version="4.10.2"))))
    assert finding.rgaa_criteria == ["1.1", "11.1"]
    assert not tags_are_authoritative("4.10.2") and tags_are_authoritative("4.11.0")


def test_rgaa_tag_forms():
    assert criteria_from_tags(["RGAAv4", "RGAA-10.4.2", "RGAA-1.1.1", "wcag2a", "RGAA-1.1.3"]) == ["1.1", "10.4"]
    assert rgaa_criteria(["label", "image-alt", "bypass", "color-contrast-enhanced", "target-size"]) == [
        "1.1", "11.1", "12.7"]


# --- Violations and items to review are kept apart ---------------------------------------------------

def test_incomplete_results_are_kept_apart_from_violations():
    outcome = AxeOutcome(
        version=AXE,
        violations=[axe_result("image-alt", "critical", 1, "RGAA-1.1.1")],
        needs_review=[axe_result("color-contrast", "serious", 4, "RGAA-3.2.1"),
                      axe_result("aria-valid-attr-value", "critical", 1, "RGAA-7.1.1")],
        incomplete=2,
    )
    finding = check(capture(landing("<p>a</p>", axe=outcome)))
    assert (finding.violations, finding.rules, finding.rgaa_criteria) == (1, ["image-alt"], ["1.1"])
    assert finding.by_impact == {"critical": 1}
    assert finding.incomplete == 5
    assert finding.incomplete_rules == ["aria-valid-attr-value", "color-contrast"]
    assert finding.incomplete_rgaa_criteria == ["3.2", "7.1"]
    notes = [e.note for e in finding.evidence]
    assert "règle axe-core image-alt (violation" in notes[0]
    assert any("règle axe-core color-contrast (à vérifier par une personne" in n for n in notes)


def test_violation_evidence_points_at_the_failing_node_and_names_its_criterion():
    outcome = AxeOutcome(version=AXE, violations=[axe_result("button-name", "critical", 2, "RGAA-11.9.1")])
    evidence = check(capture(landing("<p>a</p>", axe=outcome))).evidence[0]
    assert evidence.selector == "#button-name-0"
    assert "button-name" in evidence.note and "RGAA 11.9" in evidence.note


def test_the_probe_asks_axe_for_violations_and_incomplete_results_and_keeps_the_raw_json():
    assert RUN_OPTIONS["resultTypes"] == ["violations", "incomplete"]
    results = {"testEngine": {"version": AXE},
               "violations": [{"id": "label", "impact": "critical", "tags": ["RGAA-11.1.1"], "nodes": [{"target": ["#a"]}]}],
               "incomplete": [{"id": "color-contrast", "impact": "serious", "tags": ["RGAA-3.2.1"], "nodes": [{}, {}]}],
               "passes": [{"id": "document-title"}]}
    outcome = outcome_from_results(results)
    assert [v.id for v in outcome.violations] == ["label"]
    assert [v.id for v in outcome.needs_review] == ["color-contrast"] and len(outcome.needs_review[0].nodes) == 2
    assert (outcome.passes, outcome.incomplete) == (1, 1)
    assert b'"incomplete"' in outcome.raw_json


def test_the_bundled_axe_core_tags_its_rules_with_rgaa_tests():
    source = axe_source()
    version = re.search(r"axe v(\d+\.\d+\.\d+)", source).group(1)
    assert tags_are_authoritative(version), version
    for rule, tag in [("image-alt", "RGAA-1.1.1"), ("label", "RGAA-11.1.1"), ("color-contrast", "RGAA-3.2.1"),
                      ("html-has-lang", "RGAA-8.3.1"), ("document-title", "RGAA-8.5.1"), ("link-name", "RGAA-6.2.1")]:
        assert re.search(rf'id:"{rule}"[^{{}}]*?tags:\[[^\]]*"{tag}"', source), rule


def test_every_criterion_of_the_fallback_table_exists_in_rgaa_4_1():
    themes = {1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14, 11: 13, 12: 11, 13: 12}
    for criteria in AXE_TO_RGAA.values():
        for criterion in criteria:
            theme, number = map(int, criterion.split("."))
            assert 1 <= number <= themes[theme], criterion
