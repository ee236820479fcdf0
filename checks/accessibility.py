"""axe-core results on the visited pages, and the RGAA 4.1 criteria they put in question.

Over the loaded pages whose axe outcome was measured (axe ran, `error` unset):

- violations (what axe found failing): `violations` counts violation node instances (an element
  failing a rule counts once per rule and per page; a violation reported without nodes counts
  once), `rules` the rule ids with at least one violation, `by_impact` node counts per axe impact
  (`unknown` when axe gave none), `rgaa_criteria` the RGAA criteria those rules put in question;
- "incomplete" results (what axe could not decide and a person must review, such as a contrast
  over a background image), kept apart and never added to the violations: `incomplete` counts
  their nodes, `incomplete_rules` and `incomplete_rgaa_criteria` as above;
- `axe_version`: the axe-core version that measured (the lowest, if pages disagree).

RGAA criteria come from the `RGAA-x.y.z` tags axe-core ≥ 4.11 puts on its rules (see
`checks.rgaa_map`). `unknown` when no page was measured. Pages where axe failed are named in the
reason; they do not count as zero violations.
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from pydantic import Field

from checks.models import Evidence, Feed, Finding, Reading, Visit
from checks.readings.coverage import landing_unknown, named, page_address
from checks.readings.text import collapse
from checks.rgaa_map import criteria_of, criterion_key
from foundation import formatting, vocabulary
from foundation.grid import MEASURED, UNKNOWN, IndicatorSpec
from probes.models import AxeViolation, PageCapture, ServiceCapture

MAX_EVIDENCE = 50
IMPACTS = ("critical", "serious", "moderate", "minor")


def _nodes(result: AxeViolation) -> int:
    return max(1, len(result.nodes))


def _evidence(page: PageCapture, result: AxeViolation, criteria: list[str], what: str) -> Evidence:
    first = result.nodes[0] if result.nodes else None
    related = vocabulary.rgaa_criteria(criteria) or "aucun critère RGAA associé"
    return Evidence(
        page_url=page_address(page),
        selector=" >>> ".join(first.target) if first and first.target else None,
        html=(first.html or None) if first else None,
        excerpt=(collapse(first.failure_summary)[:300] or None) if first else None,
        note=(f"{result.help or result.id} — règle axe-core {result.id} ({what}, {vocabulary.impact(result.impact)}) : "
              f"{vocabulary.count(_nodes(result), 'élément', 'éléments')} ; {related}"),
    )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(n) for n in version.split(".") if n.isdigit())


AXE = IndicatorSpec("accessibility_axe", "Contrôle automatique axe-core", "probe (accessibility check)",
                    "axe-core violations on the visited pages (evidence shown beside the declared rate, never in it)",
                    kind="violations", count_meaning="pages mesurées", position=30)


def _accessibility_axe(finding: AccessibilityFinding, visit: Visit) -> Reading:
    if finding.status != "measured" or finding.violations is None:
        return Reading(UNKNOWN, None, finding.reason)
    rules = finding.rules
    note = "règles : " + ", ".join(rules[:8]) + (" …" if len(rules) > 8 else "") if rules else "aucune violation"
    if finding.by_impact:
        note += " ; par gravité : " + vocabulary.by_impact(finding.by_impact)
    return Reading(MEASURED, int(finding.violations), note, count=finding.pages_measured)


class AccessibilityFinding(Finding):
    check: ClassVar[str] = "accessibility"
    statuses: ClassVar[tuple[str, ...]] = ("measured", "unknown")
    label: ClassVar[str] = "Accessibilité (axe-core)"
    short_label: ClassVar[str] = "axe"
    position: ClassVar[int] = 40
    # Serious and critical violations, which vary a little between visits: the incident policy's
    # tolerance applies.
    watched: ClassVar[bool] = True
    tolerant: ClassVar[bool] = True
    not_an_element: ClassVar[str | None] = ("Pas d’image : ce constat compte les erreurs de toutes les pages visitées, "
                                            "détaillées dans le dossier de preuves.")
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(AXE, _accessibility_axe),)

    # Violations: what axe-core found failing.
    violations: int | None = None
    rules: list[str] = Field(default_factory=list)
    by_impact: dict[str, int] = Field(default_factory=dict)
    rgaa_criteria: list[str] = Field(default_factory=list)
    # "Incomplete": what axe-core could not decide and a person must review; never counted above.
    incomplete: int | None = None
    incomplete_rules: list[str] = Field(default_factory=list)
    incomplete_rgaa_criteria: list[str] = Field(default_factory=list)
    pages_measured: int = 0
    axe_version: str | None = None

    def headline(self) -> str:
        return formatting.violations(self.violations)

    def serious_violations(self) -> int | None:
        if self.status != "measured":
            return None
        return int(self.by_impact.get("critical", 0)) + int(self.by_impact.get("serious", 0))

    def rank(self) -> float | None:
        serious = self.serious_violations()
        return None if serious is None else -float(serious)

    def regression(self, before: Finding) -> str:
        b = before.serious_violations() if isinstance(before, AccessibilityFinding) else None
        n = self.serious_violations()
        added = (n or 0) - (b or 0)
        words = vocabulary.count(added, "nouvelle violation d’accessibilité grave ou critique",
                                 "nouvelles violations d’accessibilité graves ou critiques")
        return f"{words} (axe-core : {vocabulary.integer(b or 0)} → {vocabulary.integer(n or 0)})"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        return ("Corrigez les nouvelles erreurs d’accessibilité graves ou critiques : leur liste, règle par "
                "règle, est dans le dossier de preuves de la dernière visite.",
                vocabulary.DEPLOYMENT_ADVICE)


FINDING = AccessibilityFinding

def check(capture: ServiceCapture) -> AccessibilityFinding:
    if unknown := landing_unknown(capture, AccessibilityFinding):
        return unknown
    loaded = capture.loaded_pages()
    measured = [p for p in loaded if p.axe is not None and p.axe.measured]
    unmeasured = [f"{named(p)} : {(p.axe.error if p.axe else None) or 'axe-core n’a pas tourné'}" for p in loaded
                  if p not in measured]
    if not measured:
        return AccessibilityFinding(status="unknown",
                                    reason="axe-core n’a mesuré aucune page (" + " ; ".join(unmeasured) + ").")

    nodes, review_nodes = 0, 0
    rules: set[str] = set()
    review_rules: set[str] = set()
    criteria: set[str] = set()
    review_criteria: set[str] = set()
    impacts: Counter[str] = Counter()
    evidence: list[Evidence] = []
    review_evidence: list[Evidence] = []
    for page in measured:
        for violation in page.axe.violations:
            related = criteria_of(violation, page.axe.version)
            nodes += _nodes(violation)
            rules.add(violation.id)
            criteria.update(related)
            impacts[violation.impact or "unknown"] += _nodes(violation)
            evidence.append(_evidence(page, violation, related, "violation"))
        for incomplete in page.axe.needs_review:
            related = criteria_of(incomplete, page.axe.version)
            review_nodes += _nodes(incomplete)
            review_rules.add(incomplete.id)
            review_criteria.update(related)
            review_evidence.append(_evidence(page, incomplete, related, "à vérifier par une personne"))
    order = {impact: i for i, impact in enumerate(IMPACTS)}
    by_impact = dict(sorted(impacts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    versions = sorted({p.axe.version for p in measured if p.axe.version}, key=_version_key)
    reason = (f"Mesuré par axe-core {versions[0]} sur {vocabulary.count(len(measured), 'page', 'pages')} : "
              f"{vocabulary.pages(p.kind for p in measured)}")
    if unmeasured:
        reason += " ; non mesurées : " + " ; ".join(unmeasured)
    reason += "."
    return AccessibilityFinding(
        status="measured",
        reason=reason,
        violations=nodes,
        rules=sorted(rules),
        by_impact=by_impact,
        rgaa_criteria=sorted(criteria, key=criterion_key),
        incomplete=review_nodes,
        incomplete_rules=sorted(review_rules),
        incomplete_rgaa_criteria=sorted(review_criteria, key=criterion_key),
        pages_measured=len(measured),
        axe_version=versions[0],
        # Violations first: they are the findings; items to review come after, as far as room allows.
        evidence=(evidence + review_evidence)[:MAX_EVIDENCE],
    )
