"""The benchmark corpus: N fictional services of 4 pages each, styled with the State design system.

Each service has a landing page, a login page, a contact page and an accessibility statement,
with the markup the checks look for (FranceConnect button, JeDonneMonAvis button, phone number,
footer conformity mention, statement with its rate) and the DSFR's real CSS (~700 KB) and JS
(~110 KB), so that the browser does what it does on a real service. What each service shows
varies with its number, and `expected(index)` says what the checks must find on it.

Pages are built on request from the service number (see bench/serve.py); `python -m bench.generate
--services N --out DIR` writes them to disk instead, to look at them.
"""

from __future__ import annotations

import argparse
import html
from dataclasses import dataclass
from pathlib import Path

import yaml

PAGES = {
    "index.html": "Accueil",
    "connexion.html": "Se connecter",
    "contact.html": "Contact",
    "accessibilite.html": "Déclaration d’accessibilité",
}

# Third-party resources real services load (the JeDonneMonAvis button image, an audience
# counter): none of the checks needs them, and offline they can only fail.
JDMA_IMAGE = "https://jedonnemonavis.numerique.gouv.fr/static/bouton-bleu.svg"
ANALYTICS = "https://stats.audience.numerique.gouv.fr/matomo.js"

TOPICS = [
    ("Demander une aide au logement", "la Caisse d’allocations familiales"),
    ("Déclarer un changement d’adresse", "la Direction de l’information légale"),
    ("Demander une bourse d’études", "le Centre régional des œuvres universitaires"),
    ("Prendre rendez-vous pour un passeport", "l’Agence nationale des titres sécurisés"),
    ("Demander sa retraite en ligne", "l’Assurance retraite"),
    ("Créer son entreprise", "l’Institut national de la propriété industrielle"),
    ("Inscrire son enfant à la cantine", "la mairie"),
    ("Demander une carte grise", "l’Agence nationale des titres sécurisés"),
]

MINISTRIES = [
    {"id": "interieur", "name": "Ministère de l’Intérieur", "contacts": ["bench@interieur.example"]},
    {"id": "solidarites", "name": "Ministère des Solidarités", "contacts": ["bench@solidarites.example"]},
    {"id": "economie", "name": "Ministère de l’Économie", "contacts": ["bench@economie.example"]},
]


@dataclass(frozen=True)
class BenchService:
    index: int

    @property
    def id(self) -> str:
        return f"bench-{self.index:05d}"

    @property
    def topic(self) -> tuple[str, str]:
        return TOPICS[self.index % len(TOPICS)]

    @property
    def name(self) -> str:
        return f"{self.topic[0]} ({self.index})"

    @property
    def franceconnect(self) -> str:
        return ("franceconnect_plus", "franceconnect", "franceconnect", "franceconnect", "absent")[self.index % 5]

    @property
    def jdma(self) -> bool:
        return self.index % 3 != 2

    @property
    def demarche_id(self) -> str:
        return str(1000 + self.index)

    @property
    def conformity(self) -> str:
        return ("totalement", "partiellement", "partiellement", "non")[self.index % 4]

    @property
    def rate(self) -> float:
        return {"totalement": 100.0, "partiellement": 50.0 + self.index % 45, "non": 12.5}[self.conformity]


def expected(index: int) -> dict[str, str]:
    """What the checks must find on service `index` (statuses of checks/models.py)."""
    s = BenchService(index)
    return {
        "franceconnect": s.franceconnect,
        "jedonnemonavis": "present" if s.jdma else "absent",
        "non_digital_alternative": "present",
        "accessibility": "measured",
        "accessibility_statement": s.conformity,
        "readability": "measured",
        # A start control and a documents list on every service's page; DSFR pages fit a phone.
        "online_procedure": "online",
        "dlnuf": "measured",
        "mobile": "compatible",
    }


def _fc_button(s: BenchService) -> str:
    if s.franceconnect == "absent":
        return ""
    plus = s.franceconnect == "franceconnect_plus"
    return f"""
      <div class="fr-connect-group">
        <button class="fr-connect{' fr-connect--plus' if plus else ''}" type="button">
          <span class="fr-connect__login">S’identifier avec</span>
          <span class="fr-connect__brand">FranceConnect</span>
        </button>
        <p><a href="https://franceconnect.gouv.fr/" target="_blank" rel="noopener" title="Qu’est-ce que FranceConnect ? - nouvelle fenêtre">Qu’est-ce que FranceConnect ?</a></p>
      </div>"""


def _jdma(s: BenchService) -> str:
    if not s.jdma:
        return ""
    return f"""
    <section class="fr-my-4w">
      <h2>Votre avis compte</h2>
      <p>Dites-nous ce que vous avez pensé de cette démarche. Cela prend deux minutes.</p>
      <a href="https://jedonnemonavis.numerique.gouv.fr/Demarches/{s.demarche_id}?button={s.index}" target="_blank" rel="noopener" title="Je donne mon avis - nouvelle fenêtre">
        <img src="{JDMA_IMAGE}" alt="Je donne mon avis">
      </a>
    </section>"""


