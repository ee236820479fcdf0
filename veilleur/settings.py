"""The settings read from the environment, once per command, by the shell: the one place that reads VEILLEUR_*.

The floors below never read the environment: each is given its section (foundation/settings.py)
by the command that calls it. A bad value stops the command before anything is done, with one
French line naming the variable, the limit and the value received (exit code 2).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

import click
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from foundation.errors import InputError
from foundation.settings import Settings, variable_of


class VariablesSource(PydanticBaseSettingsSource):
    """The flat VEILLEUR_* variables, put into their sections; an empty variable counts as unset."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]):
        super().__init__(settings_cls)
        self.environ = environ

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # every value is gathered by __call__, section by section

    def __call__(self) -> dict[str, Any]:
        values: dict[str, dict[str, str]] = {}
        for section, model in Settings.sections().items():
            for name, field in model.model_fields.items():
                raw = self.environ.get(variable_of(field))
                if raw is not None and raw.strip():
                    values.setdefault(section, {})[name] = raw
        return values


class EnvironmentSettings(Settings, BaseSettings):
    """`Settings` as pydantic-settings reads them from the given environment (nothing else: no
    .env file, no secrets folder, no keyword arguments)."""

    model_config = SettingsConfigDict(frozen=True, extra="forbid")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        given = _ENVIRON.get()
        return (VariablesSource(settings_cls, os.environ if given is None else given),)


# The mapping read_settings was given (tests, tools), else None: the process's environment. pydantic-settings
# builds the sources in a class method, with no word from the caller, hence this context variable.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("veilleur_environ", default=None)


def read_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings the environment gives, or InputError naming the first bad variable in French."""
    token = _ENVIRON.set(environ)
    try:
        read = EnvironmentSettings()
    except ValidationError as exc:
        raise InputError(_message(exc, environ if environ is not None else os.environ)) from None
    finally:
        _ENVIRON.reset(token)
    # A plain Settings below: the floors and the demo copy it with model_copy, never re-reading.
    # Only what the environment gave counts as set (`model_fields_set`): the demo keeps its own
    # page timeout unless VEILLEUR_PAGE_TIMEOUT names one.
    return Settings.model_validate(read.model_dump(exclude_unset=True))


def _message(exc: ValidationError, environ: Mapping[str, str]) -> str:
    lines = []
    for error in exc.errors():
        loc = error.get("loc", ())
        if len(loc) >= 2 and loc[0] in Settings.sections():
            field = Settings.sections()[loc[0]].model_fields.get(str(loc[1]))
            if field is not None:
                variable = variable_of(field)
                lines.append(f"{variable} : {error['msg']}, reçu « {environ.get(variable, '')} »")
                continue
        lines.append(str(error.get("msg")))
    return " ; ".join(lines)


def current() -> Settings:
    """The settings of the command being run: read once, when the `veilleur` group starts, and kept
    on click's context; outside a command (a tool calling a shell function), read now."""
    context = click.get_current_context(silent=True)
    found = context.find_object(Settings) if context is not None else None
    return found if found is not None else read_settings()


def open_stores(settings: Settings | None = None):
    """The database and evidence store the storage and evidence sections name (storage/stores.py)."""
    from storage.stores import open_stores as open_named

    settings = settings or current()
    return open_named(settings.storage, settings.evidence)


def instance_keys(settings: Settings | None = None):
    """This instance's signing key and keyring (storage/stores.py)."""
    from storage.stores import instance_keys as keys_named

    settings = settings or current()
    return keys_named(settings.storage, settings.evidence)


def alerts_after_campaign(db, store, settings: Settings | None = None):
    """What follows a campaign (incidents, e-mails), with the alerts, mail and storage sections."""
    from reports.alerts.after_campaign import campaign_alerts

    settings = settings or current()
    return campaign_alerts(db, store, settings.alerts, settings.mail, settings.storage.resolved_data_dir())
