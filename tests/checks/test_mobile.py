"""mobile: the landing and key pages read on a 360 × 640 px phone screen — compatible, or
incompatible with its problems (viewport, overflow, small_text, target_size), or unknown when a
page could not be read."""

from __future__ import annotations

import pytest

from checks.mobile import check
from probes.models import (
    AxeNode,
    AxeOutcome,
    AxeViolation,
    Box,
    MobileReading,
    PageCapture,
    TextSample,
    TextSize,
    WideElement,
)
from reports.probe_json import finding_json
from tests.checks.pages import capture, failed_page, landing
from tests.support.french_text import problems as not_french

SITE = "https://service.example.gouv.fr/"
DEVICE_WIDTH = "width=device-width, initial-scale=1"
AXE = "4.12.1"


def target_size(*targets: str, error: str | None = None) -> AxeOutcome:
    """axe-core's target-size run alone: one failing node per target given."""
    if error:
        return AxeOutcome(error=error)
    violations = [AxeViolation(id="target-size", impact="serious", nodes=[
        AxeNode(target=[t], html=f'<a href="#" class="{t[1:]}"></a>',
                failure_summary="Target has insufficient size (16px by 16px, should be at least 24px by 24px)")
        for t in targets])] if targets else []
    return AxeOutcome(version=AXE, violations=violations)


