"""Tables of the evidence area: the chain of run manifests per service, and what retention pruned.

The manifest itself is an artifact (canonical JSON in the evidence store, see storage/manifests.py);
`run_manifests` records where it sits in its service's chain, so that `veilleur verify` can walk
each chain and name a missing or altered link. `pruned_artifacts` records the files that retention
deleted on purpose, so that verify tells "pruned by retention" from "missing".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema_models import Base, utcnow


class ManifestRecord(Base):
    __tablename__ = "run_manifests"
    __table_args__ = (
        # One link per place in a service's chain: two writers racing for the same place cannot
        # both commit, so a chain never forks.
        UniqueConstraint("service_id", "chain_index", name="uq_run_manifest_chain_place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_run_id: Mapped[int] = mapped_column(ForeignKey("service_runs.id"), unique=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), index=True)
    # 0 for a service's first manifest, then 1, 2… in the order the runs were recorded.
    chain_index: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"), unique=True)
    previous_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PrunedArtifact(Base):
    """An evidence file deleted by `veilleur evidence prune`: its row in `artifacts` stays."""

    __tablename__ = "pruned_artifacts"

    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"), primary_key=True)
    pruned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    keep_quarters: Mapped[int] = mapped_column(Integer)
