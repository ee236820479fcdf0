"""Commands of the evidence area: `veilleur verify`, `veilleur evidence export|prune`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from foundation.errors import InputError
from veilleur import option_bounds as bounds
from foundation.vocabulary import count, decimal, integer, plural
from veilleur.cli.group import CommandFamily


def _size(n: float) -> str:
    """`734 octets`, `12,5 Kio`: binary units, as French writes them."""
    for unit in ("octets", "Kio", "Mio", "Gio"):
        if n < 1024 or unit == "Gio":
            return f"{integer(int(n))} {unit}" if unit == "octets" else f"{decimal(round(n, 1))} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


@click.command()
@click.option("--service", "service_ids", multiple=True, metavar="ID",
              help="Seulement la chaîne de cette démarche (répétable) ; affiche sa tête.")
@click.option("--bundle", type=click.Path(path_type=Path), metavar="ARCHIVE",
              help="Vérifie plutôt une archive de preuves exportée (sans base de données).")
@click.option("--public-key", type=click.Path(path_type=Path), metavar="FICHIER",
              help="Vérifie les signatures avec cette seule clé publique PEM ou ce trousseau (par défaut : "
                   "les clés de l’instance que tient sa base de données ; avec --bundle, le trousseau de "
                   "cette machine).")
def verify(service_ids: tuple[str, ...], bundle: Path | None, public_key: Path | None) -> None:
    """Vérifie les preuves : recalcule chaque sha256, parcourt la chaîne de manifestes de chaque
    démarche et contrôle les signatures. Code de sortie 1 au moindre problème."""
    if bundle is not None:
        if service_ids:
            raise InputError("--bundle et --service : donnez l’un ou l’autre")
        from reports.evidence.bundle_verification import trusted_keys, verify_bundle
        from storage.stores import data_dir
        from veilleur.settings import current

        result = verify_bundle(bundle, trusted_keys(public_key, data_dir(current().storage)))
        for problem in result.problems:
            click.echo(f"ÉCHEC {problem}")
        m = result.manifest
        what = (f"visite {m.run.id} de la démarche {m.service.id}, maillon {m.chain_index}" if m
                else "aucun manifeste lisible")
        click.echo(f"archive {bundle} : manifeste {result.manifest_sha256 or '—'} ({what}) ; "
                   f"{_files(len(result.artifacts))}, {count(result.chain_length, 'manifeste précédent', 'manifestes précédents')}, "
                   f"{count(result.derived, 'fichier dérivé', 'fichiers dérivés')} ; "
                   f"{_pruned(len(result.pruned))}")
        if result.signed_by is not None:
            click.echo(f"signature valide : clé {result.signed_by.fingerprint}, reconnue par {result.keyring}")
        _conclude(len(result.problems))
        return

    from storage.evidence.figures import store_figures
    from storage.evidence.signing import read_trusted_keys
    from storage.evidence.verification import verify_database
    from veilleur.settings import open_stores

    # Read before the database is opened: a wrong file is said at once, nothing else is touched.
    trusted = read_trusted_keys(public_key, "--public-key") if public_key is not None else None
    db, store = open_stores()
    with db.sessions() as session:
        result = verify_database(session, store, list(service_ids), trusted)
        figures = None if service_ids else store_figures(session)
    for problem in result.problems:
        click.echo(f"ÉCHEC {problem}")
    click.echo(f"vérifié : {count(result.services, 'démarche', 'démarches')}, "
               f"{count(result.manifests, 'manifeste', 'manifestes')}, {_files(len(result.artifacts))} ; "
               f"{_pruned(len(result.pruned))} (enregistrés)")
    before = (f" ; {count(result.unsigned_before_keys, 'manifeste scellé', 'manifestes scellés')} avant la première clé"
              if result.unsigned_before_keys else "")
    click.echo(f"signatures : {count(result.signed, 'manifeste signé', 'manifestes signés')} par des clés de "
               f"{result.keyring}{before}")
    if figures and figures.runs:
        click.echo(f"stockage : {_size(figures.stored_bytes)} pour les {_size(figures.named_bytes)} que nomment "
                   f"{count(figures.runs, 'visite', 'visites')} ({_size(figures.stored_per_run)} par visite au lieu de "
                   f"{_size(figures.named_per_run)})")
    if service_ids:
        for service_id in service_ids:
            click.echo(f"tête de la chaîne de {service_id} : {result.heads.get(service_id, '— (aucun manifeste)')}")
    _conclude(len(result.problems))


def _files(n: int) -> str:
    return count(n, "fichier de preuve", "fichiers de preuve")


def _pruned(n: int) -> str:
    return f"{integer(n)} {plural(n, 'supprimé', 'supprimés')} par la rétention"


def _conclude(problems: int) -> None:
    if problems:
        click.echo(f"{count(problems, 'problème trouvé', 'problèmes trouvés')}")
        # Not ctx.exit: the group runs click in non-standalone mode, where Exit is only returned.
        sys.exit(1)
    click.echo("tout est vérifié")


@click.group(cls=CommandFamily)
def evidence() -> None:
    """Les archives de preuves pour les auditeurs, et la rétention des fichiers de preuve."""


@evidence.command("export")
@click.option("--service", "service_id", required=True, metavar="ID", help="La démarche à exporter.")
@click.option("--quarter", metavar="2026Q4", help="La visite de référence de la démarche pour ce trimestre.")
@click.option("--run", "run_id", type=bounds.RECORD_ID, metavar="N", help="Cette visite (par défaut : la dernière de la démarche).")
@click.option("--out", type=click.Path(path_type=Path), required=True, metavar="ARCHIVE",
              help="L’archive à écrire (.zip), dans un dossier qui existe.")
def evidence_export(service_id: str, quarter: str | None, run_id: int | None, out: Path) -> None:
    """Écrit une archive autonome : manifeste, fichiers de preuve, images de preuve et un index.html
    lisible hors ligne."""
    if quarter and run_id is not None:
        raise InputError("--quarter et --run : donnez l’un ou l’autre")
    from foundation.quarters import Quarter
    from reports.evidence.bundle import choose_run, export_bundle
    from veilleur.settings import open_stores

    try:
        wanted_quarter = Quarter.parse(quarter) if quarter else None
    except InputError as exc:
        raise InputError(f"--quarter : {exc}") from None
    db, store = open_stores()
    with db.sessions() as session:
        record = choose_run(session, service_id, wanted_quarter, run_id)
        _folder_exists(out)
        summary = export_bundle(session, store, record, out)
    for warning in summary.warnings:
        click.echo(f"veilleur : attention : {warning}", err=True)
    click.echo(f"{summary.path} : visite {summary.run_id} de la démarche {service_id}, manifeste "
               f"{summary.manifest_sha256}, {_files(summary.artifacts)}, "
               f"{count(summary.proof_images, 'image de preuve', 'images de preuve')} ; signée avec la clé "
               f"{summary.key_fingerprint}")


def _folder_exists(out: Path) -> None:
    """`--out` in a folder that exists: a mistyped path must not make folders of its own."""
    folder = out.parent
    if out.is_dir():
        raise InputError(f"--out {out} : est un dossier ; donnez le nom de l’archive à écrire (.zip)")
    if not folder.is_dir():
        raise InputError(f"--out {out} : le dossier {folder} n’existe pas (créez-le d’abord)")


@evidence.command("prune")
@click.option("--keep-quarters", type=bounds.KEEP_QUARTERS, required=True, metavar="N",
              help="Trimestres dont chaque fichier est gardé, l’actuel compris.")
@click.option("--dry-run", is_flag=True, help="Dit ce qui serait supprimé, sans rien supprimer.")
def evidence_prune(keep_quarters: int, dry_run: bool) -> None:
    """Supprime les fichiers de preuve des anciennes visites, sauf ceux de la visite de référence
    de chaque trimestre (les manifestes restent)."""
    from storage.evidence.retention import prune
    from veilleur.settings import open_stores

    db, store = open_stores()
    with db.sessions() as session:
        summary = prune(session, store, keep_quarters, dry_run=dry_run)
    verb = "seraient supprimés" if dry_run else "supprimés"
    click.echo(f"visites d’avant le {summary.kept_since.label} : {integer(summary.old_runs)}, dont "
               f"{count(len(summary.reference_runs), 'visite de référence gardée', 'visites de référence gardées')} "
               f"en entier ; {_files(summary.files)} {verb} ({_size(summary.bytes)}) sur "
               f"{count(len(summary.pruned_runs), 'visite', 'visites')}")


COMMANDS = [verify, evidence]
