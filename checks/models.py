"""Findings: what a check decided about a service, with the evidence that supports it and what it means."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from pydantic import BaseModel, Field

from foundation import vocabulary
from foundation.grid import BY_KEY, NO_DATA, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import Box


class Evidence(BaseModel):
    """A pointer into a capture: where the decisive element or text is, or what was looked for."""

    page_url: str
    selector: str | None = None
    html: str | None = None
    box: Box | None = None
    excerpt: str | None = None
    # For an absence: what was searched and where, so an auditor can re-check the claim.
    note: str | None = None


@dataclass(frozen=True)
class ImportedScore:
    """A satisfaction score imported for the quarter (a JeDonneMonAvis export), for a service or a démarche."""

    service_id: str | None
    demarche_id: str | None
    score: float
    reviews: int
    source: str  # the imported file and row


@dataclass(frozen=True)
class Visit:
    """What an indicator may need besides the finding: the service as the registry describes it,
    the day of the visit that found it (a statement's age is judged on that day), and what was
    imported or seen about it elsewhere (satisfaction scores, its démarche as any run last saw it)."""

    has_account: bool = True
    fc_level_required: str = "franceconnect"
    as_of: date | None = None
    service_id: str = ""
    jdma_demarche_id: str | None = None
    known_demarche: str | None = None
    scores: tuple[ImportedScore, ...] = ()  # newest import first


@dataclass(frozen=True)
class Reading:
    """What a finding tells an indicator: its level on the observatory's grid, its published
    figure, and what is said beside it."""

    level: Level
    value: float | str | None = None
    note: str | None = None
    count: int | None = None
    source: str = "sonde"
    # Pages the figure rests on besides the finding's evidence (the statement's own address).
    urls: tuple[str, ...] = ()
    # Imported rows the figure rests on.
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    """An indicator a check feeds, and how: `read` turns the check's finding into the indicator's
    reading; without a finding (no reference run, or a run before the check existed),
    `without_finding` says what the indicator reads instead (default: the grid's "À venir" for an
    observatory indicator, "Non renseigné" for a Veilleur measure)."""

    spec: IndicatorSpec
    read: Callable[[Finding, Visit], Reading]
    without_finding: Callable[[Visit], Reading] | None = None
    # Drawn visit after visit on the service's dashboard page under this label (None: not drawn).
    history: str | None = None

    def reading(self, finding: Finding | None, visit: Visit) -> Reading:
        if finding is not None:
            return self.read(finding, visit)
        if self.without_finding is not None:
            return self.without_finding(visit)
        return Reading(BY_KEY[self.spec.key].no_figure if self.spec.key in BY_KEY else NO_DATA)


class Finding(BaseModel):
    """A check's decision. Each check subclasses it with its fields, its statuses, how it is
    shown and what it means: every screen (report, dashboard, e-mails, bundles, `veilleur run`)
    reads the label, the short label and the tones from here, the observatory its indicators,
    and the alerts its regression rule, its advice and where its element is, so a new check
    needs no other file."""

    check: ClassVar[str] = ""
    statuses: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[str] = ""
    short_label: ClassVar[str] = ""
    # Status → tone; a status missing here is not a judgement (neutral), except `unknown`.
    tones: ClassVar[Mapping[str, Tone]] = {}
    # Place among the checks in tables and summaries, lowest first.
    position: ClassVar[int] = 1000
    # The statuses that judge the service, worst first: a regression is a move down this order.
    # A status missing here (`unknown`) cannot tell.
    order: ClassVar[tuple[str, ...]] = ()
    # Whether a regression of this check raises an incident (reports/alerts/incidents.py), and
    # whether the incident policy's tolerance applies to its rank (a count that varies a little
    # from one visit to the next, rather than a status).
    watched: ClassVar[bool] = False
    tolerant: ClassVar[bool] = False
    # Where the element is located: the kind of page a ministry would fix when it goes missing,
    # named first (and pictured) when the evidence points at several pages.
    located_on: ClassVar[str | None] = None
    # Said instead of a picture when the evidence stands for no one element of a page.
    not_an_element: ClassVar[str | None] = None
    # The observatory's indicators this check feeds.
    indicators: ClassVar[tuple[Feed, ...]] = ()

    status: str
    reason: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)

    def details(self) -> dict:
        """The check-specific fields (everything except status, reason and evidence)."""
        return self.model_dump(exclude={"status", "reason", "evidence"}, mode="json")

    @classmethod
    def tone_of(cls, status: str) -> Tone:
        return cls.tones.get(status, Tone.UNKNOWN if status == "unknown" else Tone.NEUTRAL)

    def tone(self) -> Tone:
        return self.tone_of(self.status)

    def headline(self) -> str:
        """A short figure shown beside the status in tables (empty when the status says it all)."""
        return ""

    def rank(self) -> float | None:
        """Where this finding stands in the check's order, higher is better; None: it cannot tell."""
        return float(self.order.index(self.status)) if self.status in self.order else None

    def regression(self, before: Finding) -> str:
        """What an incident says changed since `before`, a finding of the same check that ranked higher."""
        return f"{self.label} : {vocabulary.status(before.status)} → {vocabulary.status(self.status)}"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        """What an alert proposes to do, most useful first, after a regression from status
        `before` to `after`; `where` names the page where the element was ("sur la page « connexion »")."""
        return (f"Rétablissez {where} ce que la dernière visite n’a plus trouvé.", vocabulary.DEPLOYMENT_ADVICE)