def _phone(s: BenchService) -> str:
    return f"01 23 45 {s.index // 100 % 100:02d} {s.index % 100:02d}"


def _landing(s: BenchService) -> str:
    title, operator = s.topic
    # Deliberate faults, as on real services, so that axe has violations to report: an image
    # without alternative and a skipped heading level (a best practice, tagged with no RGAA
    # criterion); the login page has a field without a label.
    return f"""
    <h1>{html.escape(title)}</h1>
    <p class="fr-text--lead">Cette démarche se fait entièrement en ligne. Elle est proposée par {html.escape(operator)}. Vous pouvez la commencer maintenant et la finir plus tard.</p>
    <h2>Qui peut faire la démarche ?</h2>
    <p>Toute personne majeure qui réside en France peut faire la demande. Vous pouvez aussi la faire pour un proche, avec son accord écrit. Un conseiller peut vous aider si vous le souhaitez.</p>
    <h2>Les documents à préparer</h2>
    <ul>
      <li>Une pièce d’identité en cours de validité.</li>
      <li>Un justificatif de domicile de moins de six mois.</li>
      <li>Votre numéro fiscal, qui figure sur votre avis d’impôt.</li>
    </ul>
    <h4>Bon à savoir</h4>
    <p>Vous recevez un courriel à chaque étape de votre demande.</p>
    <img src="/illustration-{s.index % 3}.svg" width="320" height="120">
    <div class="fr-callout">
      <h2 class="fr-callout__title">Besoin d’aide ?</h2>
      <p class="fr-callout__text">Notre assistance répond du lundi au vendredi, de 8 h à 18 h, au <a href="tel:+331234{s.index:05d}">{_phone(s)}</a> (prix d’un appel local).</p>
    </div>
    <h2>Commencer la démarche</h2>
    <p>Pour suivre votre demande, vous avez besoin d’un compte. Le plus simple est d’utiliser FranceConnect.</p>
    {_fc_button(s)}
    <p>Vous n’avez pas de compte FranceConnect ? <a href="connexion.html">Se connecter avec une adresse électronique</a>.</p>
    {_jdma(s)}"""


def _login(s: BenchService) -> str:
    return f"""
    <h1>Se connecter</h1>
    <p>Votre compte vous permet de suivre votre demande et de télécharger vos justificatifs.</p>
    {_fc_button(s)}
    <form action="connexion.html" method="get">
      <div class="fr-input-group">
        <label class="fr-label" for="courriel">Adresse électronique <span class="fr-hint-text">Format attendu : nom@domaine.fr</span></label>
        <input class="fr-input" type="email" id="courriel" name="courriel" autocomplete="email" required>
      </div>
      <div class="fr-input-group">
        <input class="fr-input" type="password" id="motdepasse" name="motdepasse">
      </div>
      <button class="fr-btn" type="submit">Valider</button>
    </form>"""


def _contact(s: BenchService) -> str:
    return f"""
    <h1>Contact</h1>
    <p>Vous avez une question sur votre demande ? Préparez le numéro de votre dossier avant de nous contacter.</p>
    <h2>Par téléphone</h2>
    <p>Appelez le <a href="tel:+331234{s.index:05d}">{_phone(s)}</a>, du lundi au vendredi, de 8 h à 18 h.</p>
    <h2>Sur place</h2>
    <p>Un conseiller vous reçoit sur rendez-vous au 12 rue de la Paix, 75002 Paris.</p>
    <form action="contact.html" method="get">
      <div class="fr-input-group">
        <label class="fr-label" for="message">Votre message</label>
        <textarea class="fr-input" id="message" name="message" rows="6"></textarea>
      </div>
      <button class="fr-btn" type="submit">Envoyer</button>
    </form>"""


def _statement(s: BenchService) -> str:
    name = html.escape(s.name)
    rate = f"{s.rate:.1f}".replace(".", ",")
    return f"""
    <h1>Déclaration d’accessibilité</h1>
    <p>Établie le 3 février 2025.</p>
    <p>Cette déclaration d’accessibilité s’applique au service en ligne « {name} ».</p>
    <h2>État de conformité</h2>
    <p>« {name} » est <strong>{s.conformity} conforme</strong> avec le référentiel général d’amélioration de l’accessibilité (RGAA), version 4.1.</p>
    <h2>Résultats des tests</h2>
    <p>L’audit de conformité réalisé le 14 janvier 2025 révèle un taux de conformité de {rate} % aux critères du RGAA version 4.1.</p>
    <h2>Retour d’information et contact</h2>
    <p>Si vous n’arrivez pas à accéder à un contenu, contactez-nous au {_phone(s)}.</p>"""


