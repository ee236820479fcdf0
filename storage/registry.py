"""Importing a registry file into the database, and reading the registry back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.errors import InputError
from storage.eligibility import Eligibility, eligibility
from storage.registry_file import RegistryFile, read_registry
from storage.schema import Ministry, Service


@dataclass(frozen=True)
class ImportSummary:
    ministries_added: int
    ministries_updated: int
    services_added: int
    services_updated: int
    services_retired: int


def import_registry(session: Session, path: Path, prune: bool = False) -> ImportSummary:
    """Validate the whole file, then upsert it in one transaction: an error changes nothing."""
    registry = read_registry(path)
    try:
        summary = upsert_registry(session, registry, prune)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return summary


def upsert_registry(session: Session, registry: RegistryFile, prune: bool) -> ImportSummary:
    known_ministries = set(session.scalars(select(Ministry.id)))
    declared = {m.entry.id for m in registry.ministries} | set(registry.ministry_names)
    for item in registry.services:
        if item.entry.ministry not in known_ministries | declared:
            raise InputError(
                f"{registry.path}:{item.line}: service '{item.entry.id}' field 'ministry': "
                f"unknown ministry {item.entry.ministry!r} (declare it under 'ministries:' or import it first)"
            )

    counts = dict(ministries_added=0, ministries_updated=0, services_added=0, services_updated=0, services_retired=0)
    for ministry_id, name in registry.ministry_names.items():
        if ministry_id not in known_ministries:
            session.add(Ministry(id=ministry_id, name=name, contacts=[]))
            counts["ministries_added"] += 1
    for item in registry.ministries:
        entry = item.entry
        existing = session.get(Ministry, entry.id)
        if existing is None:
            session.add(Ministry(id=entry.id, name=entry.name, contacts=entry.contacts))
            counts["ministries_added"] += 1
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
        else:
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
    return ImportSummary(**counts)


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
            raise InputError(f"--service {missing[0]}: no such active service in the registry")
        services = [by_id[sid] for sid in service_ids]
    if ministry_ids:
        known = set(session.scalars(select(Ministry.id)))
        for mid in ministry_ids:
            if mid not in known:
                raise InputError(f"--ministry {mid}: no such ministry in the registry")
    return services


def service_eligibility(service: Service) -> Eligibility:
    return eligibility(service.annual_volume, service.financial_aid, service.life_events or [], service.pnu)
