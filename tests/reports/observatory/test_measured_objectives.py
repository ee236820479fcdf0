"""The December 2026 objectives measured instead of declared: "Réalisable en ligne" and
"Dites-le-nous une fois" shown as measured beside the declared value (never mixed), a
"Compatibilité mobile" indicator, and the objectives judged on the measure where nothing is
declared, saying so."""

from __future__ import annotations

from datetime import date

import pytest

from foundation.quarters import Quarter
from reports.observatory import levels
from reports.observatory.indicators import quarter_indicators
from reports.observatory.objectives import objectives_at
from storage.db import open_database
from storage.schema import DeclaredIndicator
from tests.support.indicator_data import Scenario, Seen, at, seen

Q4 = Quarter.parse("2026Q4")


def _online(status: str) -> Seen:
    return Seen(status, evidence_url="https://x.example/demarche")


def _dlnuf(documents: list[str], held: list[str]) -> Seen:
    return Seen("measured", {"documents": documents, "held": held})


@pytest.fixture
def db(tmp_path):
    """| service | online_procedure | dlnuf held / asked | mobile       | declared online / dlnuf |
       |---------|------------------|--------------------|--------------|-------------------------|
       | a       | online           | 0 / 1              | compatible   | —                       |
       | b       | partial          | 3 / 4              | incompatible | —                       |
       | c       | offline          | 6 / 6              | unknown      | online "oui", dlnuf 0   |
       | d       | unknown          | unknown            | compatible   | —                       |"""
    database = open_database(f"sqlite:///{tmp_path / 'veilleur.db'}")
    with database.sessions() as session:
        sc = Scenario(session)
        sc.ministry("m")
        for sid in "abcd":
            sc.service(sid)
        november = sc.campaign(at(2026, 11, 2))
        sc.run(november, "a", seen(online_procedure=_online("online"), dlnuf=_dlnuf(["RIB"], []),
                                   mobile=Seen("compatible")))
        sc.run(november, "b", seen(online_procedure=_online("partial"),
                                   dlnuf=_dlnuf(["avis d'imposition", "attestation CAF", "acte de naissance", "RIB"],
                                                ["avis d'imposition", "attestation CAF", "acte de naissance"]),
                                   mobile=Seen("incompatible", {"problems": ["viewport", "overflow"]})))
        six = ["avis d'imposition", "attestation CAF", "acte de naissance", "extrait Kbis", "attestation URSSAF",
               "attestation Pôle emploi"]
        sc.run(november, "c", seen(online_procedure=_online("offline"), dlnuf=_dlnuf(six, six),
                                   mobile=Seen("unknown")))
        sc.run(november, "d", seen(online_procedure=Seen("unknown"), dlnuf=Seen("unknown"), mobile=Seen("compatible")))
        for indicator, value in (("online", "oui"), ("dlnuf", "0")):
            session.add(DeclaredIndicator(service_id="c", quarter="2026Q4", indicator=indicator, value=value,
                                          source_file="declarations.csv", source_row=2))
        session.commit()
    yield database
    database.close()


def test_measured_values_stand_beside_the_declared_ones_never_mixed(db):
    with db.sessions() as session:
        states = {s.service_id: s for s in quarter_indicators(session, Q4)}
    c = states["c"]
    assert (c.get("online").level, c.get("online_measured").level) == (levels.YES, levels.NO)
    assert c.get("dlnuf").value == 0 and c.get("dlnuf_measured").level == levels.RED
    assert [states[s].get("online_measured").level for s in "abd"] == [levels.YES, levels.PARTIAL, levels.UNKNOWN]
    assert states["a"].get("online").level == levels.TO_COME  # nothing declared: "À venir"


def test_dlnuf_level_counts_the_documents_the_administration_already_holds(db):
    with db.sessions() as session:
        states = {s.service_id: s for s in quarter_indicators(session, Q4)}
    b = states["b"].get("dlnuf_measured")
    assert (b.level, b.value, b.count) == (levels.ORANGE, 3, 4)
    assert b.note.startswith("déjà détenues : avis d'imposition, attestation CAF, acte de naissance")
    assert (states["a"].get("dlnuf_measured").level, states["a"].get("dlnuf_measured").value) == (levels.GREEN, 0)
    assert states["d"].get("dlnuf_measured").level == levels.UNKNOWN


def test_mobile_compatibility_is_an_indicator_with_its_problems_in_words(db):
    with db.sessions() as session:
        states = {s.service_id: s for s in quarter_indicators(session, Q4)}
    b = states["b"].get("mobile")
    assert b.level == levels.NO
    assert b.note == "pas de balise viewport adaptée aux mobiles, contenu plus large que l’écran"
    assert [states[s].get("mobile").level for s in "acd"] == [levels.YES, levels.UNKNOWN, levels.YES]


def test_december_2026_objectives_use_the_declaration_else_the_measure_and_say_which(db):
    with db.sessions() as session:
        report = objectives_at(session, date(2026, 11, 30))
    by_key = {s.objective.key: s for s in report.statuses}
    online = by_key["online"]
    # a: measured online; c: declared "oui" (its measured "offline" does not override it).
    assert (online.overall.met, online.overall.counted, online.measured) == (2, 4, 3)
    assert {m.service_id: m.reason for m in online.missing} == {"b": "mesuré : Partiel", "d": "mesuré : Inconnu"}
    dlnuf = by_key["dlnuf"]
    # a asks for no document the State holds; c declares 0 (Optimal).
    assert (dlnuf.overall.met, dlnuf.overall.counted, dlnuf.measured) == (2, 4, 3)
    reasons = {m.service_id: m.reason for m in dlnuf.missing}
    assert reasons["b"].startswith("mesuré : 3 pièces déjà détenues (déjà détenues : avis d'imposition")
    assert reasons["d"] == "mesuré : Inconnu"

