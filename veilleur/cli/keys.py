"""Shows and rotates the instance's signing key: the commands `veilleur keys show` and `veilleur keys rotate`."""

from __future__ import annotations

import click

from foundation import formatting
from foundation.vocabulary import count
from storage.evidence.signing import KeyringEntry
from veilleur.cli.group import CommandFamily


def _when(entry: KeyringEntry) -> str:
    since = f"le {formatting.date_time(entry.created_at)}" if entry.created_at else "avant le trousseau"
    until = f", retirée le {formatting.date_time(entry.retired_at)}" if entry.retired_at else ""
    return f"en service depuis {since}{until}"


@click.group(cls=CommandFamily)
def keys() -> None:
    """La clé de signature Ed25519 de l’instance (manifestes, archives) et son trousseau de clés publiques."""


@keys.command("show")
@click.option("--pem", "pem_only", is_flag=True, help="Affiche seulement la clé publique (PEM), pour la publier.")
def keys_show(pem_only: bool) -> None:
    """Affiche la clé publique actuelle (PEM), son empreinte et le trousseau (créés au premier usage)."""
    from veilleur.settings import instance_keys

    instance = instance_keys()
    instance.check()
    current = instance.current()
    if pem_only:
        click.echo(current.public_key, nl=False)
        return
    if instance.created:
        click.echo(f"nouvelle clé de signature créée : {instance.key_path} (lisible par son seul propriétaire)")
    click.echo(f"empreinte {current.fingerprint} (sha256 de la clé publique Ed25519 brute)")
    click.echo(f"clé privée : {instance.source}")
    click.echo(current.public_key, nl=False)
    keyring = instance.keyring()
    older = [e for e in keyring.entries if e.fingerprint != current.fingerprint]
    click.echo(f"trousseau {keyring.source} : {count(len(keyring.entries), 'clé', 'clés')}, "
               f"dont {count(len(older), 'ancienne', 'anciennes')}")
    for entry in keyring.entries:
        mark = "actuelle" if entry.fingerprint == current.fingerprint else "ancienne"
        click.echo(f"  {mark} {entry.fingerprint} {_when(entry)}")


@keys.command("rotate")
def keys_rotate() -> None:
    """Crée une nouvelle clé de signature ; l’ancienne clé publique reste au trousseau, et ce
    qu’elle a signé se vérifie toujours."""
    from veilleur.settings import instance_keys

    instance = instance_keys()
    instance.check()
    rotation = instance.rotate()
    if rotation.old is not None:
        click.echo(f"ancienne clé {rotation.old.fingerprint} retirée : sa clé publique reste au trousseau "
                   f"{instance.keyring_path}, les manifestes et archives qu’elle a signés se vérifient toujours ; "
                   "sa clé privée est effacée")
    click.echo(f"nouvelle clé {rotation.new.fingerprint} : {instance.key_path} (lisible par son seul propriétaire)")
    click.echo("publiez la nouvelle clé publique (`veilleur keys show --pem`, ou /cle-publique.pem sur le tableau de bord)")


COMMANDS = [keys]
