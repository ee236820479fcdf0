"""Quarters and the rule that picks a service's reference run for a quarter."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from storage.schema import Campaign, Ministry, Service, ServiceRun
from storage.reference_runs import runs_by_rule as reference_runs
from foundation.quarters import Quarter
from foundation.errors import InputError


def at(y, m, d) -> datetime:
    return datetime(y, m, d, 12, tzinfo=timezone.utc)


def test_quarter_parsing_bounds_and_neighbours():
    q = Quarter.parse("2026Q4")
    assert (q.start, q.end) == (at(2026, 10, 1).replace(hour=0), at(2027, 1, 1).replace(hour=0))
    assert str(q.previous()) == "2026Q3" and str(q.next()) == "2027Q1" and str(Quarter.parse("2027q1").previous()) == "2026Q4"
    assert Quarter.of(at(2026, 12, 31)) == q and not q.contains(at(2027, 1, 1))
    with pytest.raises(InputError, match="trimestre « 2026Q5 »"):
        Quarter.parse("2026Q5")


def test_reference_run_is_the_last_finished_campaign_of_the_quarter(db):
    with db.sessions() as session:
        session.add(Ministry(id="m", name="M", contacts=[]))
        session.add_all([Service(id=s, name=s, ministry_id="m", url=f"https://{s}.example/") for s in ("a", "b")])
        session.flush()
        plan = [  # (campaign status, start, services)
            ("finished", at(2026, 10, 5), ("a", "b")),
            ("finished", at(2026, 11, 5), ("a",)),
            ("running", at(2026, 12, 5), ("a", "b")),   # interrupted: does not stand for the quarter
            ("finished", at(2027, 1, 5), ("a", "b")),   # next quarter
        ]
        ids = {}
        for n, (status, start, services) in enumerate(plan):
            campaign = Campaign(status=status, started_at=start, settings={})
            session.add(campaign)
            session.flush()
            for s in services:
                run = ServiceRun(campaign_id=campaign.id, service_id=s, url="u", status="done", started_at=start)
                session.add(run)
                session.flush()
                ids[(n, s)] = run.id
        session.commit()
        chosen = reference_runs(session, Quarter.parse("2026Q4"))
        assert {s: r.id for s, r in chosen.items()} == {"a": ids[(1, "a")], "b": ids[(0, "b")]}