def phone(viewport: str | None = DEVICE_WIDTH, scroll_width: int = 360, too_wide: list[WideElement] | None = None,
          root_clips: bool = False, sizes: dict[float, int] | None = None, targets: AxeOutcome | None = None,
          smallest: list[TextSample] | None = None) -> MobileReading:
    """A phone reading; `sizes` maps a font size (px) to the characters shown at that size."""
    sizes = {16.0: 900, 12.0: 100} if sizes is None else sizes
    return MobileReading(
        width=360, height=640, viewport_meta=viewport, scroll_width=scroll_width, root_clips=root_clips,
        too_wide=too_wide or [], text_sizes=[TextSize(size_px=s, chars=c, nodes=max(1, c // 50)) for s, c in sizes.items()],
        smallest_text=smallest or [], target_size=targets if targets is not None else target_size(),
    )


def page(kind: str = "landing", reading: MobileReading | None = None, path: str = "") -> PageCapture:
    return landing("<main><p>Demander une aide</p></main>", url=SITE + path, kind=kind,
                   mobile=reading if reading is not None else phone())


def service(*readings_by_kind: tuple[str, MobileReading | None]):
    paths = {"landing": "", "login": "connexion", "contact": "contact", "accessibility": "accessibilite"}
    return capture(*(page(kind, reading, paths[kind]) for kind, reading in readings_by_kind))


TABLE = WideElement(tag="table", selector="#contenu > table", text="Zone 1 333,60 €",
                    html="<table style='width:900px'>…</table>", box=Box(x=16, y=400, width=900, height=120))
CELL = WideElement(tag="td", selector="#contenu > table td:nth-of-type(5)", box=Box(x=700, y=420, width=200, height=20))


# --- compatible ---------------------------------------------------------------------------------


def test_pages_fit_for_a_phone_are_compatible_with_one_note_per_page_read():
    finding = check(service(("landing", phone()), ("login", phone()), ("contact", phone())))
    assert (finding.status, finding.problems, finding.pages_measured) == ("compatible", [], 3)
    assert [e.page_url for e in finding.evidence] == [SITE, SITE + "connexion", SITE + "contact"]
    assert "360 × 640 px" in finding.evidence[0].note
    assert finding.tone().value == "good"


def test_the_accessibility_statement_is_not_read_on_the_phone_screen():
    # A legal text in the site's template: its own layout is not the service's.
    wide = phone(scroll_width=1000, too_wide=[TABLE])
    finding = check(service(("landing", phone()), ("accessibility", wide)))
    assert finding.status == "compatible"
    assert finding.pages_measured == 1


def test_a_failed_accessibility_statement_does_not_make_the_answer_unknown():
    finding = check(capture(page("landing"), failed_page(SITE + "accessibilite", kind="accessibility")))
    assert finding.status == "compatible"


# --- viewport -----------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [None, "width=1024", "initial-scale=1, width=980", "user-scalable=no", ""])
def test_a_page_without_a_viewport_meta_for_the_device_width_has_the_viewport_problem(content):
    finding = check(service(("landing", phone(viewport=content))))
    assert (finding.status, finding.problems) == ("incompatible", ["viewport"])
    assert finding.evidence[0].page_url == SITE
    assert "viewport" in finding.evidence[0].note


@pytest.mark.parametrize("content", ["width=device-width", "WIDTH = Device-Width ; initial-scale=1",
                                     "initial-scale=1", "initial-scale=1.0, shrink-to-fit=no"])
def test_device_width_or_a_bare_initial_scale_of_one_is_fit_for_a_phone(content):
    # A meta with initial-scale=1 and no width: browsers take the screen's width.
    assert check(service(("landing", phone(viewport=content)))).status == "compatible"


def test_the_missing_meta_is_evidenced_without_pointing_at_an_element():
    evidence = check(service(("landing", phone(viewport=None)))).evidence[0]
    assert evidence.selector is None and "Aucune balise" in evidence.note


def test_a_wrong_viewport_meta_is_quoted():
    evidence = check(service(("landing", phone(viewport="width=1024")))).evidence[0]
    assert evidence.selector == 'meta[name="viewport"]'
    assert evidence.excerpt == "width=1024"


# --- overflow -----------------------------------------------------------------------------------


def test_content_wider_than_the_screen_names_the_widest_element_past_the_edge():
    finding = check(service(("landing", phone(scroll_width=916, too_wide=[TABLE, CELL]))))
    assert (finding.status, finding.problems) == ("incompatible", ["overflow"])
    evidence = finding.evidence[0]
    assert evidence.selector == "#contenu > table"
    assert evidence.html.startswith("<table")
    assert "916 px" in evidence.note and "900 px" in evidence.note and "défiler" in evidence.note


def test_content_cut_off_by_the_page_is_overflow_too():
    finding = check(service(("landing", phone(scroll_width=720, root_clips=True, too_wide=[TABLE]))))
    assert finding.problems == ["overflow"]
    assert "coupé" in finding.evidence[0].note


def test_a_page_wider_than_the_screen_with_nothing_shown_past_the_edge_is_no_overflow():
    # The probe lists what a person sees past the edge: a closed menu in a fixed layer is not.
    assert check(service(("landing", phone(scroll_width=660, too_wide=[])))).status == "compatible"


def test_overflow_evidence_carries_no_box_of_the_phone_screen():
    # Boxes from the phone pass do not point into the page's desktop screenshot.
    assert check(service(("landing", phone(scroll_width=916, too_wide=[TABLE])))).evidence[0].box is None


# --- small text ---------------------------------------------------------------------------------


def test_more_than_forty_percent_of_the_characters_under_twelve_px_is_small_text():
    sample = TextSample(size_px=11, selector="#contenu > p", text="Le montant de l’aide dépend de vos ressources.")
    finding = check(service(("landing", phone(sizes={11.0: 410, 16.0: 590}, smallest=[sample]))))
    assert (finding.status, finding.problems) == ("incompatible", ["small_text"])
    evidence = finding.evidence[0]
    assert evidence.selector == "#contenu > p"
    assert "41 %" in evidence.note and "11 px" in evidence.note


def test_forty_percent_exactly_is_not_small_text():
    assert check(service(("landing", phone(sizes={11.5: 400, 16.0: 600})))).status == "compatible"


def test_twelve_px_is_not_small():
    # The DSFR's footer links and hints are 0.75rem: 12 px.
    assert check(service(("landing", phone(sizes={12.0: 900, 16.0: 100})))).status == "compatible"


def test_small_text_is_weighed_in_characters_not_in_text_nodes():
    # A footer of many one-word links at 11 px: many nodes, few characters.
    reading = phone(sizes={})
    reading.text_sizes = [TextSize(size_px=11, chars=120, nodes=40), TextSize(size_px=16, chars=1500, nodes=12)]
    assert check(service(("landing", reading))).status == "compatible"


def test_a_page_showing_no_text_has_no_small_text():
    assert check(service(("landing", phone(sizes={})))).status == "compatible"


# --- touch targets ------------------------------------------------------------------------------


def test_a_touch_target_failing_axe_target_size_is_a_problem_with_the_first_targets_as_evidence():
    reading = phone(targets=target_size(".facebook", ".x", ".linkedin", ".mail"))
    finding = check(service(("landing", reading)))
    assert (finding.status, finding.problems) == ("incompatible", ["target_size"])
    assert [e.selector for e in finding.evidence] == [".facebook", ".x", ".linkedin"]
    assert "4 zones en échec" in finding.evidence[0].note
    assert "24 × 24 px" in finding.evidence[0].note


def test_target_size_not_measured_leaves_the_answer_unknown():
    finding = check(service(("landing", phone(targets=target_size(error="timeout")))))
    assert finding.status == "unknown"
    assert "zones tactiles" in finding.reason and "délai dépassé" in finding.reason


# --- several problems, several pages ------------------------------------------------------------


def test_problems_are_listed_once_each_in_a_fixed_order_whatever_the_pages():
    legacy = phone(viewport=None, scroll_width=980, too_wide=[TABLE], sizes={11.0: 800, 16.0: 100},
                   targets=target_size(".page-2"))
    finding = check(service(("landing", phone(targets=target_size(".icon"))), ("login", legacy),
                            ("contact", phone(viewport=None))))
    assert finding.problems == ["viewport", "overflow", "small_text", "target_size"]
    assert finding.headline() == "4 problèmes"
    assert "pas de balise viewport adaptée aux mobiles sur la page de connexion et la page de contact" in finding.reason


def test_a_problem_on_a_key_page_counts_as_on_the_landing_page():
    finding = check(service(("landing", phone()), ("contact", phone(scroll_width=960, too_wide=[TABLE]))))
    assert finding.problems == ["overflow"]
    assert finding.evidence[0].page_url == SITE + "contact"
    assert "sur la page de contact" in finding.reason


def test_a_problem_found_stands_even_when_another_page_failed():
    pages = [page("landing", phone(viewport=None)), failed_page(SITE + "contact", kind="contact")]
    assert check(capture(*pages)).status == "incompatible"


# --- unknown ------------------------------------------------------------------------------------


def test_a_key_page_that_failed_makes_the_answer_unknown_naming_it():
    pages = [page("landing"), failed_page(SITE + "contact", kind="contact", error_class="http_5xx", error="HTTP 500")]
    finding = check(capture(*pages))
    assert finding.status == "unknown"
    assert "la page de contact" in finding.reason and SITE + "contact" in finding.reason
    assert "erreur du serveur" in finding.reason


def test_a_page_where_the_phone_pass_did_not_run_makes_the_answer_unknown():
    pages = [landing("<p>Bonjour</p>", url=SITE)]  # mobile left unset: the pass was off
    finding = check(capture(*pages))
    assert finding.status == "unknown"
    assert "n’a pas été lue sur un écran de téléphone" in finding.reason


def test_a_phone_pass_that_broke_makes_the_answer_unknown_with_its_error():
    broken = MobileReading(width=360, height=640, error="Target page, context or browser has been closed")
    finding = check(service(("landing", broken)))
    assert finding.status == "unknown" and "has been closed" in finding.reason


def test_a_landing_page_that_failed_gives_unknown():
    assert check(capture(failed_page(SITE))).status == "unknown"


# --- what a person reads, and the JSON ---------------------------------------------------------


def test_reasons_and_notes_are_french():
    findings = [
        check(service(("landing", phone()), ("contact", phone()))),
        check(service(("landing", phone(viewport=None, scroll_width=980, too_wide=[TABLE], root_clips=True,
                                         sizes={11.0: 800}, targets=target_size(".icon"))))),
        check(capture(page("landing"), failed_page(SITE + "contact", kind="contact"))),
        check(service(("landing", phone(targets=target_size(error="timeout"))))),
    ]
    for finding in findings:
        texts = [finding.reason, *(e.note for e in finding.evidence)]
        assert all(not not_french(text) for text in texts), [not_french(t) for t in texts]


def test_the_probe_json_carries_the_status_the_problems_and_the_evidence():
    finding = check(service(("landing", phone(viewport=None, scroll_width=916, too_wide=[TABLE]))))
    document = finding_json(finding)
    assert document["status"] == "incompatible"
    assert document["problems"] == ["viewport", "overflow"]
    assert document["evidence"][1]["selector"] == "#contenu > table"
    assert {"page_url", "note"} <= set(document["evidence"][0])
