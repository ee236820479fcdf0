"""Which RGAA 4.1 criteria an axe-core rule's violations put in question.

Since axe-core 4.11, Deque tags the rules it can relate to the RGAA with the RGAA test they
cover: `RGAA-1.1.1` is test 1 of criterion 1.1, `RGAA-11.9.1` test 1 of criterion 11.9 (and
`RGAAv4` marks every such rule). Those tags are the source: `criteria_of` reads the criterion
(the first two numbers) from them. A rule without an RGAA tag in axe-core ≥ 4.11 (best
practices such as `heading-order`, WCAG AAA or 2.2 rules such as `target-size`) names no
criterion: Deque chose not to relate it to the RGAA, and its violations are still counted in
`violations`/`rules`.

`AXE_TO_RGAA` below is the fallback for results of older axe-core versions (before 4.11), which
carry no RGAA tag, such as captures stored before the upgrade and re-checked: a hand-written table
built from the RGAA 4.1.2 criteria (https://accessibilite.numerique.gouv.fr/methode/criteres-et-tests/),
the RGAA ↔ WCAG 2.1 correspondence it publishes, and the WCAG success criteria each axe-core rule
is tagged with. It is never used for results that axe-core ≥ 4.11 produced.

Rules tested by axe but outside RGAA 4.1 (WCAG AAA rules such as `color-contrast-enhanced`,
`identical-links-same-purpose`; WCAG 2.2 rules such as `target-size`) and rules with no clear
criterion (`frame-tested`, `hidden-content`, `accesskeys`, `focus-order-semantics`) map to nothing
in the fallback table.

RGAA 4.1 criteria used below:
 1.1 informative image has a text alternative · 1.2 decorative image is ignored by assistive tech
 2.1 frame has a title · 2.2 frame title is relevant
 3.2 text contrast is sufficient
 4.1/4.3 pre-recorded media has a transcript / captions · 4.10 automatic sound can be stopped
 5.4 data table title · 5.5 data table title relevant · 5.6 table headers declared
 5.7 cells associated with headers
 6.1 link is explicit · 6.2 link has a name
 7.1 scripted components are compatible with assistive tech (name, role, value, states)
 7.3 scripted components are keyboard operable
 8.2 generated code is valid (unique ids, valid ARIA attributes and roles)
 8.3 default language present · 8.4 default language relevant · 8.5 page has a title
 8.7 language changes are indicated · 8.8 language codes are valid
 9.1 information is structured by headings · 9.2 document structure (header, nav, main, footer)
 9.3 lists are structured as lists
 10.4 text can be zoomed to 200% · 10.6 links distinguishable from surrounding text
 10.8 hidden content is meant to be ignored by assistive tech · 10.12 text spacing can be changed
 11.1 form field has a label · 11.2 label is relevant · 11.9 button name is relevant
 11.13 field purpose can be inferred (autocomplete)
 12.6 content regions can be reached or skipped · 12.7 skip link · 12.8 tab order is coherent
 13.1 time limits can be controlled (meta refresh) · 13.8 moving content can be paused
 13.9 content works in any orientation
"""

from __future__ import annotations

import re

from probes.models import AxeViolation

# The first axe-core release whose rules carry RGAA tags.
TAGGED_SINCE = (4, 11)
_RGAA_TAG = re.compile(r"^RGAA-(\d{1,2})\.(\d{1,2})(?:\.\d{1,2})?$")

