"""A démarche's JeDonneMonAvis export gives the observatory's five JDMA indicators over 12 rolling
months, with the observatory's weights, and shows none of them under 100 reviews."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest

from foundation.errors import InputError
from storage.jdma_indicators import jdma_figures, read_reviews

HEADER = ["Review ID", "Review Created At", "De façon générale, comment ça s'est passé ?",
          "Qu'avez-vous pensé des informations et des instructions fournies ?",
          "Durant votre parcours, avez-vous tenté d’obtenir de l’aide par l’un des moyens suivants ?",
          "Au guichet avec l’administration", "Par téléphone avec l’administration",
          "Par e-mail avec l’administration", "Par chat avec l’administration",
          "Au guichet", "Par téléphone", "Par e-mail", "Par chat", "Souhaitez-vous nous en dire plus ?"]
END = datetime(2026, 12, 1, tzinfo=timezone.utc)


def review(when: datetime, satisfaction: str, clarity: str = "", tried: str = "", guichet_reached: str = "",
           phone_reached: str = "", guichet_quality: str = "", phone_quality: str = "") -> dict[str, str]:
    return {"Review Created At": when.strftime("%Y-%m-%d %H:%M:%S"), HEADER[2]: satisfaction, HEADER[3]: clarity,
            HEADER[4]: tried, HEADER[5]: guichet_reached, HEADER[6]: phone_reached, HEADER[9]: guichet_quality,
            HEADER[10]: phone_quality}


def write(path, reviews: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, HEADER, restval="")
        writer.writeheader()
        for number, row in enumerate(reviews, 1):
            writer.writerow({"Review ID": f"r{number}", **row})


def three_hundred_reviews() -> list[dict[str, str]]:
    """300 reviews from January to November 2026, and 51 outside the 12 months."""
    day = lambda n: datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(hours=23 * n)  # noqa: E731
    satisfaction = ["Très bien"] * 180 + ["Moyen"] * 90 + ["Pas bien"] * 30
    clarity = ["5"] * 100 + ["4"] * 50 + ["1"] * 50 + [""] * 100
    rows = []
    for n in range(300):
        fields = dict(when=day(n), satisfaction=satisfaction[n], clarity=clarity[n])
        if n < 30:
            fields["tried"] = "Je n'ai pas eu besoin d'aide"
        elif n < 120:
            fields["tried"] = "Par téléphone avec l’administration, Autres, précisez"
            k = n - 30  # 90 who sought help
            if k < 71:  # reached by phone: 36 rate it Excellente, 35 Bonne
                fields.update(phone_reached="Oui", phone_quality="Excellente" if k < 36 else "Bonne")
            elif k == 71:  # not at the counter, but by phone: reached; its two ratings averaged (6,25)
                fields.update(guichet_reached="Non", phone_reached="Oui", guichet_quality="Mauvaise",
                              phone_quality="Excellente")
            else:
                fields.update(phone_reached="Non")
        rows.append(review(**fields))
    before = [review(datetime(2025, 11, 30, 23, 59, tzinfo=timezone.utc), "Pas bien", "1")] * 50
    after = [review(END, "Pas bien", "1")]
    return before + rows + after


def test_a_few_hundred_reviews_give_the_five_indicators_with_the_observatorys_weights(tmp_path):
    path = tmp_path / "export-avis.csv"
    write(path, three_hundred_reviews())
    figures = jdma_figures(read_reviews(path), END)
    assert (figures.start, figures.reviews) == (datetime(2025, 12, 1, tzinfo=timezone.utc), 300)
    got = {f.slug: (f.value, f.answers, f.level.label, f.shown, f.level.colour.value) for f in figures.figures}
    assert got == {
        # (180 × 10 + 90 × 5 + 30 × 0) / 300
        "satisfaction": (7.5, 300, "Insuffisant", "7,5 / 10", "yellow"),
        # (100 × 10 + 50 × 7,5 + 50 × 0) / 200 = 6,875, published 6,87
        "simplicity": (6.87, 200, "Insuffisant", "6,8 / 10", "yellow"),
        # 72 of the 90 who answered reached the administration: 80 %
        "help_reachable": (80.0, 90, "Partiel", "80 %", "yellow"),
        # (36 × 10 + 35 × 7,5 + 6,25) / 72 = 8,7326…, published 8,73
        "help_efficient": (8.73, 72, "Très bien", "8,7 / 10", "green"),
        # 90 of the 120 who answered sought help: 75 %
        "help_used": (75.0, 120, "Taux", "75 %", "grey"),
    }


def test_99_reviews_show_nombre_davis_insuffisant_on_every_jdma_indicator(tmp_path):
    path = tmp_path / "export-avis.csv"
    write(path, [review(datetime(2026, 6, 1, tzinfo=timezone.utc), "Très bien", "5", "Par chat avec l’administration",
                        phone_reached="Oui", phone_quality="Excellente")] * 99)
    figures = jdma_figures(read_reviews(path), END)
    assert {f.shown for f in figures.figures} == {"Nombre d'avis insuffisant"}
    write(path, [review(datetime(2026, 6, 1, tzinfo=timezone.utc), "Très bien", "5", "Par chat avec l’administration",
                        phone_reached="Oui", phone_quality="Excellente")] * 100)
    assert [f.shown for f in jdma_figures(read_reviews(path), END).figures] == [
        "10 / 10", "10 / 10", "100 %", "10 / 10", "100 %"]


def test_a_wrong_answer_is_refused_naming_the_file_row_and_column(tmp_path):
    path = tmp_path / "export-avis.csv"
    write(path, [review(END - timedelta(days=3), "Très bien", "7")])
    with pytest.raises(InputError) as raised:
        read_reviews(path)
    message = str(raised.value)
    assert str(path) in message and "ligne 2" in message and "Qu'avez-vous pensé des informations" in message
    assert "réponse inconnue '7' (attendu : une note de 1 à 5)" in message


def test_importing_the_export_shows_the_four_other_jdma_indicators_for_each_quarter_it_covers(db, tmp_path):
    from foundation.quarters import Quarter
    from reports.observatory.indicators import quarter_indicators
    from storage.satisfaction_import import import_satisfaction
    from tests.reports.observatory.test_indicators_imports import registry

    registry(db)  # carte-grise's button names démarche 4567
    path = tmp_path / "export-avis.csv"
    write(path, three_hundred_reviews())
    with db.sessions() as session:
        import_satisfaction(session, path, demarche_id="4567")
    with db.sessions() as session:
        q4 = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2026Q4"))}["carte-grise"]
        q4_2025 = {s.service_id: s for s in quarter_indicators(session, Quarter.parse("2025Q4"))}["carte-grise"]
    # 2026Q4 looks at 2026: the 300 reviews and the one of 1 December (clarity 1): (1000 + 375) / 201
    got = {key: (q4.get(key).value, q4.get(key).count, q4.get(key).shown)
           for key in ("simplicity", "help_reachable", "help_efficient", "help_used")}
    assert got == {"simplicity": (6.84, 301, "6,8 / 10"), "help_reachable": (80.0, 301, "80 %"),
                   "help_efficient": (8.73, 301, "8,7 / 10"), "help_used": (75.0, 301, "75 %")}
    assert q4.get("simplicity").evidence.imports == (
        "export-avis.csv: 301 avis du 2026-01-01 au 2027-01-01 (exclu), 201 réponses",)
    # 2025Q4 looks at the 50 reviews of 30 November 2025 only
    assert {q4_2025.get(key).shown for key in ("simplicity", "help_reachable", "help_efficient", "help_used")} == {
        "Nombre d'avis insuffisant"}


def test_the_plain_language_objective_reads_the_jdma_clarity_not_the_readability_formula(db, tmp_path):
    from datetime import date

    from reports.observatory.objectives import objectives_at
    from storage.satisfaction_import import import_satisfaction
    from tests.reports.observatory.test_indicators_imports import registry

    registry(db)  # carte-grise's visit measured a readability of 8.5 ("Bon") with the formula
    path = tmp_path / "export-avis.csv"
    write(path, three_hundred_reviews())
    with db.sessions() as session:
        import_satisfaction(session, path, demarche_id="4567")
        report = objectives_at(session, date(2026, 12, 15))
    plain = next(s for s in report.statuses if s.objective.key == "plain_language")
    # Its users rate the clarity 6,84 / 10: the objective of 8 / 10 is missed, whatever the formula says.
    assert {m.service_id: m.reason for m in plain.missing}["carte-grise"] == "6,8 / 10 (301 avis)"
