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

from checks.models import Finding
from checks.readings.coverage import FRANCECONNECT, landing_unknown, named, not_found, pages_read
from checks.readings.evidence import MAX_EVIDENCE
from checks.readings.identity_login import STATUS, login_buttons
from foundation.tones import Tone
from probes.models import ServiceCapture

LOOKED_FOR = "Aucun bouton FranceConnect (bouton DSFR, image du bouton, lien vers FranceConnect)"


class FranceConnectFinding(Finding):
    check: ClassVar[str] = "franceconnect"
    statuses: ClassVar[tuple[str, ...]] = ("franceconnect", "franceconnect_plus", "absent", "unknown")
    label: ClassVar[str] = "FranceConnect"
    short_label: ClassVar[str] = "FC"
    tones: ClassVar[Mapping[str, Tone]] = {"franceconnect": Tone.GOOD, "franceconnect_plus": Tone.GOOD, "absent": Tone.BAD}
    position: ClassVar[int] = 10


FINDING = FranceConnectFinding


def check(capture: ServiceCapture) -> FranceConnectFinding:
    if unknown := landing_unknown(capture, FranceConnectFinding):
        return unknown
    decisive = login_buttons(pages_read(capture, FRANCECONNECT.reads))
    if not decisive:
        return not_found(capture, FranceConnectFinding, LOOKED_FOR, FRANCECONNECT)
    first = decisive[0]
    return FranceConnectFinding(
        status=STATUS[first.level],
        reason=f"Trouvé sur {named(first.page)} : {first.why}.",
        evidence=[hit.evidence() for hit in decisive[:MAX_EVIDENCE]],
    )
