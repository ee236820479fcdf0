"""Does the service offer FranceConnect login, and at which level (FranceConnect or FranceConnect+)?

What counts as a FranceConnect button, and when it is offered, is read by
`checks.readings.identity_login` (the online-procedure and DLNUF checks read it too). The best
level across pages wins (plus > plain). Read on the landing, login and contact pages (not the
accessibility statement); only a failed login page keeps the check from claiming absence: see
`checks.readings.coverage`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from checks.models import Feed, Finding, Reading, Visit
from checks.readings.coverage import ALL_BUT_STATEMENT, Scope, landing_unknown, named, not_found, pages_read
from checks.readings.evidence import MAX_EVIDENCE
from checks.readings.identity_login import STATUS, login_buttons
from foundation import vocabulary
from foundation.grid import FRANCECONNECT, FRANCECONNECT_PLUS, NO, NOT_APPLICABLE, TO_COME, UNKNOWN, IndicatorSpec, Level
from foundation.tones import Tone
from probes.models import ServiceCapture

LOOKED_FOR = "Aucun bouton FranceConnect (bouton DSFR, image du bouton, lien vers FranceConnect)"

# The button is offered where one logs in (the landing page or the login page), not on a contact
# page: only a failed login page keeps the check from claiming absence.
SCOPE = Scope(reads=ALL_BUT_STATEMENT, blocked_by=frozenset({"login"}))

AUTHENTICATION = IndicatorSpec("authentication", "Authentification", "probe (franceconnect check); registry (has_account)",
                               "status of the franceconnect check: franceconnect_plus, franceconnect, absent, unknown",
                               position=10)
WITHOUT_ACCOUNT = Reading(NOT_APPLICABLE, source="registre (service sans compte usager)", note="service sans compte usager")


def authentication_level(franceconnect_status: str | None, has_account: bool) -> Level:
    """From the `franceconnect` check; "Non applicable" when the registry says there is no account."""
    if not has_account:
        return NOT_APPLICABLE
    return {"franceconnect_plus": FRANCECONNECT_PLUS, "franceconnect": FRANCECONNECT, "absent": NO}.get(
        franceconnect_status or "", UNKNOWN)


def _required(visit: Visit) -> str | None:
    return "niveau requis : FranceConnect+" if visit.fc_level_required == "franceconnect_plus" else None


def _authentication(finding: Finding, visit: Visit) -> Reading:
    if not visit.has_account:
        return Reading(WITHOUT_ACCOUNT.level, finding.status, WITHOUT_ACCOUNT.note, source=WITHOUT_ACCOUNT.source)
    return Reading(authentication_level(finding.status, True), finding.status, _required(visit))


def _authentication_without_finding(visit: Visit) -> Reading:
    return WITHOUT_ACCOUNT if not visit.has_account else Reading(TO_COME, note=_required(visit))


class FranceConnectFinding(Finding):
    check: ClassVar[str] = "franceconnect"
    statuses: ClassVar[tuple[str, ...]] = ("franceconnect", "franceconnect_plus", "absent", "unknown")
    label: ClassVar[str] = "FranceConnect"
    short_label: ClassVar[str] = "FC"
    tones: ClassVar[Mapping[str, Tone]] = {"franceconnect": Tone.GOOD, "franceconnect_plus": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 10
    order: ClassVar[tuple[str, ...]] = ("absent", "franceconnect", "franceconnect_plus")
    watched: ClassVar[bool] = True
    located_on: ClassVar[str | None] = "login"
    indicators: ClassVar[tuple[Feed, ...]] = (Feed(AUTHENTICATION, _authentication, _authentication_without_finding),)

    def regression(self, before: Finding) -> str:
        if self.status == "franceconnect":
            return "FranceConnect+ a été remplacé par FranceConnect simple"
        return "Le bouton FranceConnect a disparu"

    @classmethod
    def next_steps(cls, before: str | None, after: str | None, where: str) -> tuple[str, ...]:
        if after == "franceconnect":
            return ("Rétablissez la connexion FranceConnect+ (niveau de garantie renforcé) "
                    f"{where} : les usagers se connectent aujourd’hui avec un niveau de sécurité plus faible.",
                    "Vérifiez la configuration du fournisseur de service sur l’espace partenaires de FranceConnect "
                    "(niveau eIDAS demandé) et le dernier déploiement du site.")
        return (f"Remettez le bouton « S’identifier avec FranceConnect » {where}.",
                vocabulary.DEPLOYMENT_ADVICE,
                "Si le retrait est volontaire, répondez à ce message en indiquant comment les usagers se "
                "connectent désormais.")


FINDING = FranceConnectFinding


def check(capture: ServiceCapture) -> FranceConnectFinding:
    if unknown := landing_unknown(capture, FranceConnectFinding):
        return unknown
    decisive = login_buttons(pages_read(capture, SCOPE.reads))
    if not decisive:
        return not_found(capture, FranceConnectFinding, LOOKED_FOR, SCOPE)
    first = decisive[0]
    return FranceConnectFinding(
        status=STATUS[first.level],
        reason=f"Trouvé sur {named(first.page)} : {first.why}.",
        evidence=[hit.evidence() for hit in decisive[:MAX_EVIDENCE]],
    )
