"""The command's rough edges (issue 16), as a user meets them: a bad `--out` or `--campaign` of
`veilleur report` is one line naming it, `veilleur` alone shows its help, quarters are written one
way in the help, and `veilleur run` shows its pace, what is left, and each check's figure."""

from __future__ import annotations

import io
import os

import click
import pytest
from click.testing import CliRunner
from rich.console import Console
from rich.progress import Progress, TaskProgressColumn, TimeRemainingColumn

from campaign.executor import CampaignSummary, UnitResult
from checks.accessibility import AccessibilityFinding
from checks.readability import ReadabilityFinding
from storage.db import open_database
from storage.schema import Campaign
from veilleur.campaign_console import ServicesPerMinuteColumn, finding_cell, print_summary, progress_columns
from veilleur.cli import cli


def _one_error_line(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("veilleur : erreur : ")
    for word in words:
        assert word in line
    return line


# ---- veilleur report --out, --campaign


def test_report_to_an_existing_file_is_one_line_naming_it_and_the_file_is_untouched(env_data_dir, tmp_path):
    taken = tmp_path / "rapport.html"
    taken.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "--out", str(taken)])
    _one_error_line(result, f"--out « {taken} »", "n’est pas un dossier")
    assert taken.read_text(encoding="utf-8") == "mine"


def test_report_to_a_path_that_cannot_be_made_is_one_line_naming_it(env_data_dir, tmp_path):
    (tmp_path / "fichier").write_text("", encoding="utf-8")
    below_a_file = tmp_path / "fichier" / "rapport"
    result = CliRunner().invoke(cli, ["report", "--out", str(below_a_file)])
    _one_error_line(result, f"--out « {below_a_file} »", "impossible d’écrire", "Not a directory")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes in a read-only folder")
def test_report_to_a_read_only_folder_is_one_line_naming_it(env_data_dir, tmp_path):
    locked = tmp_path / "verrouille"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = CliRunner().invoke(cli, ["report", "--out", str(locked / "rapport")])
    finally:
        locked.chmod(0o700)
    _one_error_line(result, f"--out « {locked / 'rapport'} »", "impossible d’écrire", "Permission denied")


def test_report_failing_to_write_inside_out_names_the_file(env_data_dir, tmp_path, monkeypatch):
    # A folder writable at first whose files cannot be written (a full disk, someone else's file):
    # the same one line, naming the file.
    import reports.site.html_report

    out = tmp_path / "rapport"

    def refused(session, store, out_dir, campaign_id=None):
        raise PermissionError(13, "Permission denied", str(out_dir / "index.html"))

    monkeypatch.setattr(reports.site.html_report, "write_report", refused)
    result = CliRunner().invoke(cli, ["report", "--out", str(out)])
    _one_error_line(result, f"--out « {out} »", f"impossible d’écrire « {out / 'index.html'} »", "Permission denied")


def test_report_of_a_campaign_that_does_not_exist_is_an_error_naming_it(env_data_dir, tmp_path):
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "rapport"), "--campaign", "999"])
    _one_error_line(result, "--campaign 999 : aucune campagne de ce numéro")
    assert not (tmp_path / "rapport").exists()  # nothing written


def test_report_of_an_availability_check_is_an_error_and_of_a_full_campaign_is_written(env_data_dir, tmp_path):
    CliRunner().invoke(cli, ["registry", "list"])  # creates the database
    db = open_database(f"sqlite:///{env_data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        availability, full = Campaign(kind="availability"), Campaign(kind="full")
        session.add_all([availability, full])
        session.commit()
        availability_id, full_id = availability.id, full.id
    db.close()
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "a"), "--campaign", str(availability_id)])
    _one_error_line(result, f"--campaign {availability_id} : une vérification de disponibilité", "rien à mettre au rapport")
    written = CliRunner().invoke(cli, ["report", "--out", str(tmp_path / "b"), "--campaign", str(full_id)])
    assert written.exit_code == 0, written.output
    assert (tmp_path / "b" / "index.html").exists()


# ---- veilleur alone


@pytest.mark.parametrize("args, words", [([], "Commandes — campagnes :"), (["mail"], "Utilisation : veilleur mail")])
def test_a_group_without_its_command_shows_its_help_and_exits_0(args, words):
    result = CliRunner().invoke(cli, args, prog_name="veilleur")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith("Utilisation : veilleur") and words in result.stdout
    assert "erreur" not in result.stdout


def test_a_wrong_command_is_still_one_error_line():
    _one_error_line(CliRunner().invoke(cli, ["nimporte"]), "commande inconnue : nimporte")


# ---- quarters in the help


def _options(command: click.Command, path: str = "veilleur"):
    for param in command.params:
        if isinstance(param, click.Option):
            yield path, param
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):  # `veilleur` loads its commands when asked for them
            yield from _options(command.get_command(ctx, name), f"{path} {name}")


def test_every_quarter_option_is_written_the_same_way_in_the_help():
    quarters = [(path, option) for path, option in _options(cli) if "--quarter" in option.opts]
    assert {path for path, _ in quarters} >= {"veilleur export", "veilleur evidence export"}
    assert {path: option.metavar for path, option in quarters} == {path: "2026Q4" for path, _ in quarters}
    help_text = CliRunner().invoke(cli, ["evidence", "export", "--help"]).stdout
    assert "--quarter 2026Q4" in help_text and "YYYY" not in help_text


# ---- veilleur run: the progress bar and the summary


def test_the_progress_bar_shows_the_share_done_the_time_left_and_the_pace_in_services_per_minute():
    columns = progress_columns()
    assert any(isinstance(c, TaskProgressColumn) for c in columns)
    assert any(isinstance(c, TimeRemainingColumn) for c in columns)
    pace = next(c for c in columns if isinstance(c, ServicesPerMinuteColumn))
    now = [0.0]
    progress = Progress(*columns, console=Console(file=io.StringIO()), get_time=lambda: now[0])
    task = progress.add_task("services", total=10, last="")
    assert pace.render(progress.tasks[0]).plain == "– démarches/min"  # nothing done yet
    for now[0] in (30.0, 60.0):
        progress.update(task, advance=1)
    assert pace.render(progress.tasks[0]).plain == "2 démarches/min"  # one every 30 s


def _result(service_id: str, **findings) -> UnitResult:
    return UnitResult(service_id=service_id, ok=True, error_class=None, pages=1, seconds=1.0, stored=True,
                      statuses={check: f.status for check, f in findings.items()},
                      headlines={check: f.headline() for check, f in findings.items() if f.headline()})


def test_the_summary_shows_each_checks_figure_beside_its_status(capsys):
    measured = _result("mesure", accessibility=AccessibilityFinding(status="measured", violations=3),
                       readability=ReadabilityFinding(status="measured", score=8.7))
    unknown = _result("inconnu", accessibility=AccessibilityFinding(status="unknown"),
                      readability=ReadabilityFinding(status="unknown"))
    assert finding_cell(measured, "accessibility") == "mesuré (3 violations)"
    assert finding_cell(measured, "readability") == "mesuré (8,7/10)"
    assert finding_cell(unknown, "accessibility") == "indéterminé"
    assert finding_cell(unknown, "franceconnect") == ""

    print_summary(CampaignSummary(campaign_id=7, results=[measured, unknown], seconds=2.0))
    table = capsys.readouterr().out
    assert "mesuré (3 violations)" in table and "mesuré (8,7/10)" in table
