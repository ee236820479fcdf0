"""A quarter's figures in the columns of the observatory's Grist document, ready to paste or import into it.

One row per service. The identity columns come from the registry (`Ref_Demarche` is the service's
id, `Ref_Edition` the quarter); each indicator's column carries Veilleur's published figure in the
Grist document's own scale: the percent columns hold 0–1 (`Dashlord_UpDown_Dispo` 0.999), scores
out of 10, load time in milliseconds, the labelled indicators (`Statut_En_ligne`, `FranceConnect`)
the observatory's label. A figure Veilleur does not have is an empty cell.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import TextIO

from foundation.grid import BY_KEY, GRID_INDICATORS, NOT_APPLICABLE
from reports.observatory.indicators import Indicator, ServiceIndicators
from storage.schema import Service

IDENTITY_COLUMNS = ("Ref_Edition", "Ref_Demarche", "Nom_Demarche", "URL_Demarche", "Nom_Ministere",
                    "Nom_Administration", "Nom_Administration_Centrale", "Volumetrie_En_Ligne", "Dashlord_ID_JDMA",
                    "Ajout_Bouton_JDMA")
INDICATOR_COLUMNS = tuple(g.grist for g in GRID_INDICATORS)
COLUMNS = IDENTITY_COLUMNS + INDICATOR_COLUMNS


def _number(value: float | int | Decimal) -> str:
    """A number as Grist reads it: a decimal point, no exponent, no trailing zeros."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    return format(exact.normalize(), "f")


def grist_value(indicator: Indicator) -> str:
    """An indicator's figure in its Grist column's scale, or "" without one."""
    g = BY_KEY[indicator.key]
    if indicator.level == NOT_APPLICABLE:
        return NOT_APPLICABLE.label
    if not g.scaled and g.steps:  # a labelled indicator: its level's label
        return "" if indicator.level == g.no_figure else indicator.level.label
    if not isinstance(indicator.value, (int, float)) or isinstance(indicator.value, bool):
        return ""
    if g.percent:
        return _number(Decimal(repr(indicator.value)) / 100)
    return _number(indicator.value)


def grist_row(state: ServiceIndicators, service: Service | None) -> dict[str, str]:
    """One service's row: its registry identity, then each indicator's figure."""
    row = {
        "Ref_Edition": str(state.quarter), "Ref_Demarche": state.service_id, "Nom_Demarche": state.service_name,
        "URL_Demarche": service.url if service else "", "Nom_Ministere": state.ministry_name,
        "Nom_Administration": state.administration or "", "Nom_Administration_Centrale": "",
        "Volumetrie_En_Ligne": str(service.annual_volume) if service and service.annual_volume is not None else "",
        "Dashlord_ID_JDMA": (service.jdma_demarche_id or "") if service else "",
        "Ajout_Bouton_JDMA": "",
    }
    keyed = {i.key: i for i in state.indicators}
    for g in GRID_INDICATORS:
        row[g.grist] = grist_value(keyed[g.key]) if g.key in keyed else ""
    return row


def write_grist(states: list[ServiceIndicators], services: dict[str, Service], out: TextIO) -> None:
    """The quarter as a CSV of the Grist document's columns."""
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for state in states:
        writer.writerow(grist_row(state, services.get(state.service_id)))

