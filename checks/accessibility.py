"""axe-core violations on the visited pages, and the RGAA 4.1 criteria they put in question.

Over the loaded pages whose axe outcome was measured (axe ran, `error` unset):
`violations` counts violation node instances (an element failing a rule counts once per rule and
per page; a violation reported without nodes counts once), `rules` the rule ids with at least one
violation, `by_impact` node counts per axe impact (`unknown` when axe gave none), `rgaa_criteria`
the RGAA 4.1 criteria those rules map to (see `checks.rgaa_map`). `unknown` when no page was
measured. Pages where axe failed are named in the reason; they do not count as zero violations.
"""

from __future__ import annotations

from collections import Counter

from checks.coverage import landing_unknown, page_address
from checks.models import AccessibilityFinding, Evidence
from checks.rgaa_map import AXE_TO_RGAA, rgaa_criteria
from checks.text import collapse
from probes.models import ServiceCapture

MAX_EVIDENCE = 50
IMPACTS = ("critical", "serious", "moderate", "minor")


def check(capture: ServiceCapture) -> AccessibilityFinding:
    if unknown := landing_unknown(capture, AccessibilityFinding):
        return unknown
    loaded = capture.loaded_pages()
    measured = [p for p in loaded if p.axe is not None and p.axe.measured]
    unmeasured = [f"{p.url}: {(p.axe.error if p.axe else None) or 'axe did not run'}" for p in loaded
                  if p not in measured]
    if not measured:
        return AccessibilityFinding(status="unknown",
                                    reason="axe-core measured no page (" + "; ".join(unmeasured) + ")")

    nodes = 0
    rules: set[str] = set()
    impacts: Counter[str] = Counter()
    evidence: list[Evidence] = []
    for page in measured:
        for violation in page.axe.violations:
            count = max(1, len(violation.nodes))
            nodes += count
            rules.add(violation.id)
            impacts[violation.impact or "unknown"] += count
            if len(evidence) < MAX_EVIDENCE:
                first = violation.nodes[0] if violation.nodes else None
                criteria = ", ".join(AXE_TO_RGAA.get(violation.id, ())) or "no RGAA criterion"
                evidence.append(Evidence(
                    page_url=page_address(page),
                    selector=" >>> ".join(first.target) if first and first.target else None,
                    html=(first.html or None) if first else None,
                    excerpt=(collapse(first.failure_summary)[:300] or None) if first else None,
                    note=f"axe {violation.id} ({violation.impact or 'no impact'}): {count} node(s); "
                         f"RGAA {criteria}; {violation.help}".rstrip("; "),
                ))
    order = {impact: i for i, impact in enumerate(IMPACTS)}
    by_impact = dict(sorted(impacts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    reason = f"axe-core on {len(measured)} page(s)"
    if unmeasured:
        reason += "; not measured: " + "; ".join(unmeasured)
    return AccessibilityFinding(
        status="measured",
        reason=reason,
        violations=nodes,
        rules=sorted(rules),
        by_impact=by_impact,
        rgaa_criteria=rgaa_criteria(rules),
        pages_measured=len(measured),
        evidence=evidence,
    )
