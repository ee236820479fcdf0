"""Retention: `veilleur evidence prune --keep-quarters N`.

The N most recent quarters (the current one included) keep every file. In older quarters only
each service's reference run keeps its files (storage/reference_runs.py): the one the indicators
stand on (a full visit, or the run chosen by hand) and the one the rule picks among all its runs,
both kept, since deleting is the one step that cannot be undone; the other runs lose theirs,
unless a kept run shares them (the store holds each file once). Manifests are never pruned, so
every chain still verifies; each deleted file is recorded in `pruned_artifacts` *before* it is
deleted, so `veilleur verify` reports it as pruned by retention, while a file deleted by hand is
reported missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.errors import InputError
from foundation.quarters import Quarter
from foundation.times import as_utc
from storage.evidence.manifests import ARTIFACT_COLUMNS
from storage.evidence.store import EvidenceStore
from storage.reference_runs import reference_runs, runs_by_rule
from storage.schema import Artifact, Campaign, ManifestRecord, PageRecord, PrunedArtifact, ServiceRun


@dataclass
class PruneSummary:
    kept_since: Quarter
    old_runs: int = 0
    reference_runs: list[int] = field(default_factory=list)
    pruned_runs: list[int] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


def _run_artifacts(session: Session) -> dict[int, set[str]]:
    columns = [getattr(PageRecord, column) for column in ARTIFACT_COLUMNS.values()]
    by_run: dict[int, set[str]] = {}
    for run_id, *shas in session.execute(select(PageRecord.service_run_id, *columns)):
        by_run.setdefault(run_id, set()).update(sha for sha in shas if sha)
    return by_run


def prune(session: Session, store: EvidenceStore, keep_quarters: int, now: datetime | None = None,
          dry_run: bool = False) -> PruneSummary:
    if keep_quarters < 1:
        raise InputError(f"--keep-quarters {keep_quarters} : doit valoir au moins 1 (le trimestre en cours)")
    running = session.scalars(select(Campaign.id).where(Campaign.status == "running").order_by(Campaign.id)).all()
    if running:
        # A unit being recorded may reuse a file that pruning is about to delete.
        raise InputError(f"campagne {', '.join(map(str, running))} encore en cours : laissez-la finir "
                         "(ou reprenez-la avec `veilleur run --resume`) avant de supprimer des preuves")
    kept_since = Quarter.of(now or datetime.now(timezone.utc))
    for _ in range(keep_quarters - 1):
        kept_since = kept_since.previous()
    summary = PruneSummary(kept_since)

    runs = session.execute(select(ServiceRun.id, ServiceRun.started_at)).all()
    old = {run_id: Quarter.of(started) for run_id, started in runs
           if started is not None and as_utc(started) < kept_since.start}
    summary.old_runs = len(old)
    references: set[int] = set()
    for quarter in set(old.values()):
        references |= {reference.run.id for reference in reference_runs(session, quarter).values()}
        references |= {run.id for run in runs_by_rule(session, quarter).values()}
    by_run = _run_artifacts(session)
    keep: set[str] = set(session.scalars(select(ManifestRecord.sha256)))
    for run_id, shas in by_run.items():
        if run_id not in old or run_id in references:
            keep |= shas
    already = set(session.scalars(select(PrunedArtifact.sha256)))
    doomed: set[str] = set()
    for run_id in sorted(old):
        if run_id in references:
            summary.reference_runs.append(run_id)
            continue
        losing = by_run.get(run_id, set()) - keep
        if losing - already:
            summary.pruned_runs.append(run_id)
        doomed |= losing - already
    sizes = {sha: size for sha, size in session.execute(select(Artifact.sha256, Artifact.size)) if sha in doomed}
    summary.files = len(doomed)
    summary.bytes = sum(sizes.values())
    if dry_run or not doomed:
        return summary
    pruned_at = datetime.now(timezone.utc)
    try:
        session.add_all(PrunedArtifact(sha256=sha, pruned_at=pruned_at, keep_quarters=keep_quarters) for sha in sorted(doomed))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    # Deleting after the commit: a crash in between leaves files that are recorded as pruned but
    # still there, which verify accepts; never a deleted file that nothing explains.
    for sha in doomed:
        store.path(sha).unlink(missing_ok=True)
    return summary
