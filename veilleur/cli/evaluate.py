"""`veilleur eval DIR`: measure the detectors on a labelled corpus (see veilleur/evaluation/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from foundation.vocabulary import count, plural
from veilleur.cli.group import probe_options, settings_from_options


@click.command("eval")
@click.argument("corpus_dir", metavar="DOSSIER", type=click.Path(path_type=Path))
@click.option("--min-precision", type=click.FloatRange(0, 1), default=0.97, show_default=True, metavar="NOMBRE",
              help="Code de sortie 1 quand la précision d’un contrôle est en dessous.")
@click.option("--min-recall", type=click.FloatRange(0, 1), default=0.97, show_default=True, metavar="NOMBRE",
              help="Code de sortie 1 quand le rappel d’un contrôle est en dessous.")
@click.option("--min-field-accuracy", type=click.FloatRange(0, 1), default=0.97, show_default=True, metavar="NOMBRE",
              help="Code de sortie 1 quand les champs étiquetés d’un contrôle (numéro de démarche, "
                   "téléphones, taux…) sont justes moins souvent.")
@click.option("--case", "cases", multiple=True, metavar="NOM", help="Seulement ce cas (répétable).")
@click.option("--json", "as_json", is_flag=True, help="Écrit les chiffres en un objet JSON.")
@probe_options
def eval_command(corpus_dir: Path, min_precision: float, min_recall: float, min_field_accuracy: float,
                 cases: tuple[str, ...], as_json: bool, page_timeout, concurrency, max_pages) -> None:
    """Mesure l’exactitude des contrôles sur un corpus étiqueté : sert chaque cas sur 127.0.0.1,
    le visite avec le vrai navigateur et affiche, par contrôle, la table de confusion, la précision
    et le rappel. Code de sortie 1 sous les seuils."""
    from veilleur.evaluation.corpus import load_corpus
    from veilleur.evaluation.measure import Thresholds, render_json, render_text, run_evaluation

    corpus = load_corpus(corpus_dir, list(cases))
    if corpus.unlabelled:
        click.echo(f"remarque : {count(len(corpus.unlabelled), 'dossier sans étiquette', 'dossiers sans étiquette')}, "
                   f"non {plural(len(corpus.unlabelled), 'noté', 'notés')} : {', '.join(corpus.unlabelled)}", err=True)
    thresholds = Thresholds(precision=min_precision, recall=min_recall, field_accuracy=min_field_accuracy)
    evaluation = run_evaluation(corpus, settings_from_options(page_timeout, concurrency, max_pages), thresholds)
    if as_json:
        click.echo(json.dumps(render_json(evaluation), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(evaluation))
    sys.exit(0 if evaluation.passed else 1)


COMMANDS = [eval_command]
