"""A quarter's indicators: which run stands for it, the levels computed from stored findings, and
the evidence each level links to."""

from __future__ import annotations

import re

import os
import subprocess
import sys

import pytest

from reports.observatory import levels as L
from reports.observatory.indicators import quarter_indicators
from storage.db import open_database
from foundation.quarters import Quarter
from foundation.grid import BY_KEY
from storage.reference_runs import choose_reference_run, clear_reference_choice, reference_runs
from tests.support.indicator_data import GOOD, Scenario, Seen, at, seen
from foundation.errors import InputError

Q4 = Quarter.parse("2026Q4")


def by_service(session, quarter=Q4):
    return {s.service_id: s for s in quarter_indicators(session, quarter)}


def test_reference_run_is_the_last_finished_campaign_of_the_quarter_and_a_choice_by_hand_overrides_it(db):
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        for sid in ("a", "b"):
            sc.service(sid)
        october = sc.campaign(at(2026, 10, 5))
        a_oct, b_oct = sc.run(october, "a", GOOD), sc.run(october, "b", GOOD)
        november = sc.campaign(at(2026, 11, 5))
        a_nov = sc.run(november, "a", GOOD)
        # later in the quarter: a finished availability-only campaign (landing page, no findings)
        availability = sc.campaign(at(2026, 12, 1))
        a_avail = sc.run(availability, "a", None)
        # an interrupted campaign does not stand for the quarter, nor does the next quarter's
        interrupted = sc.campaign(at(2026, 12, 5), status="running")
        sc.run(interrupted, "a", GOOD), sc.run(interrupted, "b", GOOD)
        january = sc.campaign(at(2027, 1, 5))
        a_jan = sc.run(january, "a", GOOD)
        session.commit()

        chosen = reference_runs(session, Q4)
        assert {s: (r.run.id, r.chosen) for s, r in chosen.items()} == {"a": (a_nov.id, False), "b": (b_oct.id, False)}
        # as known on 1 November, only October's campaign had run
        assert reference_runs(session, Q4, as_of=at(2026, 11, 1))["a"].run.id == a_oct.id

        choose_reference_run(session, Q4, "a", a_oct.id, "November's visit hit a maintenance page")
        chosen = reference_runs(session, Q4)
        assert (chosen["a"].run.id, chosen["a"].chosen, chosen["a"].reason) == (
            a_oct.id, True, "November's visit hit a maintenance page")
        assert by_service(session)["a"].reference.rule == "choix manuel"
        assert clear_reference_choice(session, Q4, "a") is True
        assert reference_runs(session, Q4)["a"].run.id == a_nov.id

        for run_id, service, message in [
            (b_oct.id, "a", "visite de la démarche b, pas de a"),
            (a_jan.id, "a", "hors du 4e trimestre 2026"),
            (a_avail.id, "a", "sans constat"),
            (999999, "a", "--run 999999 : aucune visite de ce numéro"),
        ]:
            with pytest.raises(InputError, match=message):
                choose_reference_run(session, Q4, service, run_id, None)


def test_levels_come_from_the_reference_run_and_link_to_its_findings_and_pages(db):
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        sc.service("good")
        sc.service("weak")
        sc.service("no-account", has_account=False)
        sc.service("never-probed")
        campaign = sc.campaign(at(2026, 11, 2))
        good = sc.run(campaign, "good", GOOD)
        weak = sc.run(campaign, "weak", seen(
            franceconnect=Seen("absent"),
            jedonnemonavis=Seen("absent"),
            non_digital_alternative=Seen("absent"),
            accessibility=Seen("measured", {"violations": 7, "rules": ["image-alt", "label"], "by_impact": {"critical": 2}, "pages_measured": 3}),
            accessibility_statement=Seen("partiellement", {"rate": 74.5, "date": "2025-03-12", "statement_url": "https://weak.example/a11y"}),
            readability=Seen("measured", {"score": 6.8, "words": 412}),
        ))
        sc.run(campaign, "no-account", seen(franceconnect=Seen("absent")))
        session.commit()

        states = by_service(session)
        g, w = states["good"], states["weak"]
        keys = ("authentication", "handicap", "accessibility_axe", "satisfaction", "simplicity", "readability",
                "non_digital_alternative")
        assert [(k, g.get(k).level) for k in keys] == [
            ("authentication", L.FRANCECONNECT_PLUS), ("handicap", L.YES), ("accessibility_axe", L.MEASURED),
            ("satisfaction", L.TO_COME), ("simplicity", L.TO_COME), ("readability", L.GREEN),
            ("non_digital_alternative", L.PRESENT),
        ]
        assert [(k, w.get(k).level, w.get(k).value) for k in keys] == [
            ("authentication", L.NO, "absent"), ("handicap", L.PARTIAL, 74.5), ("accessibility_axe", L.MEASURED, 7),
            ("satisfaction", L.NO, None), ("simplicity", L.TO_COME, None), ("readability", L.ORANGE, 6.8),
            ("non_digital_alternative", L.ABSENT, "absent"),
        ]
        # axe-core stands beside the declared rate, never in it
        assert w.get("handicap").value == 74.5 and w.get("accessibility_axe").count == 3
        assert states["no-account"].get("authentication").level == L.NOT_APPLICABLE
        assert states["no-account"].get("authentication").source == "registre (service sans compte usager)"
        never = states["never-probed"]
        # Nothing to judge: "À venir" on the observatory's indicators, "Non renseigné" on Veilleur's measures
        assert never.reference is None and {i.level for i in never.indicators if i.key in BY_KEY} == {L.TO_COME}
        assert {i.level for i in never.indicators if i.key not in BY_KEY} == {L.NO_DATA}

        # each level names the run, the finding and the page it rests on
        fc = g.get("authentication")
        finding_id = next(f.id for f in good.findings if f.check == "franceconnect")
        assert fc.evidence.runs == (good.id,) and fc.evidence.findings == (finding_id,)
        assert fc.evidence.pages == (good.pages[0].id,) and fc.evidence.urls == ("https://x.example/connexion",)
        statement = w.get("handicap")
        assert statement.evidence.urls == ("https://weak.example/a11y",)
        assert statement.evidence.text().startswith(f"run={weak.id}; finding=")
        assert g.reference.run_id == good.id and g.reference.rule == "dernière campagne terminée du trimestre"


