"""Findings: what a check decided about a service, with the evidence that supports it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from pydantic import BaseModel, Field

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


class Finding(BaseModel):
    """A check's decision. Each check subclasses it with its fields, its statuses and how it is
    shown: every screen (report, dashboard, e-mails, bundles, `veilleur run`) reads the label,
    the short label and the tones from here, so a new check needs no other file."""

    check: ClassVar[str] = ""
    statuses: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[str] = ""
    short_label: ClassVar[str] = ""
    # Status → tone; a status missing here is not a judgement (neutral), except `unknown`.
    tones: ClassVar[Mapping[str, Tone]] = {}
    # Place among the checks in tables and summaries, lowest first.
    position: ClassVar[int] = 1000

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
