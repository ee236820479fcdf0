"""The reader's guide to the observatory's grid, in French, written from the grid's data (foundation/grid.py) for docs/indicators.md."""

from __future__ import annotations

from foundation import formatting
from foundation.grid import ALL_LEVELS, GRID_INDICATORS, MIN_REVIEWS, GridIndicator, Step

COLOUR_WORDS = {"green": "vert", "yellow": "jaune", "red": "rouge", "blue": "bleu", "grey": "gris"}
TONE_WORDS = {"good": "bon", "medium": "moyen", "bad": "mauvais", "neutral": "neutre", "unknown": "sans jugement"}
BEGIN = "<!-- grille : début (écrit par reports/observatory/grid_guide.py, ne pas modifier à la main) -->"
END = "<!-- grille : fin -->"


def _threshold(indicator: GridIndicator, step: Step) -> str:
    if step.threshold is None:
        return ""
    value = step.threshold
    if indicator.slug == "performance":
        text = formatting.duration(value)
    elif indicator.percent:
        text = formatting.grid_percent(value)
    else:
        text = formatting.number(value, 1)
    return f"à partir de {text}"


def _step(indicator: GridIndicator, step: Step) -> str:
    parts = [f"« {step.level.label} »", COLOUR_WORDS[step.level.colour.value]]
    threshold = _threshold(indicator, step)
    if threshold:
        parts.append(threshold)
    if step.goal:
        parts.append("objectif atteint")
    return " ".join(parts[:1]) + " (" + ", ".join(parts[1:]) + ")"


def _others(indicator: GridIndicator) -> str:
    said = []
    if not indicator.steps:
        said.append("le taux lui-même, en gris (« 87 % »)")
    if indicator.figure == "score":
        said.append("affiché « 8,4 / 10 »")
    elif indicator.figure == "percent" and indicator.steps:
        said.append("affiché « 87 % »")
    if indicator.jdma:
        said.append(f"« Nombre d'avis insuffisant » sous {MIN_REVIEWS} avis")
    if indicator.not_applicable:
        said.append("« Non applicable »")
    said.append(f"« {indicator.no_figure.label} » sans chiffre")
    return " ; ".join(said)


def guide() -> str:
    """The section of docs/indicators.md that describes the grid, between its two markers."""
    lines = [
        BEGIN,
        "",
        "Un chiffre reçoit le niveau du **seuil le plus haut qui lui est inférieur ou égal** (les bornes",
        "sont incluses par le bas : 8 est « Très bien », 99,9 % est « Optimal », 400 ms est déjà",
        "« Partiel »). Les pourcentages valent de 0 à 1 dans le document Grist de l'observatoire et",
        "s'affichent multipliés par 100, avec une décimale (« 99,5 % »).",
        "",
        "| indicateur | identifiant (Veilleur) | colonne Grist | niveaux | autres affichages |",
        "|---|---|---|---|---|",
    ]
    for g in GRID_INDICATORS:
        steps = ", ".join(_step(g, s) for s in g.steps) or "—"
        lines.append(f"| {g.label} | `{g.slug}` (`{g.key}`) | `{g.grist}` | {steps} | {_others(g)} |")
    lines += [
        "",
        "### Codes des niveaux",
        "",
        "| code | libellé | couleur | ton |",
        "|---|---|---|---|",
    ]
    for level in ALL_LEVELS:
        lines.append(f"| `{level.code}` | {level.label} | {COLOUR_WORDS[level.colour.value]} | "
                     f"{TONE_WORDS[level.tone.value]} |")
    lines += ["", END]
    return "\n".join(lines)


def replaced(document: str) -> str:
    """`document` with its grid section written anew from the grid."""
    start, end = document.index(BEGIN), document.index(END) + len(END)
    return document[:start] + guide() + document[end:]


if __name__ == "__main__":
    import pathlib
    import sys

    path = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "docs/indicators.md")
    path.write_text(replaced(path.read_text(encoding="utf-8")), encoding="utf-8")
