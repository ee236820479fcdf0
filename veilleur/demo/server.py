"""The demo sites, served on loopback: one HTTP server per site, each on its own port (own origin).

    with serve_sites() as demo:
        for site in demo.sites:
            print(site.id, site.url, site.config.expected)
        Path("registry.yaml").write_text(registry_yaml(demo))

Each folder of `sites/` is one fictional service: `site.yaml` (the registry fields of the README,
a `behaviour` map for this server, and the `expected` status of each check) next to its pages.
`ministries.yaml` defines the ministries the sites refer to.

`python -m veilleur.demo [--registry FILE]` serves them until interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checks import finding_types
from foundation.errors import InputError
from storage.registry_file import LIFE_EVENTS
from veilleur.loopback import (
    FolderHandler,
    FolderServer,
    Reply,
    ServerGroup,
    file_under,
    guess_content_type,
    status_phrase,
)

log = logging.getLogger(__name__)

SITES_DIR = Path(__file__).resolve().parent / "sites"
SITE_FILE = "site.yaml"
MINISTRIES_FILE = "ministries.yaml"

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
}


class DemoConfigError(InputError):
    """A demo site or ministry file is malformed; the message names the file and the field."""


# ---------------------------------------------------------------------------------------------
# Configuration (typed)


@dataclass(frozen=True)
class Ministry:
    id: str
    name: str
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Behaviour:
    """How the demo server answers for one site."""

    status: int | None = None  # answer every request (any path) with this status
    body: str | None = None  # with this file of the site folder as body (else a short built-in page)
    delay_ms: int = 0  # wait this long before answering
    delay_paths: tuple[str, ...] = ()  # only for these URL paths; empty: every path


@dataclass(frozen=True)
class SiteConfig:
    """A site's `site.yaml`: the registry fields (see the README) plus behaviour and expected statuses."""

    id: str
    name: str
    ministry: str
    administration: str | None
    annual_volume: int | None
    financial_aid: bool
    life_events: tuple[str, ...]
    pnu: bool
    contacts: tuple[str, ...]
    behaviour: Behaviour
    expected: dict[str, str]  # check id → the status the checks should find


_MISSING = object()


