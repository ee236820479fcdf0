"""Shows and rotates the instance's signing key: the commands `veilleur keys show` and `veilleur keys rotate`."""

from __future__ import annotations

import click

from storage.evidence.signing import KeyringEntry


def _when(entry: KeyringEntry) -> str:
    since = f"{entry.created_at:%Y-%m-%d %H:%M} UTC" if entry.created_at else "before the keyring"
    until = f", retired {entry.retired_at:%Y-%m-%d %H:%M} UTC" if entry.retired_at else ""
    return f"in use since {since}{until}"


@click.group()
def keys() -> None:
    """The instance's Ed25519 signing key (manifests, bundles) and its keyring of public keys."""


@keys.command("show")
@click.option("--pem", "pem_only", is_flag=True, help="Print only the public key (PEM), e.g. to publish it.")
def keys_show(pem_only: bool) -> None:
    """Print the current public key (PEM), its fingerprint and the keyring (created on first use)."""
    from veilleur.settings import instance_keys

    instance = instance_keys()
    instance.check()
    current = instance.current()
    if pem_only:
        click.echo(current.public_key, nl=False)
        return
    if instance.created:
        click.echo(f"created a new signing key: {instance.key_path} (owner-only)")
    click.echo(f"fingerprint {current.fingerprint} (sha256 of the raw Ed25519 public key)")
    click.echo(f"private key: {instance.source}")
    click.echo(current.public_key, nl=False)
    keyring = instance.keyring()
    older = [e for e in keyring.entries if e.fingerprint != current.fingerprint]
    click.echo(f"keyring {keyring.source}: {len(keyring.entries)} key{'s' if len(keyring.entries) > 1 else ''}, "
               f"{len(older)} earlier")
    for entry in keyring.entries:
        mark = "current" if entry.fingerprint == current.fingerprint else "earlier"
        click.echo(f"  {mark} {entry.fingerprint} {_when(entry)}")


@keys.command("rotate")
def keys_rotate() -> None:
    """Make a new signing key; the old public key stays in the keyring, so what it signed still verifies."""
    from veilleur.settings import instance_keys

    instance = instance_keys()
    instance.check()
    rotation = instance.rotate()
    if rotation.old is not None:
        click.echo(f"old key {rotation.old.fingerprint} retired: its public key stays in the keyring "
                   f"{instance.keyring_path}, so the manifests and bundles it signed still verify; "
                   "its private key is gone")
    click.echo(f"new key {rotation.new.fingerprint}: {instance.key_path} (owner-only)")
    click.echo("publish the new public key (`veilleur keys show --pem`, or the dashboard's /cle-publique.pem)")


COMMANDS = [keys]
