"""What counts as a regression of a service, check by check, between two observations.

Each watched check maps an observation to a rank (higher is better, None when the run could not
tell); a regression is a drop of the rank beyond the check's tolerance. Kept free of the
database so the rules can be read and tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from checks import finding_type
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
    statuses: dict[str, str] = field(default_factory=dict)
    details: dict[str, dict] = field(default_factory=dict)
    page_url: str | None = None
    screenshot_sha: str | None = None


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


def _status_rank(check: str, ranks: dict[str, float]) -> Callable[[Observation], float | None]:
    def rank(obs: Observation) -> float | None:
        return ranks.get(obs.statuses.get(check, "unknown"))

    return rank


def _statement_rank(obs: Observation) -> float | None:
    status = obs.statuses.get("accessibility_statement", "unknown")
    if status == "unknown":
        return None
    if status == "absent" or obs.details.get("accessibility_statement", {}).get("expired"):
        return 0
    return 1


def _serious_violations(obs: Observation) -> int | None:
    if obs.statuses.get("accessibility") != "measured":
        return None
    impacts = obs.details.get("accessibility", {}).get("by_impact") or {}
    return int(impacts.get("critical", 0)) + int(impacts.get("serious", 0))


def _describe_fc(before: Observation, now: Observation) -> str:
    if now.statuses.get("franceconnect") == "franceconnect":
        return "FranceConnect+ a été remplacé par FranceConnect simple"
    return "Le bouton FranceConnect a disparu"


def _describe_statement(before: Observation, now: Observation) -> str:
    if now.statuses.get("accessibility_statement") == "absent":
        return "La déclaration d’accessibilité n’est plus trouvée"
    return "La déclaration d’accessibilité a plus de trois ans : elle n’est plus valable"


def _describe_axe(before: Observation, now: Observation) -> str:
    b, n = _serious_violations(before), _serious_violations(now)
    added = (n or 0) - (b or 0)
    words = vocabulary.count(added, "nouvelle violation d’accessibilité grave ou critique",
                             "nouvelles violations d’accessibilité graves ou critiques")
    return f"{words} (axe-core : {vocabulary.integer(b or 0)} → {vocabulary.integer(n or 0)})"


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
    return (
        Rule(AVAILABILITY, _availability_rank, _describe_down, needs_full=False),
        Rule("franceconnect", _status_rank("franceconnect", {"franceconnect_plus": 2, "franceconnect": 1, "absent": 0}),
             _describe_fc),
        Rule("jedonnemonavis", _status_rank("jedonnemonavis", {"present": 1, "absent": 0}),
             lambda b, n: "Le bouton JeDonneMonAvis a disparu"),
        Rule("non_digital_alternative", _status_rank("non_digital_alternative", {"present": 1, "absent": 0}),
             lambda b, n: "Plus aucune alternative non numérique (téléphone, guichet, rendez-vous) n’est indiquée"),
        Rule("accessibility_statement", _statement_rank, _describe_statement),
        Rule("accessibility", lambda o: None if _serious_violations(o) is None else -float(_serious_violations(o)),
             _describe_axe, tolerance=axe_tolerance),
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
