"""The observatory's grid: every indicator's boundaries give the level, the label shown and the colour
the observatory's own table gives (../shared/OBSERVATORY.md), written out here by hand."""

from __future__ import annotations

import pytest

from foundation.grid import GRID, GRID_INDICATORS, MIN_REVIEWS, Colour

G, Y, R, B, GREY = Colour.GREEN, Colour.YELLOW, Colour.RED, Colour.BLUE, Colour.GREY

# (slug, figure, reviews) → (label of the level, what is shown, colour)
SCALES = [
    # Satisfaction, clarté du langage, aide efficace: out of 10, from 8 green, from 5 yellow
    *[(slug, figure, 250, expected) for slug in ("satisfaction", "simplicity", "help_efficient")
      for figure, expected in (
          (10.0, ("Très bien", "10 / 10", G)), (8.0, ("Très bien", "8 / 10", G)),
          (8.01, ("Très bien", "8 / 10", G)), (7.99, ("Insuffisant", "7,9 / 10", Y)),
          (5.0, ("Insuffisant", "5 / 10", Y)), (5.01, ("Insuffisant", "5 / 10", Y)),
          (4.99, ("Critique", "4,9 / 10", R)), (0.0, ("Critique", "0 / 10", R)),
          (None, ("À venir", "À venir", GREY)))],
    # Handicap: the published rate, 100 % Oui, from 50 % Partiel
    ("handicap", 100.0, None, ("Oui", "Oui", G)), ("handicap", 99.99, None, ("Partiel", "Partiel", Y)),
    ("handicap", 50.0, None, ("Partiel", "Partiel", Y)), ("handicap", 50.01, None, ("Partiel", "Partiel", Y)),
    ("handicap", 49.99, None, ("Non", "Non", R)), ("handicap", 0.0, None, ("Non", "Non", R)),
    ("handicap", None, None, ("À venir", "À venir", GREY)),
    # DLNUF: 0–1 Optimal, 2–4 Partiel, from 5 Faible
    ("dlnuf", 0, None, ("Optimal", "Optimal", G)), ("dlnuf", 1, None, ("Optimal", "Optimal", G)),
    ("dlnuf", 1.99, None, ("Optimal", "Optimal", G)), ("dlnuf", 2, None, ("Partiel", "Partiel", Y)),
    ("dlnuf", 4, None, ("Partiel", "Partiel", Y)), ("dlnuf", 4.99, None, ("Partiel", "Partiel", Y)),
    ("dlnuf", 5, None, ("Faible", "Faible", R)), ("dlnuf", 12, None, ("Faible", "Faible", R)),
    ("dlnuf", None, None, ("À venir", "À venir", GREY)),
    # Usage and autonomy: the rate itself, grey
    ("usage", 87.0, None, ("Taux", "87 %", GREY)), ("usage", 0.0, None, ("Taux", "0 %", GREY)),
    ("usage", 99.95, None, ("Taux", "99,9 %", GREY)), ("usage", None, None, ("À venir", "À venir", GREY)),
    ("help_used", 42.5, 150, ("Taux", "42,5 %", GREY)), ("help_used", None, None, ("À venir", "À venir", GREY)),
    # Aide joignable: from 85 % green, from 70 % yellow
    ("help_reachable", 100.0, 150, ("Optimal", "100 %", G)), ("help_reachable", 85.0, 150, ("Optimal", "85 %", G)),
    ("help_reachable", 84.99, 150, ("Partiel", "84,9 %", Y)), ("help_reachable", 70.0, 150, ("Partiel", "70 %", Y)),
    ("help_reachable", 70.01, 150, ("Partiel", "70 %", Y)), ("help_reachable", 69.99, 150, ("Faible", "69,9 %", R)),
    ("help_reachable", None, None, ("À venir", "À venir", GREY)),
    # Disponibilité: from 99.9 % Optimal, from 98.5 % Partiel
    ("uptime", 100.0, None, ("Optimal", "Optimal", G)), ("uptime", 99.9, None, ("Optimal", "Optimal", G)),
    ("uptime", 99.91, None, ("Optimal", "Optimal", G)), ("uptime", 99.89, None, ("Partiel", "Partiel", Y)),
    ("uptime", 98.5, None, ("Partiel", "Partiel", Y)), ("uptime", 98.49, None, ("Faible", "Faible", R)),
    ("uptime", 0.0, None, ("Faible", "Faible", R)), ("uptime", None, None, ("À venir", "À venir", GREY)),
    # Temps de chargement: under 400 ms Optimal, 400 to under 800 ms Partiel, from 800 ms Faible
    ("performance", 0.0, None, ("Optimal", "Optimal", G)), ("performance", 399.9, None, ("Optimal", "Optimal", G)),
    ("performance", 400.0, None, ("Partiel", "Partiel", Y)), ("performance", 400.1, None, ("Partiel", "Partiel", Y)),
    ("performance", 799.9, None, ("Partiel", "Partiel", Y)), ("performance", 800.0, None, ("Faible", "Faible", R)),
    ("performance", 800.1, None, ("Faible", "Faible", R)), ("performance", None, None, ("À venir", "À venir", GREY)),
]