class _Fields:
    """Typed access to one YAML mapping, with errors naming the file and the field."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise DemoConfigError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, types: type | tuple[type, ...], default: Any = _MISSING) -> Any:
        self.used.add(key)
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if default is _MISSING:
                raise DemoConfigError(f"{self.where}: field '{key}': required field is missing")
            return default
        # bool is an int in Python; a count or a status code must not be written `true`.
        if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
            raise DemoConfigError(f"{self.where}: field '{key}': expected {self._names(types)}, got {value!r}")
        if not isinstance(value, types):
            raise DemoConfigError(f"{self.where}: field '{key}': expected {self._names(types)}, got {value!r}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) and v for v in values):
            raise DemoConfigError(f"{self.where}: field '{key}': expected a list of non-empty strings")
        return tuple(values)

    def no_extra(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            raise DemoConfigError(f"{self.where}: field '{extra[0]}': unknown field")

    @staticmethod
    def _names(types: type | tuple[type, ...]) -> str:
        return " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))


def _load_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DemoConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise DemoConfigError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None


def load_ministries(sites_dir: Path | None = None) -> list[Ministry]:
    path = (sites_dir or SITES_DIR) / MINISTRIES_FILE
    doc = _Fields(_load_yaml(path), str(path))
    entries = doc.get("ministries", list)
    doc.no_extra()
    ministries = []
    for i, entry in enumerate(entries):
        f = _Fields(entry, f"{path}: ministry #{i + 1}")
        ministry = Ministry(id=f.get("id", str), name=f.get("name", str), contacts=f.strings("contacts"))
        f.no_extra()
        ministries.append(ministry)
    ids = [m.id for m in ministries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise DemoConfigError(f"{path}: field 'id': ministry {duplicates[0]!r} is defined twice")
    return ministries


def _load_behaviour(data: Any, where: str, site_dir: Path) -> Behaviour:
    f = _Fields(data if data is not None else {}, f"{where}: behaviour")
    status = f.get("status", int, None)
    if status is not None and not 100 <= status <= 599:
        raise DemoConfigError(f"{where}: field 'behaviour.status': not an HTTP status: {status}")
    body = f.get("body", str, None)
    if body is not None and not _is_site_file(site_dir, body):
        raise DemoConfigError(f"{where}: field 'behaviour.body': no file {body!r} in {site_dir}")
    delay_ms = f.get("delay_ms", int, 0)
    if delay_ms < 0:
        raise DemoConfigError(f"{where}: field 'behaviour.delay_ms': must not be negative")
    delay_paths = f.strings("delay_paths")
    if any(not p.startswith("/") for p in delay_paths):
        raise DemoConfigError(f"{where}: field 'behaviour.delay_paths': URL paths start with '/'")
    f.no_extra()
    return Behaviour(status=status, body=body, delay_ms=delay_ms, delay_paths=delay_paths)


def _load_expected(data: Any, where: str) -> dict[str, str]:
    """The statuses a site asserts, check by check; a check it does not name is not asserted."""
    if not isinstance(data, dict):
        raise DemoConfigError(f"{where}: expected: expected a mapping, got {type(data).__name__}")
    known = finding_types()
    expected = {}
    for check, status in data.items():
        if check not in known:
            raise DemoConfigError(f"{where}: field 'expected.{check}': unknown check (one of: {', '.join(known)})")
        statuses = known[check].statuses
        if status not in statuses:
            raise DemoConfigError(
                f"{where}: field 'expected.{check}': unknown status {status!r} (one of: {', '.join(statuses)})"
            )
        expected[check] = status
    return expected


def load_site(site_dir: Path) -> SiteConfig:
    path = site_dir / SITE_FILE
    where = str(path)
    f = _Fields(_load_yaml(path), where)
    life_events = f.strings("life_events")
    unknown = [e for e in life_events if e not in LIFE_EVENTS]
    if unknown:
        raise DemoConfigError(f"{where}: field 'life_events': unknown life event {unknown[0]!r}")
    annual_volume = f.get("annual_volume", int, None)
    if annual_volume is not None and annual_volume < 0:
        raise DemoConfigError(f"{where}: field 'annual_volume': must not be negative")
    config = SiteConfig(
        id=site_dir.name,
        name=f.get("name", str),
        ministry=f.get("ministry", str),
        administration=f.get("administration", str, None),
        annual_volume=annual_volume,
        financial_aid=f.get("financial_aid", bool, False),
        life_events=life_events,
        pnu=f.get("pnu", bool, False),
        contacts=f.strings("contacts"),
        behaviour=_load_behaviour(f.get("behaviour", dict, {}), where, site_dir),
        expected=_load_expected(f.get("expected", dict), where),
    )
    f.no_extra()
    return config


def load_sites(sites_dir: Path | None = None) -> list[tuple[Path, SiteConfig]]:
    """Every site folder (one holding a site.yaml), in name order, checked against the ministries."""
    root = sites_dir or SITES_DIR
    ministries = {m.id for m in load_ministries(root)}
    sites = []
    for site_dir in sorted(p for p in root.iterdir() if (p / SITE_FILE).is_file()):
        config = load_site(site_dir)
        if config.ministry not in ministries:
            raise DemoConfigError(
                f"{site_dir / SITE_FILE}: field 'ministry': {config.ministry!r} is not in {root / MINISTRIES_FILE}"
            )
        sites.append((site_dir, config))
    if not sites:
        raise DemoConfigError(f"{root}: no site folder (a folder holding {SITE_FILE})")
    return sites


# ---------------------------------------------------------------------------------------------
# Serving


def _is_site_file(site_dir: Path, relative: str) -> bool:
    return file_under(site_dir, "/" + relative, hidden=(SITE_FILE,)) is not None


def content_type(path: Path) -> str:
    return guess_content_type(path, _CONTENT_TYPES)


class _SiteHandler(FolderHandler):
    server: "_SiteServer"
    server_version = "VeilleurDemo/1.0"
    hidden = (SITE_FILE,)
    content_types = _CONTENT_TYPES

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        log.debug("%s %s", self.server.site_id, format % args)

    def status_page(self, status: int) -> bytes:
        titles = {404: "Page introuvable", 500: "Erreur interne du serveur"}
        title = titles.get(status, status_phrase(status))
        return (
            f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>{status} {title}</title></head>\n'
            f"<body><main><h1>{title}</h1><p>Erreur {status}.</p></main></body></html>\n"
        ).encode("utf-8")

    def reply(self) -> Reply:
        behaviour = self.server.behaviour
        path = self.url_path
        if behaviour.status is not None:
            error_file = self.file("/" + behaviour.body) if behaviour.body else None
            if error_file is not None:
                reply = Reply(error_file.read_bytes(), behaviour.status, self.content_type(error_file))
            else:
                reply = Reply(self.status_page(behaviour.status), behaviour.status)
        elif self.command == "POST":
            reply = Reply(self.status_page(405), 405, headers={"Allow": "GET, HEAD"})
        else:
            reply = self.file_reply(path)
        if behaviour.delay_ms and (not behaviour.delay_paths or path in behaviour.delay_paths):
            reply.delay_s = behaviour.delay_ms / 1000
        return reply


class _SiteServer(FolderServer):
    def __init__(self, host: str, site_id: str, root: Path, behaviour: Behaviour):
        self.site_id = site_id
        self.behaviour = behaviour
        super().__init__(root, _SiteHandler, host)


@dataclass(frozen=True)
class DemoSite:
    id: str
    url: str  # its landing page, as served
    path: Path  # its folder
    config: SiteConfig


@dataclass
class DemoServer(ServerGroup):
    """The running demo: one server (and thread) per site. Close it, or use it as a context manager."""

    sites: list[DemoSite]
    ministries: list[Ministry]
    _servers: list[_SiteServer] = field(default_factory=list, repr=False)

    def site(self, site_id: str) -> DemoSite:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)

    def serve_from(self, site_id: str, folder: Path) -> None:
        """Serve a site's pages from another folder from now on (a new version of the site)."""
        for server in self._servers:
            if server.site_id == site_id:
                server.serve_from(folder)
                return
        raise KeyError(site_id)