BODIES = {"index.html": _landing, "connexion.html": _login, "contact.html": _contact, "accessibilite.html": _statement}


def page_html(index: int, page: str) -> str:
    """The page `page` (a key of PAGES) of service `index`."""
    s = BenchService(index)
    name = html.escape(s.name)
    body = BODIES[page](s)
    return f"""<!DOCTYPE html>
<html lang="fr" data-fr-scheme="system">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, shrink-to-fit=no">
  <title>{PAGES[page]} - {name}</title>
  <link rel="stylesheet" href="/dsfr/dsfr.min.css">
  <link rel="stylesheet" href="/dsfr/utility/icons/icons.min.css">
  <link rel="icon" href="/dsfr/favicon/favicon.svg" type="image/svg+xml">
  <script async src="{ANALYTICS}"></script>
</head>
<body>
  <div class="fr-skiplinks">
    <nav class="fr-container" role="navigation" aria-label="Accès rapide">
      <ul class="fr-skiplinks__list">
        <li><a class="fr-link" href="#contenu">Contenu</a></li>
        <li><a class="fr-link" href="#footer">Pied de page</a></li>
      </ul>
    </nav>
  </div>
  <header role="banner" class="fr-header">
    <div class="fr-header__body">
      <div class="fr-container">
        <div class="fr-header__body-row">
          <div class="fr-header__brand fr-enlarge-link">
            <div class="fr-header__brand-top">
              <div class="fr-header__logo"><p class="fr-logo">République<br>Française</p></div>
            </div>
            <div class="fr-header__service">
              <a href="index.html" title="Accueil - {name}"><p class="fr-header__service-title">{name}</p></a>
              <p class="fr-header__service-tagline">{html.escape(s.topic[1])}</p>
            </div>
          </div>
          <div class="fr-header__tools">
            <div class="fr-header__tools-links">
              <ul class="fr-btns-group">
                <li><a class="fr-btn fr-icon-lock-line" href="connexion.html">Se connecter</a></li>
                <li><a class="fr-btn fr-icon-question-line" href="contact.html">Contact</a></li>
              </ul>
            </div>
          </div>
        </div>
      </div>
    </div>
  </header>
  <main id="contenu" role="main" class="fr-container fr-my-6w">
    {body}
  </main>
  <footer class="fr-footer" role="contentinfo" id="footer">
    <div class="fr-container">
      <div class="fr-footer__body">
        <div class="fr-footer__brand fr-enlarge-link">
          <a href="index.html" title="Retour à l’accueil du site - {name}"><p class="fr-logo">République<br>Française</p></a>
        </div>
        <div class="fr-footer__content">
          <p class="fr-footer__content-desc">Service en ligne proposé par {html.escape(s.topic[1])}.</p>
          <ul class="fr-footer__content-list">
            <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.legifrance.gouv.fr">legifrance.gouv.fr</a></li>
            <li class="fr-footer__content-item"><a class="fr-footer__content-link" href="https://www.service-public.fr">service-public.fr</a></li>
          </ul>
        </div>
      </div>
      <div class="fr-footer__bottom">
        <ul class="fr-footer__bottom-list">
          <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="accessibilite.html">Accessibilité : {s.conformity} conforme</a></li>
          <li class="fr-footer__bottom-item"><a class="fr-footer__bottom-link" href="accessibilite.html">Déclaration d’accessibilité</a></li>
        </ul>
      </div>
    </div>
  </footer>
  <script type="module" src="/dsfr/dsfr.module.min.js"></script>
  <script nomodule src="/dsfr/dsfr.nomodule.min.js"></script>
</body>
</html>
"""


def registry(urls: list[str]) -> dict:
    """The registry file (storage/registry_file.py) of services served at `urls`, in order."""
    services = []
    for index, url in enumerate(urls):
        s = BenchService(index)
        services.append({
            "id": s.id, "name": s.name, "ministry": MINISTRIES[index % len(MINISTRIES)]["id"],
            "administration": s.topic[1], "url": url, "annual_volume": 250_000 + index,
            "financial_aid": False, "life_events": [], "pnu": False, "contacts": [],
        })
    return {"ministries": MINISTRIES, "services": services}


def write_registry(path: Path, urls: list[str]) -> Path:
    path.write_text(yaml.safe_dump(registry(urls), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True, help="directory to write the pages to")
    args = parser.parse_args(argv)
    for index in range(args.services):
        folder = args.out / BenchService(index).id
        folder.mkdir(parents=True, exist_ok=True)
        for page in PAGES:
            (folder / page).write_text(page_html(index, page), encoding="utf-8")
    print(f"{args.services} services × {len(PAGES)} pages in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
