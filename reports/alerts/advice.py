"""« Que faire ? » — the next steps an alert proposes to a ministry, by kind of regression.

Concrete and short: put back what went missing and where, look at what changed on the site
(most regressions follow a deployment), and what to tell users meanwhile. Every incident ends
with the same way to contest it, since a robot can be wrong.
"""

from __future__ import annotations

from foundation import vocabulary
from reports.alerts.regressions import AVAILABILITY

CONTEST = ("Si vous pensez que ce constat est erroné, répondez à ce message en citant le numéro de l’incident : "
           "nous vérifierons la preuve.")
DEPLOYMENT = ("Vérifiez le dernier déploiement du site (gabarit, composant ou configuration modifiés entre deux "
              "versions) : la régression est apparue entre deux de nos visites.")


def _where(page_kind: str | None) -> str:
    if not page_kind:
        return "sur le site"
    if page_kind == "other":
        return "sur la page où il se trouvait"
    return f"sur la page « {vocabulary.page_kind(page_kind)} »"


def next_steps(check: str, before: str | None, after: str | None, page_kind: str | None) -> tuple[str, ...]:
    """The steps for one incident, most useful first. `before` and `after` are the check's
    statuses (for availability, `after` is the error class); `page_kind` is where the element was."""
    where = _where(page_kind)
    if check == "franceconnect":
        if after == "franceconnect":
            steps = ("Rétablissez la connexion FranceConnect+ (niveau de garantie renforcé) "
                     f"{where} : les usagers se connectent aujourd’hui avec un niveau de sécurité plus faible.",
                     "Vérifiez la configuration du fournisseur de service sur l’espace partenaires de FranceConnect "
                     "(niveau eIDAS demandé) et le dernier déploiement du site.")
        else:
            steps = (f"Remettez le bouton « S’identifier avec FranceConnect » {where}.",
                     DEPLOYMENT,
                     "Si le retrait est volontaire, répondez à ce message en indiquant comment les usagers se "
                     "connectent désormais.")
    elif check == "jedonnemonavis":
        steps = (f"Remettez le bouton « Je donne mon avis » {where}, avec le lien de votre démarche sur "
                 "jedonnemonavis.numerique.gouv.fr : sans lui, les usagers ne peuvent plus noter la démarche.",
                 DEPLOYMENT)
    elif check == "non_digital_alternative":
        steps = (f"Indiquez de nouveau {where} un moyen d’être aidé sans internet : numéro de téléphone, adresse "
                 "d’accueil au guichet ou prise de rendez-vous.",
                 "Vérifiez que la page de contact est toujours accessible depuis l’accueil du site.",
                 "En attendant, aux usagers qui vous écrivent ou vous appellent, répondez en leur donnant "
                 "l’adresse du guichet ou le numéro de téléphone.")
    elif check == "accessibility_statement":
        if after == "absent":
            steps = ("Republiez la déclaration d’accessibilité et remettez le lien « Accessibilité : … » en pied "
                     "de chaque page, avec l’état de conformité.",
                     DEPLOYMENT)
        else:
            steps = ("Faites réaliser un nouvel audit RGAA et publiez la déclaration mise à jour : une déclaration "
                     "de plus de trois ans n’est plus valable.",)
    elif check == "accessibility":
        steps = ("Corrigez les nouvelles erreurs d’accessibilité graves ou critiques : leur liste, règle par "
                 "règle, est dans le dossier de preuves de la dernière visite.",
                 DEPLOYMENT)
    elif check == AVAILABILITY:
        steps = (f"Vérifiez que le site répond ({vocabulary.error_class(after)}) : serveur, nom de domaine, "
                 "certificat, pare-feu.",
                 "Si une maintenance est en cours, annoncez-la sur la page d’accueil avec sa durée et un moyen "
                 "d’être aidé en attendant (téléphone, guichet).")
    else:
        steps = (f"Rétablissez {where} ce que la dernière visite n’a plus trouvé.", DEPLOYMENT)
    return steps + (CONTEST,)
