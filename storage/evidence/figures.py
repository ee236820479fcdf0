"""What the evidence store holds, against what the runs name: the saving of storing each file once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.evidence.manifests import ARTIFACT_COLUMNS
from storage.schema import Artifact, ManifestRecord, PageRecord, PrunedArtifact


@dataclass(frozen=True)
class StoreFigures:
    runs: int
    # Bytes of the files each run names (its pages' files and its manifest), summed over runs:
    # what a store keeping a copy per run would hold.
    named_bytes: int
    # Bytes of the distinct files still there (not pruned): what the content-addressed store holds.
    stored_bytes: int

    @property
    def named_per_run(self) -> float:
        return self.named_bytes / self.runs if self.runs else 0.0

    @property
    def stored_per_run(self) -> float:
        return self.stored_bytes / self.runs if self.runs else 0.0


def store_figures(session: Session, run_ids: set[int] | None = None) -> StoreFigures:
    files: dict[int, set[str]] = {}
    columns = [getattr(PageRecord, column) for column in ARTIFACT_COLUMNS.values()]
    for run_id, *shas in session.execute(select(PageRecord.service_run_id, *columns)):
        if run_ids is None or run_id in run_ids:
            files.setdefault(run_id, set()).update(sha for sha in shas if sha)
    for run_id, sha in session.execute(select(ManifestRecord.service_run_id, ManifestRecord.sha256)):
        if run_ids is None or run_id in run_ids:
            files.setdefault(run_id, set()).add(sha)
    pruned = set(session.scalars(select(PrunedArtifact.sha256)))
    distinct = set().union(*files.values()) if files else set()
    # All rows rather than IN (…): a large store would exceed SQLite's limit on bound parameters.
    sizes = {sha: size for sha, size in session.execute(select(Artifact.sha256, Artifact.size)) if sha in distinct}
    return StoreFigures(
        runs=len(files),
        named_bytes=sum(sizes.get(sha, 0) for shas in files.values() for sha in shas),
        stored_bytes=sum(size for sha, size in sizes.items() if sha not in pruned),
    )
