"""Real French administrative texts from public sources, for the readability check.

Each is an excerpt (abridged where marked) of a public page or legal text, with its source. They
fall into three groups whose order of difficulty nobody disputes:

- `FALC`: texts written "facile à lire et à comprendre" (the European easy-to-read method that
  public bodies use for people with intellectual disabilities): short sentences, common words;
- `PRACTICAL`: practical information pages for the public (service-public.fr, ameli.fr, caf.fr):
  plain, but with administrative vocabulary and longer sentences;
- `LEGAL`: statute and regulation (codes, laws, the GDPR notice that every service publishes):
  long sentences, nominal style, legal terms.
"""

from __future__ import annotations

from dataclasses import dataclass

FALC, PRACTICAL, LEGAL = 0, 1, 2  # plainest first


@dataclass(frozen=True)
class AdminText:
    name: str
    group: int
    source: str
    text: str


TEXTS: tuple[AdminText, ...] = (
    AdminText(
        "falc-je-vote", FALC,
        # Ministère de l'Intérieur, "Je vote" guide in easy-to-read French (FALC), abridged.
        "https://www.interieur.gouv.fr/Elections/Comment-voter/Guide-du-vote-FALC",
        """Voter, c’est choisir les personnes qui vont décider pour nous.
Pour voter, il faut avoir 18 ans.
Il faut être inscrit sur les listes électorales.
Vous pouvez vous inscrire à la mairie.
Vous pouvez aussi vous inscrire sur internet.
Le jour du vote, allez au bureau de vote.
Prenez votre carte d’identité.
Prenez des bulletins de vote.
Allez dans l’isoloir.
Mettez un bulletin dans l’enveloppe.
Mettez l’enveloppe dans l’urne.
Signez la liste.
Vous avez voté.""",
    ),
    AdminText(
        "falc-defenseur-des-droits", FALC,
        # Défenseur des droits, presentation "en facile à lire et à comprendre", abridged.
        "https://www.defenseurdesdroits.fr/fr/facile-a-lire-et-a-comprendre",
        """Le Défenseur des droits vous aide.
Il aide les personnes qui ont un problème avec un service public.
Par exemple avec la CAF ou avec la mairie.
Il aide les personnes qui sont traitées moins bien que les autres.
Il aide les enfants.
Le Défenseur des droits est gratuit.
Vous pouvez lui écrire.
Vous pouvez aussi rencontrer une personne près de chez vous.
Cette personne s’appelle un délégué.
Le délégué vous écoute.
Il vous aide à trouver une solution.""",
    ),
    AdminText(
        "falc-mdph", FALC,
        # CNSA, "Mon parcours handicap", la MDPH expliquée en facile à lire et à comprendre, abridged.
        "https://www.monparcourshandicap.gouv.fr/facile-a-lire-et-a-comprendre",
        """La MDPH est la maison départementale des personnes handicapées.
Il y a une MDPH dans chaque département.
La MDPH donne des informations.
La MDPH vous aide à faire vos demandes.
Par exemple une demande d’aide pour payer des choses.
Vous remplissez un formulaire.
Vous donnez le formulaire à la MDPH.
Des personnes lisent votre demande.
Elles prennent une décision.
La MDPH vous envoie une lettre avec la réponse.""",
    ),
    AdminText(
        "service-public-carte-identite", PRACTICAL,
        # service-public.fr, "Carte d'identité d'un majeur : première demande" (F1342), abridged.
        "https://www.service-public.fr/particuliers/vosdroits/F1342",
        """Vous pouvez faire la demande de carte d’identité dans n’importe quelle mairie à condition qu’elle soit équipée d’un dispositif de recueil.
Vous devez vous présenter en personne au guichet pour le dépôt du dossier et la prise d’empreintes.
Vous pouvez faire une pré-demande en ligne, ce qui vous permet de gagner du temps lors de votre passage en mairie.
Les pièces justificatives dépendent de votre situation : lieu de naissance en France ou à l’étranger, nationalité française acquise ou non.
La carte d’identité est gratuite lorsqu’il s’agit d’une première demande.""",
    ),
    AdminText(
        "service-public-prime-activite", PRACTICAL,
        # service-public.fr, "Prime d'activité" (F2882), abridged.
        "https://www.service-public.fr/particuliers/vosdroits/F2882",
        """La prime d’activité complète les revenus d’activité professionnelle des travailleurs, salariés ou indépendants, dont les ressources sont modestes.
Elle est versée chaque mois par la caisse d’allocations familiales ou par la mutualité sociale agricole.
Pour en bénéficier, vous devez exercer une activité professionnelle et résider en France de manière stable.
Le montant de la prime dépend de la composition de votre foyer et de l’ensemble de ses ressources.
Vous devez déclarer vos ressources tous les trois mois pour continuer à percevoir la prime.""",
    ),
    AdminText(
        "impots-declaration-revenus", PRACTICAL,
        # impots.gouv.fr, "Déclarer mes revenus", particulier, abridged.
        "https://www.impots.gouv.fr/particulier/declarer-mes-revenus",
        """Vous devez déclarer chaque année l’ensemble des revenus perçus l’année précédente par les membres de votre foyer fiscal.
La déclaration en ligne est obligatoire si votre résidence principale est équipée d’un accès à internet.
Si vous n’êtes pas en mesure de déclarer en ligne, vous pouvez continuer à utiliser une déclaration papier.
Certains revenus sont déjà préremplis : vous devez vérifier ces montants et les corriger si nécessaire.
Si vous avez bénéficié de la déclaration automatique, vous n’avez aucune démarche à effectuer si les informations connues sont exactes.""",
    ),
    AdminText(
        "ameli-remboursement", PRACTICAL,
        # ameli.fr, "Le remboursement des consultations médicales", assuré, abridged.
        "https://www.ameli.fr/assure/remboursements/rembourse/consultations",
        """Pour être remboursé dans les meilleures conditions, vous devez avoir déclaré un médecin traitant et le consulter en priorité.
Le montant remboursé par l’Assurance Maladie dépend du tarif de la consultation et du secteur d’activité du médecin.
Une participation forfaitaire d’un montant de deux euros reste à votre charge pour chaque consultation.
Votre complémentaire santé peut prendre en charge tout ou partie de la somme qui n’est pas remboursée par l’Assurance Maladie.
Si vous présentez votre carte Vitale, le remboursement est effectué en cinq jours en moyenne.""",
    ),
    AdminText(
        "css-l841-1-prime-activite", LEGAL,
        # Code de la sécurité sociale, articles L. 841-1 and L. 842-1 (prime d'activité), Légifrance.
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031087615",
        """La prime d’activité a pour objet d’inciter les travailleurs aux ressources modestes, qu’ils soient salariés ou non salariés, à l’exercice ou à la reprise d’une activité professionnelle et de soutenir leur pouvoir d’achat.
Toute personne résidant en France de manière stable et effective, qui perçoit des revenus tirés d’une activité professionnelle, a droit à une prime d’activité dans les conditions définies au présent titre, sous réserve des dispositions relatives aux étudiants, aux élèves et aux apprentis dont les revenus professionnels sont inférieurs à un montant fixé par décret.""",
    ),
    AdminText(
        "crpa-l231-4-silence-vaut-rejet", LEGAL,
        # Code des relations entre le public et l'administration, article L. 231-4, Légifrance.
        "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367664",
        """Par dérogation à l’article L. 231-1, le silence gardé par l’administration pendant deux mois vaut décision de rejet :
1° Lorsque la demande ne tend pas à l’adoption d’une décision présentant le caractère d’une décision individuelle ;
2° Lorsque la demande ne s’inscrit pas dans une procédure prévue par un texte législatif ou réglementaire ou présente le caractère d’une réclamation ou d’un recours administratif ;
3° Si la demande présente un caractère financier sauf, en matière de sécurité sociale, dans les cas prévus par décret ;
4° Dans les cas, précisés par décret en Conseil d’État, où une acceptation implicite ne serait pas compatible avec le respect des engagements internationaux et européens de la France, la protection de la sécurité nationale, la protection des libertés et des principes à valeur constitutionnelle et la sauvegarde de l’ordre public.""",
    ),
    AdminText(
        "loi-2005-102-article-47", LEGAL,
        # Loi n° 2005-102 du 11 février 2005, article 47 (accessibilité des services de communication
        # au public en ligne), version en vigueur, abridged.
        "https://www.legifrance.gouv.fr/loda/article_lc/LEGIARTI000037388867",
        """Les services de communication au public en ligne des personnes mentionnées ci-après doivent être accessibles aux personnes handicapées : les personnes morales de droit public, les personnes morales de droit privé délégataires d’une mission de service public ainsi que celles créées pour satisfaire spécifiquement des besoins d’intérêt général ayant un caractère autre qu’industriel ou commercial.
L’accessibilité des services de communication au public en ligne concerne l’accès à tout type d’information sous forme numérique, quels que soient le moyen d’accès, les contenus et le mode de consultation, notamment les sites internet, intranet, extranet, les applications mobiles, les progiciels et le mobilier urbain numérique.""",
    ),
    AdminText(
        "rgpd-mention-information", LEGAL,
        # The personal-data notice of public online services (CNIL model, as on service-public.fr's
        # "Données personnelles" page), abridged.
        "https://www.cnil.fr/fr/modele/mention/formulaire-de-collecte-de-donnees-personnelles",
        """Conformément au règlement (UE) 2016/679 du Parlement européen et du Conseil du 27 avril 2016 relatif à la protection des personnes physiques à l’égard du traitement des données à caractère personnel et à la libre circulation de ces données, et à la loi n° 78-17 du 6 janvier 1978 relative à l’informatique, aux fichiers et aux libertés, vous disposez d’un droit d’accès, de rectification, d’effacement et de portabilité des données vous concernant, ainsi que d’un droit d’opposition et de limitation du traitement, que vous pouvez exercer auprès du délégué à la protection des données du ministère.""",
    ),
)