def serve_sites(sites_dir: Path | None = None, host: str = "127.0.0.1") -> DemoServer:
    """Start one HTTP server per demo site, each on an ephemeral port of `host`, in daemon threads."""
    loaded = load_sites(sites_dir)
    ministries = load_ministries(sites_dir)
    demo = DemoServer(sites=[], ministries=ministries)
    try:
        for site_dir, config in loaded:
            server = _SiteServer(host, config.id, site_dir, config.behaviour)
            demo._servers.append(server)
            server.start(name=f"demo-site-{config.id}")
            demo.sites.append(DemoSite(config.id, server.url(), site_dir, config))
    except BaseException:
        demo.close()
        raise
    return demo


# ---------------------------------------------------------------------------------------------
# Registry


def registry_data(server: DemoServer) -> dict[str, list[dict[str, Any]]]:
    """The registry (the README's format) of the running demo: each service's url is where it is served."""
    return {
        "ministries": [{"id": m.id, "name": m.name, "contacts": list(m.contacts)} for m in server.ministries],
        "services": [
            {
                "id": site.id,
                "name": site.config.name,
                "ministry": site.config.ministry,
                "administration": site.config.administration,
                "url": site.url,
                "annual_volume": site.config.annual_volume,
                "financial_aid": site.config.financial_aid,
                "life_events": list(site.config.life_events),
                "pnu": site.config.pnu,
                "contacts": list(site.config.contacts),
            }
            for site in server.sites
        ],
    }


def registry_yaml(server: DemoServer) -> str:
    """The registry file text for `veilleur registry import`."""
    return yaml.safe_dump(registry_data(server), allow_unicode=True, sort_keys=False, width=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the Veilleur demo sites on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--registry", type=Path, help="write the registry file (YAML) of the served sites here")
    args = parser.parse_args(argv)
    try:
        demo = serve_sites(host=args.host)
    except (InputError, OSError) as exc:
        print(f"veilleur demo: {exc}", file=sys.stderr)
        return 2
    with demo:
        for site in demo.sites:
            print(f"{site.id:24} {site.url}")
        if args.registry:
            args.registry.write_text(registry_yaml(demo), encoding="utf-8")
            print(f"registry written to {args.registry}")
        print("Serving; press Ctrl-C to stop.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":  # prefer `python -m veilleur.demo`
    sys.exit(main())
