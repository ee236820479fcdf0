"""A CSV registry has no ministry rows: its `ministry_contacts` column gives the addresses that
receive a ministry's alerts, for a ministry it creates as for one already known."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from foundation.errors import InputError
from storage.registry import import_registry
from storage.schema import Ministry


def _contacts(db) -> dict[str, list[str]]:
    with db.sessions() as session:
        return {m.id: list(m.contacts or []) for m in session.scalars(select(Ministry))}


def test_a_csv_gives_the_contacts_of_the_ministries_it_creates_and_updates(db, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("id;name;ministry;ministry_name;ministry_contacts;url\n"
                     "carte-grise;Carte grise;interieur;Ministère de l’Intérieur;qualite@interieur.example;https://cg.example/\n"
                     "passeport;Passeport;interieur;;alertes@interieur.example;https://pp.example/\n",
                     encoding="utf-8")
    with db.sessions() as session:
        import_registry(session, first)
    assert _contacts(db) == {"interieur": ["qualite@interieur.example", "alertes@interieur.example"]}

    second = tmp_path / "second.csv"
    second.write_text("id,name,ministry,ministry_contacts,url\n"
                      "carte-grise,Carte grise,interieur,nouvelle@interieur.example,https://cg.example/\n",
                      encoding="utf-8")
    with db.sessions() as session:
        summary = import_registry(session, second)
    assert _contacts(db) == {"interieur": ["nouvelle@interieur.example"]}
    assert summary.ministries_updated == 1


def test_a_contact_that_is_not_an_address_is_named_and_nothing_is_stored(db, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id;name;ministry;ministry_name;ministry_contacts;url\n"
                    "carte-grise;Carte grise;interieur;Intérieur;pas-une-adresse;https://cg.example/\n",
                    encoding="utf-8")
    with db.sessions() as session, pytest.raises(InputError) as raised:
        import_registry(session, path)
    assert str(raised.value) == (f"{path}:2 : ligne 2, champ « ministry_contacts » : "
                                 "« pas-une-adresse » n’est pas une adresse électronique")
    assert _contacts(db) == {}
