"""The monitoring schedule: when campaigns run (cron expressions), from a YAML file.

    campaign: "0 2 * * *"          # full campaign: every page, every check (nightly)
    availability: "*/15 * * * *"   # landing page only: is the service up? (null to disable)
    timezone: Europe/Paris
    jitter_s: 300                  # random delay added to each start, so fleets don't stampede
    misfire_grace_s: 3600          # a run missed by less than this (scheduler down) still happens, once
    stop_grace_s: 120              # on SIGTERM, time left to the probes in flight
    services:                      # per-service overrides
      carte-grise:
        campaign: "0 */6 * * *"    # this service gets its own cadence (and leaves the nightly one)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from apscheduler.triggers.cron import CronTrigger

from foundation.errors import InputError

DEFAULT_CAMPAIGN = "0 2 * * *"
DEFAULT_AVAILABILITY = "*/15 * * * *"


@dataclass(frozen=True)
class ServiceCadence:
    campaign: str | None = None
    availability: str | None = None


@dataclass(frozen=True)
class ScheduleConfig:
    campaign: str | None = DEFAULT_CAMPAIGN
    availability: str | None = DEFAULT_AVAILABILITY
    timezone: str = "Europe/Paris"
    jitter_s: int = 300
    misfire_grace_s: int = 3600
    stop_grace_s: int = 120
    services: dict[str, ServiceCadence] = field(default_factory=dict)

    def trigger(self, expression: str) -> CronTrigger:
        return CronTrigger.from_crontab(expression, timezone=self.timezone)


def _cron(value, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where} : attendu : une expression cron entre guillemets ; reçu « {value} »")
    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise InputError(f"{where} : expression cron invalide « {value} » ({exc})") from None
    return value


def _int(value, where: str, default: int) -> int:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"{where} : attendu : un nombre entier de secondes, 0 ou plus ; reçu « {value} »")
    return value


def load_schedule(path: Path | None) -> ScheduleConfig:
    if path is None:
        return ScheduleConfig()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path} : illisible ({exc.strerror})") from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"{path}{f':{mark.line + 1}' if mark else ''} : YAML invalide") from None
    if root is None:
        return ScheduleConfig()
    if not isinstance(root, yaml.MappingNode):
        raise InputError(f"{path}:1 : attendu : un ensemble de champs (nom : valeur)")
    lines = {k.value: k.start_mark.line + 1 for k, _ in root.value}
    data = yaml.safe_load(text) or {}
    known = {"campaign", "availability", "timezone", "jitter_s", "misfire_grace_s", "stop_grace_s", "services"}
    for key in data:
        if key not in known:
            raise InputError(f"{path}:{lines.get(key, 1)} : champ inconnu « {key} »")

    def at(key: str) -> str:
        return f"{path}:{lines.get(key, 1)} : champ « {key} »"

    services: dict[str, ServiceCadence] = {}
    raw_services = data.get("services") or {}
    if not isinstance(raw_services, dict):
        raise InputError(f"{at('services')} : attendu : pour chaque identifiant de démarche, son rythme")
    for service_id, cadence in raw_services.items():
        where = f"{at('services')}, démarche « {service_id} »"
        if not isinstance(cadence, dict) or set(cadence) - {"campaign", "availability"}:
            raise InputError(f"{where} : attendu : des expressions cron « campaign » et/ou « availability »")
        services[str(service_id)] = ServiceCadence(
            _cron(cadence.get("campaign"), f"{where} campaign"), _cron(cadence.get("availability"), f"{where} availability"))
    timezone = data.get("timezone", "Europe/Paris")
    try:
        CronTrigger.from_crontab("0 0 * * *", timezone=timezone)
    except Exception:
        raise InputError(f"{at('timezone')} : fuseau horaire inconnu « {timezone} »") from None
    return ScheduleConfig(
        campaign=_cron(data.get("campaign", DEFAULT_CAMPAIGN), at("campaign")),
        availability=_cron(data.get("availability", DEFAULT_AVAILABILITY), at("availability")),
        timezone=timezone,
        jitter_s=_int(data.get("jitter_s"), at("jitter_s"), 300),
        misfire_grace_s=_int(data.get("misfire_grace_s"), at("misfire_grace_s"), 3600),
        stop_grace_s=_int(data.get("stop_grace_s"), at("stop_grace_s"), 120),
        services=services,
    )
