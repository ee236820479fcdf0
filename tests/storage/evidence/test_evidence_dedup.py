"""Deduplication across runs: a second visit of an unchanged site stores only what changed."""

from __future__ import annotations

import pytest

from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.evidence.figures import store_figures
from tests.support.evidence_runs import page_sha, probe_and_record, seed_at


@pytest.fixture
def demo_site():
    from veilleur.demo.server import serve_sites

    with serve_sites() as demo:
        yield demo.site("carte-grise")


def test_a_second_run_of_an_unchanged_site_reuses_its_screenshots_and_doms(demo_site, tmp_path):
    # SQLite only: what is deduplicated is files, the same on either database (and real visits are slow).
    db = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    store = EvidenceStore(tmp_path / "evidence")
    seed_at(db, "carte-grise", demo_site.url)
    first = probe_and_record(db, store, "carte-grise", demo_site.url)
    with db.sessions() as session:
        one = store_figures(session)
    second = probe_and_record(db, store, "carte-grise", demo_site.url)
    with db.sessions() as session:
        two = store_figures(session)
    for position in range(4):  # landing and three key pages
        for column in ("screenshot_sha", "dom_sha"):
            assert page_sha(db, first, position, column) == page_sha(db, second, position, column), (position, column)
    added = two.stored_bytes - one.stored_bytes
    # Screenshots are most of a run; what a second run adds (axe JSON, capture JSON, manifest) is far less.
    assert added < one.stored_bytes / 2
    print(f"\ncarte-grise: first run {one.stored_bytes} bytes; second run added {added} bytes; "
          f"a copy per run: {two.named_per_run:.0f} bytes per run, stored once: {two.stored_per_run:.0f} bytes per run")
    db.close()
