"""Tables of the indicators area (issue 6): data imported from outside the probes, and the
reference runs chosen by hand. Migration: 0004_indicators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema_models import Base, utcnow


class SatisfactionScore(Base):
    """A service's JeDonneMonAvis satisfaction for one quarter, as imported from an export.

    Keyed by the JDMA démarche id, or by the registry's service id when the file names services.
    """

    __tablename__ = "satisfaction_scores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarter: Mapped[str] = mapped_column(String(6), index=True)
    demarche_id: Mapped[str | None] = mapped_column(String(40), index=True)
    service_id: Mapped[str | None] = mapped_column(ForeignKey("services.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    reviews: Mapped[int] = mapped_column(Integer)
    # Where the figure comes from: file name and rows, so that anyone can recompute it.
    source: Mapped[str] = mapped_column(String(1000))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeclaredIndicator(Base):
    """An indicator the administration declares (the probes cannot see it), from a quarter on."""

    __tablename__ = "declared_indicators"
    __table_args__ = (UniqueConstraint("service_id", "quarter", "indicator", name="uq_declared_indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(6))
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(100))
    # Who declared it (the file's `source` column), and the file and row it was read from.
    declared_by: Mapped[str | None] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(String(1000))
    source_row: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReferenceRunChoice(Base):
    """A run chosen by hand to stand for a service in a quarter, overriding the documented rule."""

    __tablename__ = "reference_run_choices"
    __table_args__ = (UniqueConstraint("quarter", "service_id", name="uq_reference_run_choice"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    quarter: Mapped[str] = mapped_column(String(6))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    chosen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
