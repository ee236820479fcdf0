"""Measure what the evidence store keeps per service run on the demo, before and after
deduplication across two campaigns of the unchanged demo sites (the README's figures).

    python -m bench.dedup_figures [--keep DIR]

Serves the bundled demo sites on 127.0.0.1, runs two campaigns into a fresh data dir, and prints
the bytes per run a store keeping a copy per run would hold, against what the content-addressed
store holds, with what the second campaign added by kind of file.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from foundation.settings import MailSection, StorageSection
from probes.settings import probe_settings
from storage.db import open_database
from storage.evidence.figures import StoreFigures, store_figures
from storage.evidence.manifests import ARTIFACT_COLUMNS
from storage.evidence.store import EvidenceStore
from storage.registry import import_registry
from storage.schema import Artifact, ManifestRecord, PageRecord, ServiceRun
from veilleur.campaign_console import run_from_cli
from veilleur.settings import read_settings
from veilleur.demo.server import registry_yaml, serve_sites


def _kib(n: float) -> str:
    return f"{n / 1024:,.1f} KiB".replace(",", " ")


def _files_by_kind(session, campaign_id: int) -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    runs = select(ServiceRun.id).where(ServiceRun.campaign_id == campaign_id)
    for row in session.execute(select(PageRecord).where(PageRecord.service_run_id.in_(runs))).scalars():
        for kind, column in ARTIFACT_COLUMNS.items():
            if getattr(row, column):
                kinds.setdefault(kind, set()).add(getattr(row, column))
    kinds["manifest"] = set(session.scalars(select(ManifestRecord.sha256).where(ManifestRecord.service_run_id.in_(runs))))
    return kinds


def measure(work: Path) -> tuple[StoreFigures, StoreFigures, Counter, Counter]:
    db = open_database(f"sqlite:///{work / 'veilleur.db'}")
    store = EvidenceStore(work / "evidence")
    # The environment's settings, on this work folder, its e-mails to its own outbox.
    sections = read_settings().model_copy(update={"storage": StorageSection(data_dir=work), "mail": MailSection()})
    given = "page_timeout" in sections.probe.model_fields_set
    settings = probe_settings(sections.probe, page_timeout_s=None if given else 10.0)
    with serve_sites() as server:
        registry = work / "registry.yaml"
        registry.write_text(registry_yaml(server), encoding="utf-8")
        with db.sessions() as session:
            import_registry(session, registry)
        first = run_from_cli([], [], False, settings, trigger="demo", db=db, store=store,
                             sections=sections).campaign_id
        with db.sessions() as session:
            after_one = store_figures(session)
        second = run_from_cli([], [], False, settings, trigger="demo", db=db, store=store,
                              sections=sections).campaign_id
    with db.sessions() as session:
        after_two = store_figures(session)
        sizes = dict(session.execute(select(Artifact.sha256, Artifact.size)).all())
        old, new = _files_by_kind(session, first), _files_by_kind(session, second)
    known = set().union(*old.values())
    added = Counter({kind: sum(sizes[s] for s in shas - known) for kind, shas in new.items()})
    shared = Counter({kind: sum(sizes[s] for s in shas & known) for kind, shas in new.items()})
    db.close()
    return after_one, after_two, added, shared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="Keep the data dir here instead of a temporary one.")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=False)
        figures = measure(args.keep)
    else:
        with tempfile.TemporaryDirectory() as work:
            figures = measure(Path(work))
    one, two, added, shared = figures
    runs_second = two.runs - one.runs
    print(f"one campaign:  {one.runs} runs, {_kib(one.stored_bytes)} stored, {_kib(one.stored_per_run)} per run")
    print(f"two campaigns: {two.runs} runs; a copy per run: {_kib(two.named_per_run)} per run; "
          f"stored once by sha256: {_kib(two.stored_per_run)} per run ({_kib(two.stored_bytes)} in all)")
    print(f"the second campaign added {_kib(sum(added.values()))} ({_kib(sum(added.values()) / runs_second)} per run) "
          f"and reused {_kib(sum(shared.values()))}:")
    for kind in ("screenshot", "dom", "axe", "capture", "manifest"):
        print(f"  {kind:<10} new {_kib(added[kind]):>12}   reused {_kib(shared[kind]):>12}")


if __name__ == "__main__":
    main()
