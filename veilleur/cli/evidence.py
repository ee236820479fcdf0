"""Commands of the evidence area: `veilleur verify`, `veilleur evidence export|prune`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from foundation.errors import InputError
from veilleur import option_bounds as bounds


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


@click.command()
@click.option("--service", "service_ids", multiple=True, metavar="ID", help="Only this service's chain (repeatable).")
@click.option("--bundle", type=click.Path(path_type=Path), help="Check an exported bundle instead (no database needed).")
@click.option("--public-key", type=click.Path(path_type=Path), metavar="FILE",
              help="Check the signatures against this PEM public key or keyring only (default: the "
                   "instance's keys as its database holds them; with --bundle, this machine's keyring).")
def verify(service_ids: tuple[str, ...], bundle: Path | None, public_key: Path | None) -> None:
    """Re-hash the evidence, walk each service's chain of manifests, check the signatures; exit 1 on any problem."""
    if bundle is not None:
        if service_ids:
            raise InputError("--bundle and --service: give one or the other")
        from reports.evidence.bundle_verification import trusted_keys, verify_bundle
        from storage.stores import data_dir
        from veilleur.settings import current

        result = verify_bundle(bundle, trusted_keys(public_key, data_dir(current().storage)))
        for problem in result.problems:
            click.echo(f"FAIL {problem}")
        m = result.manifest
        what = (f"run {m.run.id} of service {m.service.id}, chain link {m.chain_index}" if m else "no readable manifest")
        click.echo(f"bundle {bundle}: manifest {result.manifest_sha256 or '—'} ({what}); "
                   f"{len(result.artifacts)} artifacts, {result.chain_length} earlier manifests, "
                   f"{result.derived} derived files checked; {len(result.pruned)} pruned by retention")
        if result.signed_by is not None:
            click.echo(f"signature valid: key {result.signed_by.fingerprint}, trusted from {result.keyring}")
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
        click.echo(f"FAIL {problem}")
    click.echo(f"verified {result.services} services, {result.manifests} manifests, {len(result.artifacts)} "
               f"artifact files; {len(result.pruned)} pruned by retention (recorded)")
    before = f"; {result.unsigned_before_keys} sealed before signing began" if result.unsigned_before_keys else ""
    click.echo(f"signatures: {result.signed} manifests signed by keys of {result.keyring}{before}")
    if figures and figures.runs:
        click.echo(f"store: {_size(figures.stored_bytes)} for the {_size(figures.named_bytes)} its {figures.runs} runs "
                   f"name ({_size(figures.stored_per_run)} per run instead of {_size(figures.named_per_run)})")
    if service_ids:
        for service_id in service_ids:
            click.echo(f"chain head of {service_id}: {result.heads.get(service_id, '— (no manifest)')}")
    _conclude(len(result.problems))


def _conclude(problems: int) -> None:
    if problems:
        click.echo(f"{problems} problem{'s' if problems > 1 else ''} found")
        # Not ctx.exit: the group runs click in non-standalone mode, where Exit is only returned.
        sys.exit(1)
    click.echo("all verified")


@click.group()
def evidence() -> None:
    """Evidence bundles for auditors, and retention of evidence files."""


@evidence.command("export")
@click.option("--service", "service_id", required=True, metavar="ID", help="The service to export.")
@click.option("--quarter", metavar="2026Q4", help="The service's reference run of this quarter.")
@click.option("--run", "run_id", type=bounds.RECORD_ID, metavar="N", help="This run (default: the service's latest).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The bundle to write (.zip).")
def evidence_export(service_id: str, quarter: str | None, run_id: int | None, out: Path) -> None:
    """Write a self-contained bundle: manifest, artifacts, proof images and an offline index.html."""
    if quarter and run_id is not None:
        raise InputError("--quarter and --run: give one or the other")
    from foundation.quarters import Quarter
    from reports.evidence.bundle import choose_run, export_bundle
    from veilleur.settings import open_stores

    wanted_quarter = Quarter.parse(quarter) if quarter else None
    db, store = open_stores()
    with db.sessions() as session:
        record = choose_run(session, service_id, wanted_quarter, run_id)
        summary = export_bundle(session, store, record, out)
    for warning in summary.warnings:
        click.echo(f"veilleur: warning: {warning}", err=True)
    click.echo(f"{summary.path}: run {summary.run_id} of service {service_id}, manifest {summary.manifest_sha256}, "
               f"{summary.artifacts} artifacts, {summary.proof_images} proof images; signed with key "
               f"{summary.key_fingerprint}")


@evidence.command("prune")
@click.option("--keep-quarters", type=bounds.KEEP_QUARTERS, required=True, metavar="N",
              help="Quarters that keep every file, the current one included.")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, delete nothing.")
def evidence_prune(keep_quarters: int, dry_run: bool) -> None:
    """Delete the evidence files of old runs, except each quarter's reference run (manifests stay)."""
    from storage.evidence.retention import prune
    from veilleur.settings import open_stores

    db, store = open_stores()
    with db.sessions() as session:
        summary = prune(session, store, keep_quarters, dry_run=dry_run)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"runs before {summary.kept_since}: {summary.old_runs}, of which {len(summary.reference_runs)} "
               f"reference runs kept whole; {verb} {summary.files} files ({_size(summary.bytes)}) "
               f"of {len(summary.pruned_runs)} runs")


COMMANDS = [verify, evidence]
