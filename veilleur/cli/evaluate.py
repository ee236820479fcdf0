"""`veilleur eval DIR`: measure the detectors on a labelled corpus (see veilleur/evaluation/)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from veilleur.cli.group import probe_options, settings_from_options


@click.command("eval")
@click.argument("corpus_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--min-precision", type=click.FloatRange(0, 1), default=0.97, show_default=True,
              help="Exit 1 when any check's precision is below this.")
@click.option("--min-recall", type=click.FloatRange(0, 1), default=0.97, show_default=True,
              help="Exit 1 when any check's recall is below this.")
@click.option("--min-field-accuracy", type=click.FloatRange(0, 1), default=0.97, show_default=True,
              help="Exit 1 when any check's labelled fields (démarche id, phones, rate…) match less often.")
@click.option("--case", "cases", multiple=True, metavar="NAME", help="Only this case (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as one JSON object.")
@probe_options
def eval_command(corpus_dir: Path, min_precision: float, min_recall: float, min_field_accuracy: float,
                 cases: tuple[str, ...], as_json: bool, page_timeout, concurrency, max_pages) -> None:
    """Serve a labelled corpus on 127.0.0.1, probe every case with the real browser and print, per
    check, the confusion table with precision and recall. Exit 1 below the thresholds."""
    from veilleur.evaluation.corpus import load_corpus
    from veilleur.evaluation.measure import Thresholds, render_json, render_text, run_evaluation

    corpus = load_corpus(corpus_dir, list(cases))
    if corpus.unlabelled:
        click.echo(f"note: {len(corpus.unlabelled)} folder(s) without labels, not scored: "
                   f"{', '.join(corpus.unlabelled)}", err=True)
    thresholds = Thresholds(precision=min_precision, recall=min_recall, field_accuracy=min_field_accuracy)
    evaluation = run_evaluation(corpus, settings_from_options(page_timeout, concurrency, max_pages), thresholds)
    if as_json:
        click.echo(json.dumps(render_json(evaluation), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(evaluation))
    sys.exit(0 if evaluation.passed else 1)


COMMANDS = [eval_command]