def test_a_statement_over_three_years_old_is_no_from_its_date_unless_the_check_said_otherwise(db):
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        for sid in ("old", "recent", "flagged"):
            sc.service(sid)
        campaign = sc.campaign(at(2026, 11, 2))
        statement = GOOD["accessibility_statement"]
        sc.run(campaign, "old", seen(accessibility_statement=Seen("totalement", {**statement.details, "date": "2023-11-01"})))
        sc.run(campaign, "recent", seen(accessibility_statement=Seen("totalement", {**statement.details, "date": "2023-11-02"})))
        sc.run(campaign, "flagged", seen(accessibility_statement=Seen("totalement", {**statement.details, "expired": True})))
        session.commit()
        states = by_service(session)
        # visited on 2026-11-02: a statement of 2023-11-01 is three years and a day old
        assert states["old"].get("handicap").level == L.NO
        assert "de plus de trois ans" in states["old"].get("handicap").note
        assert states["recent"].get("handicap").level == L.YES
        assert states["flagged"].get("handicap").level == L.NO


def test_uptime_and_load_time_count_every_probe_of_the_quarter(db):
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        sc.service("s")
        full = sc.campaign(at(2026, 10, 5))
        first = sc.run(full, "s", GOOD, load_ms=300)
        probes = [sc.campaign(at(2026, 10, d)) for d in (6, 7, 8)]
        second = sc.run(probes[0], "s", None, load_ms=500)
        third = sc.run(probes[1], "s", None, load_ms=900)
        down = sc.run(probes[2], "s", None, ok=False, error_class="http_5xx")
        sc.run(sc.campaign(at(2026, 9, 30)), "s", None, ok=False)  # previous quarter: not counted
        session.commit()
        s = by_service(session)["s"]
        uptime, load = s.get("uptime"), s.get("load_time")
        # 3 of 4 visits answered: 75 % → Faible; the failed visit is the evidence
        assert (uptime.level, uptime.value, uptime.count, uptime.evidence.runs) == (L.WEAK, 75.0, 4, (down.id,))
        assert "erreur du serveur (5xx)" in uptime.note
        # mean HTTP response time of 300, 500 and 900 ms: 566,66… published 566 → Partiel, resting
        # on the three visits that got an answer
        assert (load.level, load.value, load.count) == (L.PARTIAL, 566.0, 3)
        assert load.evidence.runs == (first.id, second.id, third.id)


def test_reference_commands_choose_show_and_forget_a_run_by_hand(env_data_dir):
    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        sc.service("a")
        first = sc.run(sc.campaign(at(2026, 10, 5)), "a", GOOD)
        last = sc.run(sc.campaign(at(2026, 11, 5)), "a", GOOD)
        session.commit()
        first_id, last_id = first.id, last.id
    db.close()

    def veilleur(*args):
        return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=dict(os.environ),
                              capture_output=True, text=True, timeout=120)

    chosen = veilleur("reference", "set", "--quarter", "2026Q4", "--service", "a", "--run", str(first_id),
                      "--reason", "page de maintenance")
    assert chosen.returncode == 0 and chosen.stdout == f"4e trimestre 2026, démarche a : visite {first_id} choisie\n"
    shown = veilleur("reference", "show", "--quarter", "2026Q4")
    assert re.search(rf"│ a +│ {first_id} ", shown.stdout) and "choix manuel : page de maintenance" in shown.stdout
    assert veilleur("reference", "unset", "--quarter", "2026Q4", "--service", "a").returncode == 0
    assert re.search(rf"│ a +│ {last_id} ", veilleur("reference", "show", "--quarter", "2026Q4").stdout)
    refused = veilleur("reference", "set", "--quarter", "2026Q3", "--service", "a", "--run", str(last_id))
    assert (refused.returncode, refused.stderr) == (2, f"veilleur : erreur : --run {last_id} : commencée le 5 novembre 2026, hors du 3e trimestre 2026\n")
    nothing = veilleur("reference", "unset", "--quarter", "2026Q4", "--service", "a")
    assert (nothing.returncode, nothing.stderr) == (2, "veilleur : erreur : --service a : aucune visite choisie à la main pour le 4e trimestre 2026\n")
