"""Findings: what a check decided about a service, with the evidence that supports it."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

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
    check: ClassVar[str] = ""
    statuses: ClassVar[tuple[str, ...]] = ()

    status: str
    reason: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)

    def details(self) -> dict:
        """The check-specific fields (everything except status, reason and evidence)."""
        return self.model_dump(exclude={"status", "reason", "evidence"}, mode="json")


class FranceConnectFinding(Finding):
    check: ClassVar[str] = "franceconnect"
    statuses: ClassVar[tuple[str, ...]] = ("franceconnect", "franceconnect_plus", "absent", "unknown")


class JeDonneMonAvisFinding(Finding):
    check: ClassVar[str] = "jedonnemonavis"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")

    demarche_id: str | None = None


class NonDigitalAlternativeFinding(Finding):
    check: ClassVar[str] = "non_digital_alternative"
    statuses: ClassVar[tuple[str, ...]] = ("present", "absent", "unknown")

    phones: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    appointment: bool = False


class AccessibilityFinding(Finding):
    check: ClassVar[str] = "accessibility"
    statuses: ClassVar[tuple[str, ...]] = ("measured", "unknown")

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


class AccessibilityStatementFinding(Finding):
    check: ClassVar[str] = "accessibility_statement"
    statuses: ClassVar[tuple[str, ...]] = ("totalement", "partiellement", "non", "absent", "unknown")

    rate: float | None = None
    statement_url: str | None = None
    rgaa_version: str | None = None
    date: str | None = None
    # More than three years since the statement's date (None: the statement gives no date).
    expired: bool | None = None
    schema_pluriannuel_url: str | None = None


class ReadabilityFinding(Finding):
    check: ClassVar[str] = "readability"
    statuses: ClassVar[tuple[str, ...]] = ("measured", "unknown")

    score: float | None = None
    kandel_moles: float | None = None
    words: int | None = None


FINDING_TYPES: dict[str, type[Finding]] = {
    cls.check: cls
    for cls in (
        FranceConnectFinding,
        JeDonneMonAvisFinding,
        NonDigitalAlternativeFinding,
        AccessibilityFinding,
        AccessibilityStatementFinding,
        ReadabilityFinding,
    )
}
CHECK_IDS: tuple[str, ...] = tuple(FINDING_TYPES)


def finding_from_stored(check: str, status: str, reason: str | None, details: dict, evidence: list) -> Finding:
    """Rebuild a typed finding from its stored columns."""
    return FINDING_TYPES[check](status=status, reason=reason, evidence=evidence, **details)
