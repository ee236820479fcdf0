"""« Que faire ? » — the next steps an alert proposes to a ministry, by kind of regression.

Concrete and short: put back what went missing and where, look at what changed on the site
(most regressions follow a deployment), and what to tell users meanwhile. Each check says its own
steps (`Finding.next_steps`, in its module); every incident ends with the same way to contest
it, since a robot can be wrong.
"""

from __future__ import annotations

from checks import finding_type
from foundation import vocabulary
from reports.alerts.regressions import AVAILABILITY

CONTEST = ("Si vous pensez que ce constat est erroné, répondez à ce message en citant le numéro de l’incident : "
           "nous vérifierons la preuve.")


def _where(page_kind: str | None) -> str:
    if not page_kind:
        return "sur le site"
    if page_kind == "other":
        return "sur la page où il se trouvait"
    return f"sur la page « {vocabulary.page_kind(page_kind)} »"


def _unreachable(before: str | None, after: str | None, where: str) -> tuple[str, ...]:
    return (f"Vérifiez que le site répond ({vocabulary.error_class(after)}) : serveur, nom de domaine, "
            "certificat, pare-feu.",
            "Si une maintenance est en cours, annoncez-la sur la page d’accueil avec sa durée et un moyen "
            "d’être aidé en attendant (téléphone, guichet).")


# What no check decides has its steps here; every check declares its own (`Finding.next_steps`).
_OWN_STEPS = {AVAILABILITY: _unreachable}


def next_steps(check: str, before: str | None, after: str | None, page_kind: str | None) -> tuple[str, ...]:
    """The steps for one incident, most useful first. `before` and `after` are the check's
    statuses (for availability, `after` is the error class); `page_kind` is where the element was."""
    steps = _OWN_STEPS.get(check, finding_type(check).next_steps)
    return steps(before, after, _where(page_kind)) + (CONTEST,)
