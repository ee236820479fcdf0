"""accessibility: axe-core violations on the visited pages, mapped to RGAA 4.1 criteria."""

from __future__ import annotations

from checks.accessibility import check
from checks.rgaa_map import AXE_TO_RGAA, rgaa_criteria
from probes.models import AxeOutcome
from tests.checks.pages import axe, capture, landing

OTHER = "https://service.example.gouv.fr/contact"


def test_violations_are_counted_per_node_across_measured_pages():
    pages = [landing("<p>a</p>", axe=axe(("image-alt", "critical", 2), ("color-contrast", "serious", 3))),
             landing("<p>b</p>", url=OTHER, kind="contact", axe=axe(("image-alt", "critical", 1), ("label", None, 1)))]
    finding = check(capture(*pages))
    assert finding.status == "measured"
    assert finding.violations == 7
    assert finding.rules == ["color-contrast", "image-alt", "label"]
    assert finding.by_impact == {"critical": 3, "serious": 3, "unknown": 1}
    assert finding.rgaa_criteria == ["1.1", "3.2", "11.1"]
    assert finding.pages_measured == 2


def test_a_clean_page_is_measured_with_zero_violations():
    finding = check(capture(landing("<p>a</p>", axe=axe())))
    assert (finding.status, finding.violations, finding.rules, finding.rgaa_criteria) == ("measured", 0, [], [])


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


def test_violation_evidence_points_at_the_failing_node():
    finding = check(capture(landing("<p>a</p>", axe=axe(("button-name", "critical", 2)))))
    evidence = finding.evidence[0]
    assert evidence.selector == "#n0"
    assert "button-name" in evidence.note and "11.9" in evidence.note


def test_rgaa_mapping_covers_the_common_rules_from_the_brief():
    assert AXE_TO_RGAA["image-alt"] == ("1.1",)
    assert AXE_TO_RGAA["label"] == ("11.1",)
    assert AXE_TO_RGAA["color-contrast"] == ("3.2",)
    assert AXE_TO_RGAA["html-has-lang"] == ("8.3",)
    assert AXE_TO_RGAA["document-title"] == ("8.5",)
    assert AXE_TO_RGAA["link-name"] == ("6.2",)
    assert AXE_TO_RGAA["button-name"] == ("11.9",)


def test_rgaa_criteria_sort_numerically_and_ignore_rules_outside_rgaa():
    assert rgaa_criteria(["label", "image-alt", "bypass", "color-contrast-enhanced", "target-size"]) == [
        "1.1", "11.1", "12.7"]


def test_every_mapped_criterion_exists_in_rgaa_4_1():
    themes = {1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14, 11: 13, 12: 11, 13: 12}
    for criteria in AXE_TO_RGAA.values():
        for criterion in criteria:
            theme, number = map(int, criterion.split("."))
            assert 1 <= number <= themes[theme], criterion