AXE_TO_RGAA: dict[str, tuple[str, ...]] = {
    # 1. Images
    "image-alt": ("1.1",),
    "input-image-alt": ("1.1",),
    "area-alt": ("1.1",),
    "role-img-alt": ("1.1",),
    "svg-img-alt": ("1.1",),
    "object-alt": ("1.1",),
    "server-side-image-map": ("1.1",),
    "presentation-role-conflict": ("1.2",),
    # 2. Frames
    "frame-title": ("2.1",),
    "frame-title-unique": ("2.2",),
    # 3. Colours
    "color-contrast": ("3.2",),
    # 4. Multimedia
    "audio-caption": ("4.1",),
    "video-caption": ("4.3",),
    "no-autoplay-audio": ("4.10",),
    # 5. Tables
    "table-fake-caption": ("5.4",),
    "table-duplicate-name": ("5.5",),
    "th-has-data-cells": ("5.6",),
    "td-has-header": ("5.6",),
    "empty-table-header": ("5.6",),
    "td-headers-attr": ("5.7",),
    "scope-attr-valid": ("5.7",),
    # 6. Links
    "link-name": ("6.2",),
    "label-content-name-mismatch": ("6.1", "11.2"),
    # 7. Scripts (custom components exposed through ARIA)
    "aria-command-name": ("7.1",),
    "aria-dialog-name": ("7.1",),
    "aria-meter-name": ("7.1",),
    "aria-progressbar-name": ("7.1",),
    "aria-tooltip-name": ("7.1",),
    "aria-treeitem-name": ("7.1",),
    "aria-text": ("7.1",),
    "aria-required-attr": ("7.1",),
    "aria-required-children": ("7.1",),
    "aria-required-parent": ("7.1",),
    "aria-valid-attr-value": ("7.1", "8.2"),
    "aria-braille-equivalent": ("7.1",),
    "nested-interactive": ("7.1",),
    "summary-name": ("7.1",),
    "scrollable-region-focusable": ("7.3",),
    "frame-focusable-content": ("7.3",),
    # 8. Mandatory elements
    "duplicate-id": ("8.2",),
    "duplicate-id-active": ("8.2",),
    "duplicate-id-aria": ("8.2",),
    "aria-valid-attr": ("8.2",),
    "aria-allowed-attr": ("8.2",),
    "aria-prohibited-attr": ("8.2",),
    "aria-conditional-attr": ("8.2",),
    "aria-roles": ("8.2",),
    "aria-allowed-role": ("8.2",),
    "aria-deprecated-role": ("8.2",),
    "html-has-lang": ("8.3",),
    "html-lang-valid": ("8.4",),
    "html-xml-lang-mismatch": ("8.4",),
    "valid-lang": ("8.7", "8.8"),
    "document-title": ("8.5",),
    # 9. Structure
    "heading-order": ("9.1",),
    "empty-heading": ("9.1",),
    "page-has-heading-one": ("9.1",),
    "p-as-heading": ("9.1",),
    "list": ("9.3",),
    "listitem": ("9.3",),
    "definition-list": ("9.3",),
    "dlitem": ("9.3",),
    "landmark-one-main": ("9.2", "12.6"),
    "landmark-no-duplicate-main": ("9.2",),
    "landmark-main-is-top-level": ("9.2",),
    "landmark-no-duplicate-banner": ("9.2",),
    "landmark-no-duplicate-contentinfo": ("9.2",),
    "landmark-banner-is-top-level": ("9.2",),
    "landmark-contentinfo-is-top-level": ("9.2",),
    "landmark-complementary-is-top-level": ("9.2",),
    "landmark-unique": ("9.2",),
    "region": ("12.6",),
    # 10. Presentation
    "meta-viewport": ("10.4",),
    "meta-viewport-large": ("10.4",),
    "link-in-text-block": ("10.6",),
    "aria-hidden-body": ("10.8",),
    "aria-hidden-focus": ("10.8",),
    "avoid-inline-spacing": ("10.12",),
    # 11. Forms
    "label": ("11.1",),
    "select-name": ("11.1",),
    "aria-input-field-name": ("11.1",),
    "aria-toggle-field-name": ("11.1",),
    "label-title-only": ("11.1",),
    "form-field-multiple-labels": ("11.2",),
    "button-name": ("11.9",),
    "input-button-name": ("11.9",),
    "autocomplete-valid": ("11.13",),
    # 12. Navigation
    "bypass": ("12.7",),
    "skip-link": ("12.7",),
    "tabindex": ("12.8",),
    # 13. Consultation
    "meta-refresh": ("13.1",),
    "meta-refresh-no-exceptions": ("13.1",),
    "blink": ("13.8",),
    "marquee": ("13.8",),
    "css-orientation-lock": ("13.9",),
}


def criterion_key(criterion: str) -> tuple[int, ...]:
    """Numeric sort key: '1.1' < '3.2' < '11.1' (not the string order)."""
    return tuple(int(part) for part in criterion.split("."))


def rgaa_criteria(rule_ids: list[str] | set[str]) -> list[str]:
    """The sorted, unique RGAA 4.1 criteria that these axe rules map to."""
    found = {criterion for rule in rule_ids for criterion in AXE_TO_RGAA.get(rule, ())}
    return sorted(found, key=criterion_key)


def _version(version: str | None) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", version or "")[:2])


def tags_are_authoritative(axe_version: str | None) -> bool:
    """Whether results of this axe-core version carry RGAA tags (then the table is not used)."""
    return _version(axe_version) >= TAGGED_SINCE


def criteria_from_tags(tags: list[str]) -> list[str]:
    """RGAA criteria named by a rule's `RGAA-x.y.z` tags ('RGAA-11.9.1' → '11.9'), sorted."""
    found = {f"{m.group(1)}.{m.group(2)}" for tag in tags if (m := _RGAA_TAG.match(tag))}
    return sorted(found, key=criterion_key)


def criteria_of(result: AxeViolation, axe_version: str | None) -> list[str]:
    """The RGAA criteria one axe rule result puts in question: from its tags, or from the
    fallback table for axe-core versions that did not tag rules."""
    tagged = criteria_from_tags(result.tags)
    if tagged or tags_are_authoritative(axe_version):
        return tagged
    return rgaa_criteria([result.id])
