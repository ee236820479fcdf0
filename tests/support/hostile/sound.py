"""Sound services for the reliability tests: small sites whose findings are known and stable.

Each template is a landing page and a contact page; a campaign registers many copies of each on
ports of their own, and a copy must be recorded exactly as its template is in a quiet run.
"""

from __future__ import annotations

from tests.support.webserver import LocalSite, html

_LANDING = """<!doctype html><html lang="fr"><head><title>{name}</title></head><body>
<header><a href="/">Accueil</a></header><main><h1>{name}</h1>
<p>{text}</p>{extra}
<p><a href="/contact.html">Nous contacter</a></p></main>
<footer><a href="/accessibilite.html">Accessibilité : {a11y}</a></footer></body></html>"""

_CONTACT = """<!doctype html><html lang="fr"><head><title>Contact</title></head><body><main><h1>Nous contacter</h1>
<p>{contact}</p></main></body></html>"""

FC = ('<button class="fr-connect"><span class="fr-connect__login">S’identifier avec</span> '
      '<span class="fr-connect__brand">FranceConnect</span></button>')
FC_PLUS = FC.replace('class="fr-connect"', 'class="fr-connect fr-connect--plus"')
JDMA = ('<a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/{id}?button=1">'
        '<img src="https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu.svg" alt="Je donne mon avis"></a>')
PLAIN = ("Cette démarche se fait en ligne. Préparez vos papiers. Remplissez le formulaire. "
         "Vous recevez une réponse par courriel dans un délai d’un mois.")
DENSE = ("L’instruction de la demande, conformément aux dispositions réglementaires applicables, est subordonnée "
         "à la production de l’intégralité des justificatifs mentionnés à l’article précédent, faute de quoi "
         "l’administration se trouve dans l’impossibilité de statuer sur ladite demande.")

TEMPLATES: dict[str, dict[str, str]] = {
    "fc-phone": {"extra": FC, "a11y": "partiellement conforme", "text": PLAIN,
                 "contact": "Appelez le 01 23 45 67 89 du lundi au vendredi."},
    "fcplus-jdma": {"extra": FC_PLUS + JDMA.format(id="4567"), "a11y": "totalement conforme", "text": PLAIN,
                    "contact": "Accueil du public au guichet : 12 rue de la Paix, 75002 Paris."},
    "jdma-only": {"extra": JDMA.format(id="1234"), "a11y": "non conforme", "text": DENSE,
                  "contact": "Écrivez-nous par le formulaire en ligne."},
    "nothing": {"extra": "", "a11y": "non conforme", "text": PLAIN, "contact": "Écrivez-nous par courriel."},
    "a11y-faults": {"extra": '<img src="/logo.png"><input type="text" name="nom">', "a11y": "partiellement conforme",
                    "text": DENSE, "contact": "Téléphone : 3939, service gratuit + prix d’un appel."},
    "fc-rdv": {"extra": FC, "a11y": "non conforme", "text": DENSE,
               "contact": "Prenez rendez-vous en ligne ou appelez le 09 70 80 90 10."},
    "dense-phone": {"extra": "", "a11y": "totalement conforme", "text": DENSE + " " + DENSE,
                    "contact": "Appelez le +33 (0)1 40 50 60 70."},
}


def sound_site(template: str) -> LocalSite:
    spec = TEMPLATES[template]
    name = f"Démarche {template}"
    return LocalSite({
        "/": html(_LANDING.format(name=name, **{k: spec[k] for k in ("text", "extra", "a11y")})),
        "/contact.html": html(_CONTACT.format(contact=spec["contact"])),
    })
