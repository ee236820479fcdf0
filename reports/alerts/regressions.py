"""What counts as a regression of a service, check by check, between two observations.

Each watched check ranks its own findings (higher is better, None when the run could not tell:
`Finding.rank`, declared in the check's module with the order of its statuses) and says what a
drop is called; a regression is a drop of the rank beyond the tolerance. Availability, which no
check decides, is ranked here. Kept free of the database so the rules can be read and tested on
their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from checks import finding_type, watched_checks
from checks.models import Finding
from foundation import vocabulary
from probes import interruption

AVAILABILITY = "availability"


@dataclass(frozen=True)
class Observation:
    """One completed run of a service, as the incident rules see it."""

    run_id: int
    campaign_id: int
    started_at: datetime
    ok: bool
    error_class: str | None
    full: bool  # a full campaign (findings) rather than an availability check
    findings: Mapping[str, Finding] = field(default_factory=dict)
    page_url: str | None = None
    screenshot_sha: str | None = None

    @property
    def statuses(self) -> dict[str, str]:
        return {check: finding.status for check, finding in self.findings.items()}


@dataclass(frozen=True)
class Rule:
    check: str
    rank: Callable[[Observation], float | None]
    describe: Callable[[Observation, Observation], str]
    tolerance: float = 0.0
    # Availability is watched on every run; the other checks only on full campaigns.
    needs_full: bool = True

    def regressed(self, baseline: Observation, current: Observation) -> bool:
        before, now = self.rank(baseline), self.rank(current)
        return before is not None and now is not None and now < before - self.tolerance


def _check_rank(check: str) -> Callable[[Observation], float | None]:
    def rank(obs: Observation) -> float | None:
        finding = obs.findings.get(check)
        return finding.rank() if finding is not None else None

    return rank


def _check_describe(check: str) -> Callable[[Observation, Observation], str]:
    def describe(before: Observation, now: Observation) -> str:
        return now.findings[check].regression(before.findings.get(check))

    return describe


def _describe_down(before: Observation, now: Observation) -> str:
    if now.error_class in interruption.KINDS:  # it answered, but with a maintenance page (or the like)
        return f"Le service est interrompu ({vocabulary.error_class(now.error_class)})"
    return f"Le service est injoignable ({vocabulary.error_class(now.error_class)})"


def _availability_rank(obs: Observation) -> float | None:
    """Up or down; None when the landing page was neither: a refusal or challenge addressed to
    the probe (our access problem), a waiting room, or an address that no longer leads to the
    démarche (probes/interruption.py). A maintenance page is the service being down."""
    if not obs.ok and obs.error_class in interruption.NOT_AVAILABILITY:
        return None
    return 1.0 if obs.ok else 0.0


def check_label(check: str) -> str:
    """A watched check's name for readers: the check's own label, "Disponibilité" for availability."""
    if check == AVAILABILITY:
        return "Disponibilité"
    return finding_type(check).label or check


def status_change(check: str, before: str | None, after: str | None) -> str | None:
    """What changed, in the words of the vocabulary: "JeDonneMonAvis : présent → absent",
    "FranceConnect : FranceConnect+ → absent", "Disponibilité : joignable → délai dépassé".
    None when the statuses do not tell the change (an expired statement, more axe-core
    violations): the incident's own sentence says it."""
    if check == AVAILABILITY:
        return f"{check_label(check)} : joignable → {vocabulary.error_class(after)}"
    if not before or not after or before == after:
        return None
    return f"{check_label(check)} : {vocabulary.status(before)} → {vocabulary.status(after)}"


def rules(axe_tolerance: int = 5) -> tuple[Rule, ...]:
    """Availability, then every watched check of the registry; `axe_tolerance` applies to the
    checks whose rank is a count that varies a little between visits (`Finding.tolerant`)."""
    return (
        Rule(AVAILABILITY, _availability_rank, _describe_down, needs_full=False),
        *(Rule(finding.check, _check_rank(finding.check), _check_describe(finding.check),
               tolerance=float(axe_tolerance) if finding.tolerant else 0.0)
          for finding in watched_checks()),
    )


@dataclass(frozen=True)
class Confirmed:
    """A regression seen on the K most recent runs, against the run just before them."""

    baseline: Observation
    streak: tuple[Observation, ...]  # newest first

    @property
    def since(self) -> datetime:
        return self.streak[-1].started_at


def confirmed_regression(rule: Rule, history: list[Observation], k: int) -> Confirmed | None:
    """`history` newest first. Runs that could not tell (rank None) are skipped, so an outage
    neither confirms nor breaks a regression of another check; but the newest run must tell."""
    relevant = [o for o in history if (o.full or not rule.needs_full)]
    known = [o for o in relevant if rule.rank(o) is not None]
    if len(known) < k + 1 or not relevant or known[0] is not relevant[0]:
        return None
    streak, baseline = known[:k], known[k]
    if all(rule.regressed(baseline, o) for o in streak):
        return Confirmed(baseline, tuple(streak))
    return None


def recovered(rule: Rule, baseline: Observation, current: Observation) -> bool:
    """Back to at least the level before the regression (a run that cannot tell is not recovery)."""
    return rule.rank(current) is not None and not rule.regressed(baseline, current)
