"""Importing a registry file into the database, and reading the registry back."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.errors import InputError, InputErrors
from storage.eligibility import Eligibility, eligibility
from storage.schema import Ministry, Service

# storage/registry_file.py (the file's models) is imported by the functions that import a file:
# reading the registry back, as every campaign does, should not pay for building them.
if TYPE_CHECKING:
    from storage.registry_file import RegistryFile


@dataclass(frozen=True)
class ImportSummary:
    ministries_added: int
    ministries_updated: int
    services_added: int
    services_updated: int
    services_retired: int
    # What the counts are made of: the ids added and retired, and for each service of the file
    # already registered, the fields the import changes (none: it is unchanged).
    added: tuple[str, ...] = ()
    changed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    retired: tuple[str, ...] = ()
    new_ministries: tuple[str, ...] = ()
    dry_run: bool = False


def import_registry(session: Session, path: Path, prune: bool = False, dry_run: bool = False) -> ImportSummary:
    """Validate the whole file, then upsert it in one transaction: an error changes nothing.
    A dry run goes through the same steps and rolls them back: it says what an import would do
    and stores nothing."""
    from storage.registry_file import read_registry

    registry = read_registry(path, known_ministries=set(session.scalars(select(Ministry.id))))
    try:
        summary = upsert_registry(session, registry, prune)
        if dry_run:
            session.rollback()
            summary = replace(summary, dry_run=True)
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


def upsert_registry(session: Session, registry: RegistryFile, prune: bool) -> ImportSummary:
    from storage.registry_file import unknown_ministries

    known_ministries = set(session.scalars(select(Ministry.id)))
    declared = {m.entry.id for m in registry.ministries} | set(registry.ministry_names)
    unknown = unknown_ministries(
        registry.path, registry.kind,
        [(item.line, item.entry.id, item.entry.ministry) for item in registry.services], known_ministries | declared,
    )
    if unknown:
        raise InputErrors(str(registry.path), [message for _, message in unknown])

    counts = dict(ministries_added=0, ministries_updated=0, services_added=0, services_updated=0, services_retired=0)
    added: list[str] = []
    changed: dict[str, tuple[str, ...]] = {}
    retired: list[str] = []
    new_ministries: list[str] = []
    for ministry_id, name in registry.ministry_names.items():
        if ministry_id not in known_ministries:
            session.add(Ministry(id=ministry_id, name=name, contacts=registry.ministry_contacts.get(ministry_id, [])))
            counts["ministries_added"] += 1
            new_ministries.append(ministry_id)
    for ministry_id, contacts in registry.ministry_contacts.items():
        existing = session.get(Ministry, ministry_id) if ministry_id in known_ministries else None
        if existing is not None and list(existing.contacts or []) != contacts:
            existing.contacts = contacts
            counts["ministries_updated"] += 1
    for item in registry.ministries:
        entry = item.entry
        existing = session.get(Ministry, entry.id)
        if existing is None:
            session.add(Ministry(id=entry.id, name=entry.name, contacts=entry.contacts))
            counts["ministries_added"] += 1
            new_ministries.append(entry.id)
        else:
            existing.name, existing.contacts = entry.name, entry.contacts
            counts["ministries_updated"] += 1
    session.flush()
    in_file = set()
    for item in registry.services:
        entry = item.entry
        in_file.add(entry.id)
        fields = entry.model_dump(exclude={"id", "ministry"})
        existing = session.get(Service, entry.id)
        if existing is None:
            session.add(Service(id=entry.id, ministry_id=entry.ministry, active=True, **fields))
            counts["services_added"] += 1
            added.append(entry.id)
        else:
            differ = [name for name, value in fields.items() if getattr(existing, name) != value]
            if existing.ministry_id != entry.ministry:
                differ.append("ministry")
            if not existing.active:
                differ.append("active")
            changed[entry.id] = tuple(differ)
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.ministry_id = entry.ministry
            existing.active = True
            counts["services_updated"] += 1
    if prune:
        # Retire rather than delete: a service's history is evidence and must survive.
        for service in session.scalars(select(Service).where(Service.active.is_(True))):
            if service.id not in in_file:
                service.active = False
                counts["services_retired"] += 1
                retired.append(service.id)
    return ImportSummary(
        **counts, added=tuple(added), changed=changed, retired=tuple(retired), new_ministries=tuple(new_ministries),
    )


def list_services(
    session: Session, service_ids: list[str] | None = None, ministry_ids: list[str] | None = None,
    include_retired: bool = False,
) -> list[Service]:
    query = select(Service).order_by(Service.ministry_id, Service.id)
    if not include_retired:
        query = query.where(Service.active.is_(True))
    if ministry_ids:
        query = query.where(Service.ministry_id.in_(ministry_ids))
    services = list(session.scalars(query))
    if service_ids:
        by_id = {s.id: s for s in services}
        missing = [sid for sid in service_ids if sid not in by_id]
        if missing:
            raise InputError(f"--service {missing[0]} : aucune démarche active de ce nom dans le registre")
        services = [by_id[sid] for sid in service_ids]
    if ministry_ids:
        known = set(session.scalars(select(Ministry.id)))
        for mid in ministry_ids:
            if mid not in known:
                raise InputError(f"--ministry {mid} : aucun ministère de ce nom dans le registre")
    return services


def service_eligibility(service: Service) -> Eligibility:
    return eligibility(service.annual_volume, service.financial_aid, service.life_events or [], service.pnu)
