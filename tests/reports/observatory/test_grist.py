"""The observatory's Grist document in and out: its export of 20 démarches imports as declarations,
and `veilleur export --format grist` writes the same columns with the same values back."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

from foundation.grid import GRID_INDICATORS
from reports.observatory.grist import COLUMNS

ONLINE = ["Oui", "Partiel", "Non", "En cours de déploiement local", "Démarche proactive"]


def veilleur(*args):
    return subprocess.run([sys.executable, "-m", "veilleur.cli", *args], env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)


def grist_export() -> list[dict[str, str]]:
    """20 démarches as the Grist document exports them: identity, then the indicators, the
    declared ones filled (percentages 0–1), the ones Veilleur measures left empty."""
    rows = []
    for n in range(20):
        row = dict.fromkeys(COLUMNS, "")
        row.update({
            "Ref_Edition": "2026Q4", "Ref_Demarche": f"demarche-{n:02d}", "Nom_Demarche": f"Service demarche-{n:02d}",
            "URL_Demarche": f"https://demarche-{n:02d}.example/", "Nom_Ministere": "Ministère de l’Intérieur",
            "Nom_Administration": f"Administration {n % 3}", "Volumetrie_En_Ligne": str(1000 * (n + 1)),
            "Dashlord_ID_JDMA": str(4000 + n),
            "Statut_En_ligne": ONLINE[n % 5], "Score_DLNUF": str(n % 7) if n % 4 else "",
            "Recours_au_Numerique": ["0.925", "0.5", "1", "0", "0.1234"][n % 5],
        })
        rows.append(row)
    return rows


def test_a_grist_export_of_20_demarches_goes_in_and_comes_out_with_the_same_columns_and_values(env_data_dir, tmp_path):
    source = tmp_path / "observatoire.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(grist_export())

    # The same file makes the registry (its services, their ministry named without an id) ...
    registered = veilleur("registry", "import", str(source))
    assert registered.returncode == 0, registered.stderr
    # ... and gives the declared indicators.
    imported = veilleur("import", "declared", str(source))
    assert imported.returncode == 0, imported.stderr
    exported = veilleur("export", "--format", "grist", "--quarter", "2026Q4")
    assert exported.returncode == 0, exported.stderr

    reader = csv.DictReader(io.StringIO(exported.stdout))
    assert tuple(reader.fieldnames) == COLUMNS
    back = {row["Ref_Demarche"]: row for row in reader}
    assert len(back) == 20
    for row in grist_export():
        out = back[row["Ref_Demarche"]]
        # Nothing was probed: Veilleur's measured columns are empty, the rest comes back as it went in.
        kept = {k: v for k, v in row.items() if k not in ("Nom_Administration_Centrale", "Ajout_Bouton_JDMA")}
        assert {k: out[k] for k in kept} == kept, row["Ref_Demarche"]


def test_the_grist_columns_are_the_observatorys_in_its_order():
    assert COLUMNS[:10] == ("Ref_Edition", "Ref_Demarche", "Nom_Demarche", "URL_Demarche", "Nom_Ministere",
                            "Nom_Administration", "Nom_Administration_Centrale", "Volumetrie_En_Ligne",
                            "Dashlord_ID_JDMA", "Ajout_Bouton_JDMA")
    assert set(COLUMNS[10:]) == {g.grist for g in GRID_INDICATORS}


def test_a_registry_csv_with_french_headers_is_imported(env_data_dir, tmp_path):
    registry = tmp_path / "registre.csv"
    registry.write_text(
        "Identifiant;Nom de la démarche;Ministère;Nom du ministère;URL;Administration;Volume annuel\n"
        "carte-grise;Immatriculer un véhicule;interieur;Ministère de l’Intérieur;https://carte-grise.example/;ANTS;12000\n",
        encoding="utf-8")
    done = veilleur("registry", "import", str(registry))
    assert done.returncode == 0, done.stderr
    exported = veilleur("export", "--format", "grist", "--quarter", "2026Q4")
    row = next(csv.DictReader(io.StringIO(exported.stdout)))
    assert (row["Ref_Demarche"], row["Nom_Demarche"], row["Nom_Ministere"], row["URL_Demarche"],
            row["Nom_Administration"], row["Volumetrie_En_Ligne"]) == (
        "carte-grise", "Immatriculer un véhicule", "Ministère de l’Intérieur", "https://carte-grise.example/", "ANTS",
        "12000")


def xlsx(path, rows: list[dict[str, str]]) -> None:
    """The rows as Grist's Excel export writes them: one sheet, text cells and number cells."""
    import zipfile
    from xml.sax.saxutils import escape

    def column(i: int) -> str:
        letters = ""
        i += 1
        while i:
            i, rest = divmod(i - 1, 26)
            letters = chr(65 + rest) + letters
        return letters

    def cell(ref: str, value: str) -> str:
        try:
            float(value)
            return f'<c r="{ref}"><v>{value}</v></c>'
        except ValueError:
            return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    lines = [list(COLUMNS)] + [[row[c] for c in COLUMNS] for row in rows]
    sheet = "".join(f'<row r="{n}">' + "".join(cell(f"{column(i)}{n}", v) for i, v in enumerate(values) if v != "")
                    + "</row>" for n, values in enumerate(lines, 1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                      'package/2006/content-types"/>')
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                      '<sheet name="Demarches" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                      '2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
                      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
                      '</Relationships>')
        book.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>')


def test_the_grist_export_as_an_excel_workbook_goes_in_and_out_the_same(env_data_dir, tmp_path):
    source = tmp_path / "observatoire.xlsx"
    xlsx(source, grist_export())
    for command in (("registry", "import", str(source)), ("import", "declared", str(source))):
        done = veilleur(*command)
        assert done.returncode == 0, done.stderr
    exported = veilleur("export", "--format", "grist", "--quarter", "2026Q4")
    back = {row["Ref_Demarche"]: row for row in csv.DictReader(io.StringIO(exported.stdout))}
    for row in grist_export():
        kept = {k: v for k, v in row.items() if k not in ("Nom_Administration_Centrale", "Ajout_Bouton_JDMA")}
        assert {k: back[row["Ref_Demarche"]][k] for k in kept} == kept, row["Ref_Demarche"]
