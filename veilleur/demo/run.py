"""`veilleur demo`: the main job on the embedded default, end to end, on bundled sites.

It audits the bundled sites once, then plays a regression: the carte-grise site loses its
FranceConnect button, two more campaigns over it confirm the incident, and the ministry's digest
lands in the outbox. The digest links to the dashboard at the address the last line tells how to
serve it on (DASHBOARD_URL), unless VEILLEUR_PUBLIC_URL names another.

The demo runs on settings of its own, made from the command's (`demo_settings`): its data dir, its
outbox, its links; it never changes the environment.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console

from foundation.quarters import Quarter
from foundation.times import utc_now
from foundation.settings import MailSection, Settings, StorageSection
from probes.settings import probe_settings
from reports.site.html_report import write_report
from storage.db import open_database
from storage.evidence.store import EvidenceStore
from storage.declared_import import import_declared
from storage.registry import import_registry
from storage.stores import data_dir
from veilleur.campaign_console import run_from_cli
from veilleur.demo.server import registry_yaml, serve_sites

console = Console(stderr=True)

VARIANTS = Path(__file__).parent / "variants"
REGRESSING = "carte-grise"
# `veilleur serve`'s default address, which the demo's last line tells how to serve its data on.
DASHBOARD_URL = "http://127.0.0.1:8000"


def demo_settings(settings: Settings) -> Settings:
    """The demo's settings, from the command's: a data dir of its own (`demo/` in the configured one),
    so the demo never mixes with (or erases) real monitoring data, with its database and evidence
    there; e-mails to its own outbox, never to a configured SMTP server; the dashboard links to
    DASHBOARD_URL unless VEILLEUR_PUBLIC_URL names another; 10 s per page unless
    VEILLEUR_PAGE_TIMEOUT says otherwise. The signing key, the broker and the rest are the command's."""
    probe = settings.probe
    if "page_timeout" not in probe.model_fields_set:
        probe = probe.model_copy(update={"page_timeout": 10.0})
    alerts = settings.alerts
    if alerts.public_url is None:
        alerts = alerts.model_copy(update={"public_url": DASHBOARD_URL})
    return settings.model_copy(update={
        "probe": probe, "alerts": alerts,
        "storage": StorageSection(data_dir=data_dir(settings.storage) / "demo"),
        "mail": MailSection(mail_from=settings.mail.mail_from),
    })


def run_demo(out_dir: Path, settings: Settings) -> Path:
    """The demo on the settings the command read (`demo_settings` makes its own from them)."""
    settings = demo_settings(settings)
    demo_dir = data_dir(settings.storage)
    if demo_dir.exists():
        shutil.rmtree(demo_dir)
    demo_dir.mkdir(parents=True)
    public_url = settings.alerts.public_url
    db = open_database(f"sqlite:///{demo_dir / 'veilleur.db'}")
    store = EvidenceStore(demo_dir / "evidence")
    store.signing_key = settings.evidence.signing_key
    with serve_sites() as server:
        registry = demo_dir / "registry.yaml"
        registry.write_text(registry_yaml(server), encoding="utf-8")
        console.print(f"{len(server.sites)} sites de démonstration servis sur 127.0.0.1 ; registre : {registry}")
        with db.sessions() as session:
            import_registry(session, registry)
            import_declared(session, _declarations(demo_dir))
        probing = probe_settings(settings.probe)
        run_from_cli([], [], False, probing, trigger="demo", db=db, store=store, sections=settings)

        console.print(f"\n[bold]{REGRESSING}[/bold] perd son bouton FranceConnect : deux campagnes le confirment.")
        server.serve_from(REGRESSING, VARIANTS / REGRESSING)
        for _ in range(2):
            run_from_cli([REGRESSING], [], False, probing, trigger="demo", db=db, store=store, sections=settings)
    with db.sessions() as session:
        index = write_report(session, store, out_dir)
    outbox = sorted((demo_dir / "outbox").glob("*.eml"))
    for mail in outbox:
        console.print(f"Courriel d’alerte : {mail}")
    if outbox:
        console.print(f"Ses liens mènent au tableau de bord : {public_url}/incidents", markup=False, highlight=False)
    console.print(f"[bold green]Rapport : {index.resolve()}[/bold green]")
    # Last line: the dashboard over the demo's own database (not started here: `make demo` must end).
    console.print(f"Tableau de bord : VEILLEUR_DATA_DIR={demo_dir.resolve()} veilleur serve --host 127.0.0.1 --port 8000 "
                  f"→ {DASHBOARD_URL}/", markup=False, highlight=False, soft_wrap=True)
    return index


# What three ministries declared for this quarter: the indicators page shows each beside what
# the probes measured on the sites; the other services are judged on the measure alone.
DECLARED = (
    ("carte-grise", "oui", "8", "92,5 %", "Déclaration de l’ANTS"),
    ("passeport-rdv", "partiel", "6", "71 %", "Déclaration de l’ANTS"),
    ("declaration-revenus", "oui", "10", "88 %", "Déclaration de la DGFiP"),
)


def _declarations(demo_dir: Path) -> Path:
    path = demo_dir / "declarations.csv"
    quarter = Quarter.of(utc_now())
    rows = ["service_id,quarter,realisable_en_ligne,dites_le_nous_une_fois,taux_usage_numerique,source"]
    rows += [f'{sid},{quarter},{online},{dlnuf},"{usage}",{source}' for sid, online, dlnuf, usage, source in DECLARED]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
