"""The objectives tracker, on a small registry whose shares are worked out by hand below."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import pytest

from reports.observatory.objectives import objectives_at
from storage.db import open_database
from storage.declared_import import import_declared
from storage.satisfaction_import import import_satisfaction
from tests.support.indicator_data import GOOD, Scenario, Seen, at, seen

STATEMENT = GOOD["accessibility_statement"].details


def build(db, tmp_path) -> None:
    """Two ministries, six services (+ one retired), visited on 2026-11-02 (f: only in 2026Q3).

    | service | ministry | account / FC required | FC found | JDMA score / reviews | alternative | RGAA statement      | readability | online  | DLNUF |
    |---------|----------|-----------------------|----------|----------------------|-------------|---------------------|-------------|---------|-------|
    | a       | int      | yes / FC+             | FC+      | 8.5 / 150            | present     | totalement 100 %    | 8.0         | oui     | 10    |
    | b       | int      | yes / FC+             | FC       | 9.0 / 80             | absent      | partiellement 80 %  | 7.9         | partiel | 8     |
    | c       | int      | no account            | absent   | 8.0 / 100            | present     | 100 % dated 2022    | 9.0         | oui     | —     |
    | d       | eco      | yes / FC              | FC       | 7.99 / 500           | unknown     | absent              | unknown     | non     | 10    |
    | e       | eco      | yes / FC              | absent   | — (button present)   | present     | totalement 100 %    | 8.2         | oui     | 9.5   |
    | f (Q3)  | eco      | yes / FC              | FC+      | 8.8 / 200 (Q3)       | present     | totalement 100 %    | 8.0         | oui(Q3) | 10    |

    e is visited again on 2026-12-01 and shows FranceConnect+ then.
    """
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("int", "Intérieur")
        sc.ministry("eco", "Économie")
        sc.service("a", "int", fc_level_required="franceconnect_plus")
        sc.service("b", "int", fc_level_required="franceconnect_plus")
        sc.service("c", "int", has_account=False)
        sc.service("d", "eco")
        sc.service("e", "eco")
        sc.service("f", "eco")
        sc.service("retired", "eco", active=False)
        november = sc.campaign(at(2026, 11, 2))
        sc.run(november, "a", seen(readability=Seen("measured", {"score": 8.0})))
        sc.run(november, "b", seen(
            franceconnect=Seen("franceconnect"),
            non_digital_alternative=Seen("absent"),
            accessibility_statement=Seen("partiellement", {**STATEMENT, "rate": 80.0}),
            readability=Seen("measured", {"score": 7.9}),
        ))
        sc.run(november, "c", seen(
            franceconnect=Seen("absent"),
            accessibility_statement=Seen("totalement", {**STATEMENT, "date": "2022-06-01"}),
            readability=Seen("measured", {"score": 9.0}),
        ))
        sc.run(november, "d", seen(
            franceconnect=Seen("franceconnect"),
            non_digital_alternative=Seen("unknown"),
            accessibility_statement=Seen("absent", {}),
            readability=Seen("unknown", {}),
        ))
        sc.run(november, "e", seen(franceconnect=Seen("absent"), readability=Seen("measured", {"score": 8.2})))
        sc.run(sc.campaign(at(2026, 8, 10)), "f", seen(readability=Seen("measured", {"score": 8.0})))
        sc.run(sc.campaign(at(2026, 12, 1)), "e", seen(readability=Seen("measured", {"score": 8.2})))
        session.commit()
    (tmp_path / "jdma.csv").write_text(
        "service_id,quarter,score,reviews\n"
        "a,2026Q4,8.5,150\nb,2026Q4,9.0,80\nc,2026Q4,8.0,100\nd,2026Q4,7.99,500\nf,2026Q3,8.8,200\n",
        encoding="utf-8")
    (tmp_path / "declared.csv").write_text(
        "service_id,quarter,realisable_en_ligne,dites_le_nous_une_fois\n"
        "a,2026Q4,oui,0\nb,2026Q4,partiel,2\nc,2026Q4,oui,\nd,2026Q4,non,1\ne,2026Q4,oui,5\nf,2026Q3,oui,0\n",
        encoding="utf-8")
    with db.sessions() as session:
        import_satisfaction(session, tmp_path / "jdma.csv")
        import_declared(session, tmp_path / "declared.csv")


def shares(report) -> dict[str, tuple]:
    return {
        s.objective.key: ((s.overall.met, s.overall.counted), {m.ministry_id: (m.share.met, m.share.counted) for m in s.by_ministry})
        for s in report.statuses
    }


def test_shares_overall_and_per_ministry_match_the_hand_count(db, tmp_path):
    build(db, tmp_path)
    with db.sessions() as session:
        report = objectives_at(session, date(2026, 11, 15))
    assert report.services == 6  # the retired service is not counted
    assert shares(report) == {
        # c has no account: left out. Met: a (FC+ as required), d (FC), f (FC+, its 2026Q3 state).
        # Missed: b (FC where FC+ is required), e (none on 15 November). 3/5 = 60 %.
        "franceconnect": ((3, 5), {"int": (1, 2), "eco": (2, 3)}),
        # Met: a (8.5 on 150), c (8.0 on exactly 100), f (8.8 on 200 in 2026Q3).
        # Missed: b (80 reviews), d (7.99), e (nothing imported). 3/6 = 50 %.
        "satisfaction": ((3, 6), {"int": (2, 3), "eco": (1, 3)}),
        # Met: a, c, e, f. Missed: b (absent), d (unknown: not shown). 4/6.
        "non_digital_alternative": ((4, 6), {"int": (2, 3), "eco": (2, 3)}),
        # Met: a, e, f (100 %). Missed: b (80 %), c (statement over three years old), d (no statement). 3/6.
        "rgaa": ((3, 6), {"int": (1, 3), "eco": (2, 3)}),
        # Met: a (8.0), c (9.0), e (8.2), f (8.0). Missed: b (7.9), d (unknown). 4/6.
        "plain_language": ((4, 6), {"int": (2, 3), "eco": (2, 3)}),
        # Met: a, c, e, f (declared in 2026Q3, still in force). Missed: b (partiel), d (non). 4/6.
        "online": ((4, 6), {"int": (2, 3), "eco": (2, 3)}),
        # Met: a, d, f (0 or 1 document re-asked: Optimal). Missed: b (2: Partiel), c (not declared), e (5: Faible). 3/6.
        "dlnuf": ((3, 6), {"int": (1, 3), "eco": (2, 3)}),
    }
    by_key = {s.objective.key: s for s in report.statuses}
    assert by_key["franceconnect"].overall.percent == pytest.approx(60.0)
    assert by_key["franceconnect"].not_applicable == ("c",)
    # who misses, by ministry then service, and why
    assert [(m.service_id, m.reason) for m in by_key["franceconnect"].missing] == [
        ("e", "constat : Non"), ("b", "FranceConnect+ requis, constat : FranceConnect")]
    assert [(m.service_id, m.reason) for m in by_key["satisfaction"].missing] == [
        ("d", "note 7,99/10"), ("e", "À venir (bouton JDMA présent (démarche 4567) ; pas de note importée pour le trimestre)"),
        ("b", "80 avis, moins de 100")]
    # deadlines passed on 15 November 2026: all but the two of December 2026
    assert [s.objective.key for s in report.statuses if not s.due] == ["online", "dlnuf"]


def test_the_same_registry_a_month_later_counts_the_newer_visit(db, tmp_path):
    build(db, tmp_path)
    with db.sessions() as session:
        report = objectives_at(session, date(2026, 12, 15))
    # e's visit of 1 December found FranceConnect+: 4 of the 5 services with accounts now.
    assert shares(report)["franceconnect"] == ((4, 5), {"int": (1, 2), "eco": (3, 3)})


def test_objectives_command_prints_shares_and_who_misses(tmp_path, env_data_dir):
    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    build(db, tmp_path)
    db.close()
    done = subprocess.run([sys.executable, "-m", "veilleur.cli", "objectives", "--date", "2026-11-15"],
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "3 sur 5 (60 %)" in done.stdout and "eco : 2 sur 3, int : 1 sur 2" in done.stdout
    assert "b (int) : FranceConnect+ requis, constat : FranceConnect" in done.stdout
    bad = subprocess.run([sys.executable, "-m", "veilleur.cli", "objectives", "--date", "15/11/2026"],
                         env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr == "veilleur : erreur : --date 15/11/2026 : attendu : une date comme 2026-12-31 (année-mois-jour)\n"
