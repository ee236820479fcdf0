"""Evidence bundles: one service run, self-contained, checkable without our database.

`veilleur evidence export --service ID [--quarter Q | --run N] --out F.zip` writes:

    manifest.json            the run's manifest, byte for byte as sealed (its sha256 is its name
                             in the service's chain, and `veilleur verify` prints chain heads)
    chain/<sha256>.json      the service's earlier manifests, back to its first one
    artifacts/<sha256>.<ext> the run's evidence files, byte for byte: screenshots (.jpg), rendered
                             DOM (.html.txt, so that a browser shows it as text and runs nothing),
                             axe-core and capture JSON (.json)
    proof/…                  per finding: the screenshot with the elements outlined (.jpg) and a
                             crop of each element (.png), drawn from artifacts/ and the boxes
    index.html               every finding with its proof; works offline from file://
    bundle.json              what the bundle holds besides the manifest: the sha256 of each derived
                             file (proof/, index.html), artifacts pruned by retention, the chain
    signature.json           the instance's Ed25519 signature of bundle.json's bytes, the key's
                             fingerprint and public key (storage/evidence/signing.py)

manifest.json and artifacts/ are the evidence; proof/ and index.html are views of it, which an
auditor can redraw from the screenshot and the box the manifest gives.

What the signature covers: bundle.json gives the sha256 of manifest.json, of each earlier manifest
(chain/, named by it) and of each derived file; the manifest gives the sha256 of each artifact
(artifacts/, named by it). So signing bundle.json's exact bytes signs every file of the bundle: one
changed file breaks its sha256, one changed sha256 breaks the signature.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from checks import finding_from_stored
from checks.models import Evidence
from foundation import __version__, formatting, vocabulary
from foundation.errors import InputError
from foundation.files import atomic_file
from foundation.quarters import Quarter
from reports.evidence import proof
from reports.links import safe_href
from reports.tones import STATIC_BADGE
from storage.evidence.manifests import Manifest, ManifestArtifact, ManifestFinding, ManifestPage, manifest_of_run
from storage.evidence.signing import Signature, keys_of
from storage.evidence.store import EvidenceStore
from storage.reference_runs import reference_runs
from storage.schema import ManifestRecord, PrunedArtifact, Service, ServiceRun

FORMAT = "veilleur-bundle/1"
MANIFEST = "manifest.json"
INFO = "bundle.json"
INDEX = "index.html"
SIGNATURE = "signature.json"
SIGNATURE_FORMAT = "veilleur-signature/1"
CHAIN_DIR = "chain/"
ARTIFACTS_DIR = "artifacts/"
PROOF_DIR = "proof/"

EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "application/json": ".json",
    "text/html; charset=utf-8": ".html.txt",
}
# Already compressed: deflating them again only costs time.
_STORED = (".jpg", ".png", ".webp")


def artifact_member(sha: str, media_type: str) -> str:
    return f"{ARTIFACTS_DIR}{sha}{EXTENSIONS.get(media_type, '.bin')}"


def chain_member(sha: str) -> str:
    return f"{CHAIN_DIR}{sha}.json"


class DerivedFile(BaseModel):
    path: str
    sha256: str
    size: int


class BundleInfo(BaseModel):
    format: str = FORMAT
    generator: str
    exported_at: datetime
    manifest_sha256: str
    service_id: str
    run_id: int
    # The earlier manifests of the chain in the bundle, oldest first.
    chain: list[str] = Field(default_factory=list)
    # Artifacts of the run that retention deleted (recorded as such): absent from the bundle.
    pruned: list[str] = Field(default_factory=list)
    derived: list[DerivedFile] = Field(default_factory=list)


class BundleSignature(BaseModel):
    """signature.json: what signed bundle.json. The public key is there for convenience only: a
    verifier trusts the key it was given (--public-key, the keyring), never the one in the bundle."""

    format: str = SIGNATURE_FORMAT
    algorithm: str
    signed_file: str = INFO
    fingerprint: str
    public_key: str
    signature: str  # base64, over the exact bytes of signed_file

    @classmethod
    def of(cls, signature: Signature) -> "BundleSignature":
        return cls(algorithm=signature.algorithm, fingerprint=signature.fingerprint, public_key=signature.public_key,
                   signature=signature.signature)


class ExportRefused(InputError):
    """The run cannot be exported as it is (its manifest is missing or altered in the store)."""


@dataclass
class ExportSummary:
    path: Path
    manifest_sha256: str
    run_id: int
    artifacts: int
    proof_images: int
    warnings: list[str] = field(default_factory=list)
    key_fingerprint: str | None = None


def choose_run(session: Session, service_id: str, quarter: Quarter | None = None, run_id: int | None = None) -> ManifestRecord:
    """The sealed run to export: run N, the quarter's reference run, or the service's latest."""
    if session.get(Service, service_id) is None:
        raise InputError(f"--service {service_id} : aucune démarche de ce nom dans le registre")
    if run_id is not None:
        run = session.get(ServiceRun, run_id)
        if run is None or run.service_id != service_id:
            raise InputError(f"--run {run_id} : pas une visite de la démarche {service_id}")
    elif quarter is not None:
        # The run the quarter's indicators stand on (a hand choice wins over the rule).
        reference = reference_runs(session, quarter).get(service_id)
        run = reference.run if reference else None
        if run is None:
            raise InputError(f"--quarter {quarter} : la démarche {service_id} n’a aucune visite terminée au {quarter.label}")
    else:
        latest = session.scalars(
            select(ManifestRecord).where(ManifestRecord.service_id == service_id)
            .order_by(ManifestRecord.chain_index.desc()).limit(1)
        ).first()
        if latest is None:
            raise InputError(f"--service {service_id} : aucune visite enregistrée à exporter pour l’instant")
        return latest
    record = manifest_of_run(session, run.id)
    if record is None:
        raise InputError(f"la visite {run.id} de la démarche {service_id} n’a pas de manifeste (pas encore enregistrée)")
    return record


# --- views for index.html ------------------------------------------------------------------------


@dataclass
class EvidenceView:
    number: int
    evidence: Evidence
    page: ManifestPage | None
    crop: str | None = None
    highlight: str | None = None
    no_image: str | None = None


@dataclass
class FindingView:
    finding: ManifestFinding
    label: str
    headline: str
    badge: str
    items: list[EvidenceView]

    @property
    def anchor(self) -> str:
        return f"finding-{self.finding.check}"


@dataclass
class ArtifactView:
    artifact: ManifestArtifact
    path: str | None  # None: not in the bundle
    pruned: bool


@dataclass
class PageView:
    page: ManifestPage
    artifacts: list[ArtifactView]


class _ProofMaker:
    """Draws the proof images of one run, reading each screenshot once."""

    def __init__(self, store: EvidenceStore, manifest: Manifest):
        self.store = store
        self.manifest = manifest
        self.files: dict[str, bytes] = {}
        self._shots: dict[str, bytes | None] = {}
        width = manifest.settings.get("viewport_width")
        self.viewport_width = width if isinstance(width, (int, float)) and width > 0 else None

    def screenshot(self, page: ManifestPage | None) -> bytes | None:
        artifact = self.manifest.artifact(page.position, "screenshot") if page else None
        if artifact is None:
            return None
        if artifact.sha256 not in self._shots:
            path = self.store.path(artifact.sha256)
            data = path.read_bytes() if path.is_file() else None
            # Proof drawn from an altered screenshot would prove nothing: none is drawn.
            if data is not None and hashlib.sha256(data).hexdigest() != artifact.sha256:
                data = None
            self._shots[artifact.sha256] = data
        return self._shots[artifact.sha256]

    def finding(self, finding: ManifestFinding) -> list[EvidenceView]:
        items = [EvidenceView(n, e, self.manifest.page_for(e.page_url)) for n, e in enumerate(finding.evidence, 1)]
        by_page: dict[int, list[EvidenceView]] = {}
        for item in items:
            if item.evidence.selector is None and item.evidence.box is None:
                continue  # a text quote or a note: nothing to point at on the screenshot
            shot = self.screenshot(item.page)
            size = proof.image_size(shot) if shot else None
            scale = size[0] / self.viewport_width if size and self.viewport_width else 1.0
            item.no_image = proof.why_no_image(item.evidence.box, size, scale)
            if item.no_image is not None or shot is None or item.evidence.box is None:
                continue
            image = proof.crop(shot, item.evidence.box, scale)
            if image is not None:
                item.crop = f"{PROOF_DIR}{finding.check}-{item.number}.png"
                self.files[item.crop] = image
                by_page.setdefault(item.page.position, []).append(item)
        for position, page_items in by_page.items():
            shot = self.screenshot(page_items[0].page)
            scale = proof.image_size(shot)[0] / self.viewport_width if self.viewport_width else 1.0
            image = proof.highlight(shot, [i.evidence.box for i in page_items], scale)
            if image is None:
                continue
            path = f"{PROOF_DIR}{finding.check}-page{position}.jpg"
            self.files[path] = image
            for item in page_items:
                item.highlight = path
        return items


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("reports.evidence", "templates/bundle"), autoescape=select_autoescape(["html"]))
    env.globals.update(safe_href=safe_href)
    formatting.register(env)
    return env


def _finding_views(manifest: Manifest, maker: _ProofMaker) -> list[FindingView]:
    views = []
    for finding in manifest.findings:
        typed = finding_from_stored(finding.check, finding.status, finding.reason, finding.details, finding.evidence)
        views.append(FindingView(finding, typed.label or finding.check, typed.headline(), STATIC_BADGE[typed.tone()],
                                 maker.finding(finding)))
    return views


# --- writing the bundle ---------------------------------------------------------------------------


def _read_sealed(store: EvidenceStore, sha: str, what: str) -> bytes | None:
    path = store.path(sha)
    if not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha:
        raise ExportRefused(f"{what} ({sha}) est altéré dans le stockage des preuves : lancez `veilleur verify` "
                            "pour voir ce qui l’est aussi")
    return data


def export_bundle(session: Session, store: EvidenceStore, record: ManifestRecord, out: Path) -> ExportSummary:
    label = f"la visite {record.service_run_id} de la démarche {record.service_id}"
    data = _read_sealed(store, record.sha256, f"le manifeste de {label}")
    if data is None:
        raise ExportRefused(f"le manifeste {record.sha256} de {label} manque dans le stockage des preuves")
    manifest = Manifest.from_bytes(data)
    warnings: list[str] = []

    earlier = session.scalars(
        select(ManifestRecord).where(ManifestRecord.service_id == record.service_id,
                                     ManifestRecord.chain_index < record.chain_index)
        .order_by(ManifestRecord.chain_index)
    ).all()
    chain: dict[str, bytes] = {}
    for link in earlier:
        try:
            sealed = _read_sealed(store, link.sha256, f"le manifeste de la visite {link.service_run_id}")
        except ExportRefused as exc:
            warnings.append(str(exc))
            continue
        if sealed is None:
            warnings.append(f"le manifeste {link.sha256} de la visite {link.service_run_id} (maillon {link.chain_index}) "
                            "manque dans le stockage des preuves")
            continue
        chain[link.sha256] = sealed

    pruned_by_retention = set(session.scalars(select(PrunedArtifact.sha256)))
    files: dict[str, Path] = {}
    pruned: list[str] = []
    for artifact in manifest.artifacts:
        member = artifact_member(artifact.sha256, artifact.media_type)
        if member in files or artifact.sha256 in pruned:
            continue
        path = store.path(artifact.sha256)
        if path.is_file():
            files[member] = path
            if hashlib.sha256(path.read_bytes()).hexdigest() != artifact.sha256:
                warnings.append(f"le fichier de preuve {artifact.sha256} ({vocabulary.artifact(artifact.kind)} de la page "
                                f"{artifact.page}) est altéré dans le stockage des preuves : copié tel quel, "
                                "`veilleur verify --bundle` le nommera")
        elif artifact.sha256 in pruned_by_retention:
            pruned.append(artifact.sha256)
        else:
            warnings.append(f"le fichier de preuve {artifact.sha256} ({vocabulary.artifact(artifact.kind)} de la page "
                            f"{artifact.page}) manque dans le stockage des preuves")

    maker = _ProofMaker(store, manifest)
    findings = _finding_views(manifest, maker)
    present = {a.sha256 for a in manifest.artifacts if artifact_member(a.sha256, a.media_type) in files}
    pages = [
        PageView(page, [
            ArtifactView(a, artifact_member(a.sha256, a.media_type) if a.sha256 in present else None, a.sha256 in pruned)
            for a in manifest.artifacts if a.page == page.position
        ])
        for page in manifest.pages
    ]
    exported_at = datetime.now(timezone.utc)
    # One key for the whole export: the index names the key that signs the bundle.
    signer = keys_of(store).signer()
    index = _environment().get_template("index.html").render(
        manifest=manifest, manifest_sha=record.sha256, findings=findings, pages=pages, chain=list(chain),
        exported_at=exported_at, version=__version__, pruned=pruned, key_fingerprint=signer.fingerprint,
    ).encode("utf-8")
    derived = {**maker.files, INDEX: index}
    info = BundleInfo(
        generator=f"Veilleur {__version__}", exported_at=exported_at, manifest_sha256=record.sha256,
        service_id=record.service_id, run_id=record.service_run_id, chain=list(chain), pruned=pruned,
        derived=[DerivedFile(path=p, sha256=hashlib.sha256(b).hexdigest(), size=len(b)) for p, b in sorted(derived.items())],
    )

    out = Path(out)
    stamp = exported_at.timetuple()[:6]
    # A bundle is made to be handed over: readable by others, unlike the store's own files.
    with atomic_file(out, permissions=0o644) as handle, zipfile.ZipFile(handle, "w") as bundle:
        def add(name: str, content: bytes) -> None:
            member = zipfile.ZipInfo(name, date_time=stamp)
            # Readable by whoever unpacks it: the store's own files are private to Veilleur.
            member.external_attr = 0o644 << 16
            member.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
            bundle.writestr(member, content)

        info_bytes = info.model_dump_json(indent=2).encode("utf-8")
        add(MANIFEST, data)
        add(INFO, info_bytes)
        add(SIGNATURE, BundleSignature.of(signer.sign(info_bytes)).model_dump_json(indent=2).encode("utf-8"))
        for sha, sealed in chain.items():
            add(chain_member(sha), sealed)
        for member, path in sorted(files.items()):
            add(member, path.read_bytes())
        for name, content in sorted(derived.items()):
            add(name, content)
    return ExportSummary(out, record.sha256, record.service_run_id, len(files), len(maker.files), warnings,
                         signer.fingerprint)
