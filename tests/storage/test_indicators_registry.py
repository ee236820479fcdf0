"""Registry fields the indicators need: optional, so that existing registry files stay valid."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.schema import Service
from storage.registry import import_registry
from foundation.errors import InputError

YAML = """\
ministries:
  - id: m
    name: Ministère
services:
  - id: ancien
    name: Un service décrit comme avant
    ministry: m
    url: https://ancien.example/
  - id: sans-compte
    name: Un simulateur sans compte
    ministry: m
    url: https://simulateur.example/
    has_account: false
  - id: sensible
    name: Un service à risque élevé
    ministry: m
    url: https://sensible.example/
    fc_level_required: FranceConnect+
    jdma_demarche_id: 4567
"""


def stored(db) -> dict[str, Service]:
    with db.sessions() as session:
        return {s.id: s for s in session.scalars(select(Service))}


def test_yaml_fields_for_indicators_have_defaults_and_accept_their_usual_spellings(db, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(YAML, encoding="utf-8")
    with db.sessions() as session:
        import_registry(session, path)
    s = stored(db)
    assert (s["ancien"].has_account, s["ancien"].fc_level_required, s["ancien"].jdma_demarche_id) == (True, "franceconnect", None)
    assert s["sans-compte"].has_account is False
    # "FranceConnect+" is franceconnect_plus; a démarche id written as a number is kept as an id
    assert (s["sensible"].fc_level_required, s["sensible"].jdma_demarche_id) == ("franceconnect_plus", "4567")


def test_csv_blank_cells_keep_the_defaults(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "id,name,ministry,ministry_name,url,has_account,fc_level_required,jdma_demarche_id\n"
        "a,A,m,Ministère,https://a.example/,,,\n"
        "b,B,m,Ministère,https://b.example/,non,franceconnect_plus,12\n",
        encoding="utf-8",
    )
    with db.sessions() as session:
        import_registry(session, path)
    s = stored(db)
    assert (s["a"].has_account, s["a"].fc_level_required, s["a"].jdma_demarche_id) == (True, "franceconnect", None)
    assert (s["b"].has_account, s["b"].fc_level_required, s["b"].jdma_demarche_id) == (False, "franceconnect_plus", "12")


@pytest.mark.parametrize("old, new, message", [
    ("fc_level_required: FranceConnect+", "fc_level_required: eidas",
     "r.yaml:18 : démarche n° 3, champ « fc_level_required » : doit être franceconnect ou franceconnect_plus ; reçu « eidas »"),
    ("fc_level_required: FranceConnect+", "has_account: peut-être", "r.yaml:18 : démarche n° 3, champ « has_account »"),
    ("jdma_demarche_id: 4567", "jdma_demarche_id: [1, 2]", "r.yaml:19 : démarche n° 3, champ « jdma_demarche_id » : doit être un numéro de démarche"),
])
def test_a_bad_indicator_field_names_file_line_and_field(db, tmp_path, old, new, message):
    path = tmp_path / "r.yaml"
    path.write_text(YAML.replace(old, new), encoding="utf-8")
    with db.sessions() as session, pytest.raises(InputError) as raised:
        import_registry(session, path)
    assert message in str(raised.value)
    assert stored(db) == {}
