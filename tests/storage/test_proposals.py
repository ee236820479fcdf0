"""Proposals: validated when submitted, never fetched; accepted into the registry through the
registry's own validation and upsert, only for http(s) URLs resolving to public addresses."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from storage.schema import Ministry, Service
from storage.schema import Proposal
from probes.public_address import check_public_url
from storage.proposals import ProposalForm, accept, read_form, reject, submit
from veilleur.cli import cli
from foundation.errors import InputError

PUBLIC = lambda host: ["193.51.24.10"]  # noqa: E731  (a resolver standing in for DNS: no internet here)


def _form(**changes) -> ProposalForm:
    values = {"name": "Demander une bourse", "url": "https://bourses.example/", "ministry_id": "education",
              "criterion": "financial_aid", "reason": "Des centaines de milliers d’étudiants la demandent.", **changes}
    form, errors = read_form(values)
    assert errors == {}
    return form


@pytest.fixture
def session(db):
    with db.sessions() as session:
        session.add(Ministry(id="education", name="Ministère de l’Éducation nationale", contacts=[]))
        session.commit()
        yield session


def test_a_submitted_proposal_is_pending_and_keeps_what_was_proposed(session):
    proposal = submit(session, _form(criterion="life_event", life_event="jeunesse", annual_volume="250 000"))
    stored = session.get(Proposal, proposal.id)
    assert (stored.status, stored.ministry_id, stored.life_event, stored.annual_volume) == (
        "pending", "education", "jeunesse", 250000)


def test_an_unknown_ministry_in_a_proposal_is_kept_as_unknown_not_refused(session):
    assert submit(session, _form(ministry_id="invente")).ministry_id is None


@pytest.mark.parametrize("field, value, message", [
    ("url", "javascript:alert(1)", "https://"),
    ("url", "https://exemple .fr/", "https://"),
    ("name", "ab", "trop court"),
    ("criterion", "autre", "critère"),
    ("annual_volume", "beaucoup", "nombre entier"),
    ("reason", "", "trop court"),
])
def test_a_wrong_field_gets_a_french_message_naming_it(field, value, message):
    values = {"name": "Demander une bourse", "url": "https://bourses.example/", "criterion": "pnu",
              "reason": "Une démarche très demandée par les familles.", field: value}
    form, errors = read_form(values)
    assert form is None and list(errors) == [field] and message in errors[field]


def test_a_life_event_criterion_without_its_life_event_is_named_with_the_other_errors():
    form, errors = read_form({"name": "x", "url": "https://a.example/", "criterion": "life_event", "reason": ""})
    assert set(errors) == {"name", "reason", "life_event"}


def test_accepting_adds_the_service_to_the_registry_with_its_criterion(session):
    proposal = submit(session, _form(annual_volume="300000"))
    done = accept(session, proposal.id, resolver=PUBLIC)
    service = session.get(Service, done.service_id)
    assert done.service_id == "demander-une-bourse"
    assert (service.ministry_id, service.financial_aid, service.annual_volume, service.active) == (
        "education", True, 300000, True)
    assert session.get(Proposal, proposal.id).status == "accepted"
    assert session.get(Proposal, proposal.id).service_id == "demander-une-bourse"


@pytest.mark.parametrize("addresses", [["127.0.0.1"], ["10.1.2.3"], ["169.254.169.254"], ["192.168.1.1"],
                                       ["::1"], ["fe80::1"], ["::ffff:127.0.0.1"], ["193.51.24.10", "172.16.0.5"],
                                       ["0.0.0.0"], ["240.0.0.1"]])
def test_a_url_resolving_to_any_non_public_address_is_refused(session, addresses):
    proposal = submit(session, _form(url="https://intranet.example/"))
    with pytest.raises(InputError, match="n’est pas une adresse publique"):
        accept(session, proposal.id, resolver=lambda host: addresses)
    assert session.get(Service, "demander-une-bourse") is None
    assert session.get(Proposal, proposal.id).status == "pending"  # nothing changed


def test_a_host_that_does_not_resolve_is_refused_with_its_name(session):
    def nowhere(host):
        raise OSError("Name or service not known")

    proposal = submit(session, _form(url="https://introuvable.example/"))
    with pytest.raises(InputError, match="« introuvable.example » ne se résout pas"):
        accept(session, proposal.id, resolver=nowhere)


def test_localhost_is_refused_by_the_system_resolver():
    with pytest.raises(InputError, match="n’est pas une adresse publique"):
        check_public_url("http://localhost:8000/")
    assert check_public_url("https://193.51.24.10/") == ["193.51.24.10"]


def test_acceptance_goes_through_the_registry_validation(session):
    proposal = submit(session, _form(ministry_id=None))
    with pytest.raises(InputError, match="précisez --ministry"):
        accept(session, proposal.id, resolver=PUBLIC)
    with pytest.raises(InputError, match="--ministry nulle-part : aucun ministère"):
        accept(session, proposal.id, ministry_id="nulle-part", resolver=PUBLIC)
    with pytest.raises(InputError, match="doit être un identifiant"):
        accept(session, proposal.id, ministry_id="education", service_id="Pas Un Slug", resolver=PUBLIC)
    with pytest.raises(InputError, match=r"proposition \d+ : démarche, champ « url »"):
        accept(session, proposal.id, ministry_id="education", url="ftp://bourses.example/", resolver=PUBLIC)
    accept(session, proposal.id, ministry_id="education", resolver=PUBLIC)
    with pytest.raises(InputError, match="déjà acceptée"):
        reject(session, proposal.id)


def test_an_existing_service_id_is_never_overwritten_by_a_proposal(session):
    session.add(Service(id="demander-une-bourse", name="Déjà là", ministry_id="education", url="https://a.example/"))
    session.commit()
    proposal = submit(session, _form())
    with pytest.raises(InputError, match="déjà inscrite"):
        accept(session, proposal.id, resolver=PUBLIC)
    assert session.get(Service, "demander-une-bourse").name == "Déjà là"


def _proposed_to_the_cli(env_data_dir, *forms) -> list[int]:
    """Proposals submitted to the database the commands open (one ministry known), by id."""
    from storage.db import open_database

    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        session.add(Ministry(id="education", name="Éducation", contacts=[]))
        session.commit()
        ids = [submit(session, form).id for form in forms]
    db.close()
    return ids


def test_the_proposals_commands_list_accept_and_reject(env_data_dir):
    kept, dropped, internal = _proposed_to_the_cli(env_data_dir, _form(url="https://193.51.24.10/bourses"), _form(name="Publicité", url="https://pub.example/"), _form(name="Métadonnées", url="http://169.254.169.254/latest/"))
    runner = CliRunner()
    listed = runner.invoke(cli, ["proposals", "list"])
    assert listed.exit_code == 0 and f"n° {kept} [en attente] Demander une bourse" in listed.output
    assert "adresse : https://193.51.24.10/bourses" in listed.output

    accepted = runner.invoke(cli, ["proposals", "accept", str(kept), "--id", "bourses"])
    assert accepted.exit_code == 0, accepted.output
    assert "démarche bourses inscrite au registre (193.51.24.10)" in accepted.output
    rejected = runner.invoke(cli, ["proposals", "reject", str(dropped), "--note", "hors périmètre"])
    assert rejected.exit_code == 0 and f"proposition {dropped} refusée" in rejected.output
    assert "bourses" in runner.invoke(cli, ["registry", "list"]).output
    assert "n° {} [en attente] Métadonnées".format(internal) in runner.invoke(cli, ["proposals", "list"]).output
    everything = runner.invoke(cli, ["proposals", "list", "--status", "all"]).output
    assert "[acceptée → bourses]" in everything and "[refusée]" in everything

    again = runner.invoke(cli, ["proposals", "accept", str(dropped)])
    assert again.exit_code == 2
    assert again.output.strip().splitlines() == [f"veilleur : erreur : proposition {dropped} : déjà refusée"]
    refused = runner.invoke(cli, ["proposals", "accept", str(internal)])
    assert refused.exit_code == 2
    assert refused.output.strip().splitlines() == [
        f"veilleur : erreur : proposition {internal} : adresse « http://169.254.169.254/latest/ » : l’hôte « 169.254.169.254 » "
        "se résout en 169.254.169.254, qui n’est pas une adresse publique (privée, de boucle locale, de lien local ou "
        "réservée) : refusée"]
    missing = runner.invoke(cli, ["proposals", "reject", "999"])
    assert missing.exit_code == 2 and "proposition 999 : aucune proposition de ce numéro" in missing.output


def test_an_operator_may_accept_a_host_that_does_not_resolve_and_the_note_says_it_was_not_checked(session):
    def no_dns(host):
        raise OSError("Temporary failure in name resolution")

    proposal = submit(session, _form(url="https://bourses.invalid/"))
    with pytest.raises(InputError, match="ne se résout pas .*--allow-unresolved-host"):
        accept(session, proposal.id, resolver=no_dns)
    done = accept(session, proposal.id, resolver=no_dns, note="réseau sans DNS", allow_unresolved_host=True)
    assert done.addresses == [] and session.get(Service, done.service_id).url == "https://bourses.invalid/"
    assert session.get(Proposal, proposal.id).decision_note == (
        "réseau sans DNS [vérification d’adresse publique omise (--allow-unresolved-host) : l’hôte « bourses.invalid » ne se résolvait pas]")


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/", "http://localhost:8000/", "http://2130706433/"])
def test_the_override_never_lets_a_host_that_resolves_to_a_private_address_in(session, url):
    # An address in the URL, /etc/hosts or a numeric form resolve without DNS: they are still checked.
    proposal = submit(session, _form(url=url))
    with pytest.raises(InputError, match="n’est pas une adresse publique"):
        accept(session, proposal.id, allow_unresolved_host=True)
    assert session.get(Proposal, proposal.id).status == "pending"


def test_the_accept_command_on_a_network_without_dns(env_data_dir):
    # `.invalid` never resolves (RFC 6761): what every host looks like on a network without DNS.
    [number] = _proposed_to_the_cli(env_data_dir, _form(url="https://bourses.invalid/demande"))
    runner = CliRunner()
    refused = runner.invoke(cli, ["proposals", "accept", str(number)])
    assert refused.exit_code == 2
    [line] = refused.output.strip().splitlines()
    assert line.startswith(f"veilleur : erreur : proposition {number} : adresse « https://bourses.invalid/demande » : "
                           "l’hôte « bourses.invalid » ne se résout pas") and line.endswith("--allow-unresolved-host)")
    assert "--allow-unresolved-host" in runner.invoke(cli, ["proposals", "accept", "--help"]).output

    accepted = runner.invoke(cli, ["proposals", "accept", str(number), "--allow-unresolved-host", "--note", "hors ligne"])
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output.strip() == (f"proposition {number} acceptée : démarche demander-une-bourse inscrite au registre "
                                       "(hôte non résolu : vérification d’adresse publique omise)")
    listed = runner.invoke(cli, ["proposals", "list", "--status", "accepted"]).output
    assert ("    note : hors ligne [vérification d’adresse publique omise (--allow-unresolved-host) : l’hôte "
            "« bourses.invalid » ne se résolvait pas]") in listed


def test_the_moderation_note_is_shown_with_each_decided_proposal(env_data_dir):
    kept, dropped, waiting = _proposed_to_the_cli(env_data_dir, _form(url="https://193.51.24.10/bourses"), _form(name="Publicité", url="https://pub.example/"), _form(name="En attente", url="https://attente.example/"))
    runner = CliRunner()
    assert runner.invoke(cli, ["proposals", "accept", str(kept), "--note", "vérifié sur\nle site"]).exit_code == 0
    assert runner.invoke(cli, ["proposals", "reject", str(dropped), "--note", "hors périmètre"]).exit_code == 0

    everything = runner.invoke(cli, ["proposals", "list", "--status", "all"]).output
    paragraphs = {int(p[3:].split(" ", 1)[0]): p for p in re.split(r"^(?=n° \d)", everything, flags=re.MULTILINE) if p.strip()}
    assert "\n    note : vérifié sur le site" in paragraphs[kept]  # one line, as typed
    assert "\n    note : hors périmètre" in paragraphs[dropped] and "\n    décidée le " in paragraphs[dropped]
    assert "note :" not in paragraphs[waiting] and "décidée le" not in paragraphs[waiting]