@pytest.mark.parametrize("slug, figure, reviews, expected", SCALES)
def test_each_threshold_and_either_side_of_it_gives_the_observatorys_level(slug, figure, reviews, expected):
    indicator = GRID[slug]
    level = indicator.level(figure, reviews)
    assert (level.label, indicator.shown(level, figure), level.colour) == expected


JDMA = ("satisfaction", "simplicity", "help_reachable", "help_efficient", "help_used")


@pytest.mark.parametrize("slug", JDMA)
def test_jedonnemonavis_figures_show_only_from_100_reviews(slug):
    indicator = GRID[slug]
    for reviews in (0, 1, 99):
        level = indicator.level(9.0, reviews)
        assert (level.label, indicator.shown(level, 9.0), level.colour) == (
            "Nombre d'avis insuffisant", "Nombre d'avis insuffisant", GREY)
    assert indicator.level(9.0, MIN_REVIEWS).label != "Nombre d'avis insuffisant"


@pytest.mark.parametrize("slug", ["uptime", "performance", "handicap", "dlnuf", "usage"])
def test_reviews_do_not_matter_outside_jedonnemonavis(slug):
    assert GRID[slug].level(1.0, 3) == GRID[slug].level(1.0, None)


@pytest.mark.parametrize("slug, label, expected", [
    ("online", "Oui", ("Oui", G, True)), ("online", "En cours de déploiement local", ("En cours de déploiement local", G, True)),
    ("online", "Partiel", ("Partiel", Y, False)), ("online", "non", ("Non", R, False)),
    ("online", "Démarche proactive", ("Démarche proactive", B, True)), ("online", None, ("À venir", GREY, False)),
    ("auth", "FranceConnect", ("FranceConnect", B, True)), ("auth", "FranceConnect +", ("FranceConnect +", B, True)),
    ("auth", "Non", ("Non", R, False)), ("auth", "Non applicable", ("Non applicable", GREY, False)),
    ("auth", "", ("À venir", GREY, False)), ("dlnuf", "Non applicable", ("Non applicable", GREY, False)),
])
def test_labelled_indicators_are_matched_on_the_observatorys_label(slug, label, expected):
    level = GRID[slug].labelled(label)
    assert (level.label, level.colour, GRID[slug].goal_reached(level)) == expected


def test_the_grid_holds_the_observatorys_twelve_indicators_with_their_labels_and_grist_columns():
    assert [(g.slug, g.label, g.grist) for g in GRID_INDICATORS] == [
        ("online", "Réalisable en ligne", "Statut_En_ligne"),
        ("satisfaction", "Satisfaction Usagers", "Note_Satisfaction"),
        ("handicap", "Prise en compte du handicap", "Taux_RGAA_Publie"),
        ("dlnuf", "Dites-le-nous une fois", "Score_DLNUF"),
        ("usage", "Taux d'utilisation de la version numérique", "Recours_au_Numerique"),
        ("simplicity", "Clarté du langage", "Note_Clarte_Langage"),
        ("help_reachable", "Aide joignable", "Aide_Joignable"),
        ("help_efficient", "Aide efficace", "Aide_Efficace"),
        ("help_used", "Niveau d'autonomie", "Niveau_Autonomie"),
        ("uptime", "Disponibilité du service", "Dashlord_UpDown_Dispo"),
        ("performance", "Temps de chargement des pages", "Dashlord_UpDown_Tps_Moy_Chargement"),
        ("auth", "Authentification", "FranceConnect"),
    ]
    # Percent columns hold 0–1 in the Grist document
    assert {g.grist for g in GRID_INDICATORS if g.percent} == {
        "Recours_au_Numerique", "Taux_RGAA_Publie", "Dashlord_UpDown_Dispo", "Niveau_Autonomie", "Aide_Joignable"}


def test_colours_are_drawn_with_the_dsfr_badges_yellow_not_orange():
    assert [c.dsfr for c in (G, Y, R, B, GREY)] == ["success", "warning", "error", "info", "new"]
