"""One truth: every figure Veilleur publishes reads the same wherever one looks — the static report
(`veilleur report`: indicators table, each service's page, objectives, progression), the dashboard
(overview, ministry, service, objectives), the JSON API, the exports (`veilleur export`, CSV and
JSON), `veilleur objectives` and the alert e-mails. The displayed strings are read back from each
page and compared; the machine-readable numbers are the displayed ones (8,7/10 on a page is 8.7
in the CSV).

The data are built through the real storage and import code (tests/support/indicator_data.py), with
figures chosen to fall into the traps seen before: a readability of 8.7 (a float just below 8.7,
once shown "8,69/10"), a satisfaction of 8.9583 and one of 7.99, an uptime of 2 visits out of 3,
a mean load time between two loads. The previous quarter has no data for most services (their
progress is "nouveau", never "stable" nor "0 en mieux"), and an empty ministry and a retired one
(no active service) must not be offered anywhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import ROUND_DOWN, Decimal
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from foundation import formatting
from foundation.quarters import Quarter
from reports.alerts.digests import render_operator_summary
from reports.observatory.exports import LEVEL_CODES
from reports.observatory.indicators import INDICATORS, SPECS, quarter_indicators
from reports.web import views
from reports.web.app import create_app
from storage.db import open_database
from storage.declared_import import import_declared
from storage.evidence.store import EvidenceStore
from storage.satisfaction_import import import_satisfaction
from tests.support.indicator_data import GOOD, Scenario, Seen, at, seen
from veilleur.cli import cli

Q4 = Quarter.parse("2026Q4")
SERVICES = ("a", "b", "c")
DASHBOARD_LINK = r"/services/([a-z]+)\?trimestre=2026Q4"
STATEMENT = GOOD["accessibility_statement"].details


# ------------------------------------------------------------------------------------------------
# The data


def build(data_dir, tmp_path):
    """int: a and b, first visited in 2026Q4 (nothing in 2026Q3); eco: c, visited in both quarters;
    vide: no service at all; ancien: one retired service, last visited in 2026Q2."""
    db = open_database(f"sqlite:///{data_dir / 'veilleur.db'}")
    with db.sessions() as session:
        sc = Scenario(session)
        sc.ministry("int", "Ministère de l’Intérieur")
        sc.ministry("eco", "Ministère de l’Économie")
        sc.ministry("vide", "Ministère sans démarche")
        sc.ministry("ancien", "Ministère dissous")
        sc.service("a", "int")
        sc.service("b", "int")
        sc.service("c", "eco")
        sc.service("old", "ancien", active=False)
        sc.run(sc.campaign(at(2026, 5, 4)), "old", seen())
        sc.run(sc.campaign(at(2026, 8, 3)), "c", seen(readability=Seen("measured", {"score": 7.5})), load_ms=510.0)
        autumn = sc.campaign(at(2026, 11, 2))
        sc.run(autumn, "a", seen(
            readability=Seen("measured", {"score": 8.7, "words": 380}),
            accessibility_statement=Seen("partiellement", {**STATEMENT, "rate": 74.5}),
            accessibility=Seen("measured", {"violations": 1, "rules": ["image-alt"], "by_impact": {},
                                            "pages_measured": 2}),
        ), load_ms=412.7)
        sc.run(autumn, "b", seen(readability=Seen("measured", {"score": 6.25}), franceconnect=Seen("absent")),
               load_ms=399.95)
        sc.run(autumn, "c", seen(readability=Seen("measured", {"score": 8.2})), load_ms=801.4)
        # Availability visits of a (landing page only): one answered, one did not → 2 of 3.
        sc.run(sc.campaign(at(2026, 11, 9)), "a", None, load_ms=413.1)
        sc.run(sc.campaign(at(2026, 11, 16)), "a", None, ok=False, error_class="timeout")
        session.commit()
    (tmp_path / "jdma.csv").write_text(
        "service_id,quarter,score,reviews\na,2026Q4,8.958333,150\nb,2026Q4,7.99,500\n", encoding="utf-8")
    (tmp_path / "declared.csv").write_text(
        "service_id,quarter,realisable_en_ligne,dites_le_nous_une_fois,taux_usage_numerique\n"
        'a,2026Q4,oui,1,"92,5 %"\nc,2026Q4,partiel,0,33.333\n', encoding="utf-8")
    with db.sessions() as session:
        import_satisfaction(session, tmp_path / "jdma.csv")
        import_declared(session, tmp_path / "declared.csv")
    return db


@pytest.fixture
def world(env_data_dir, tmp_path):
    db = build(env_data_dir, tmp_path)
    store = EvidenceStore(env_data_dir / "evidence")
    runner = CliRunner()
    report = runner.invoke(cli, ["report", "--out", str(tmp_path / "rapport")])
    assert report.exit_code == 0, report.output
    client = TestClient(create_app(db, store))
    yield db, client, tmp_path / "rapport", runner
    db.close()


# ------------------------------------------------------------------------------------------------
# Reading pages back


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None"):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        # Collapses the layout's white space, not the typography's: the narrow no-break space
        # between thousands ("2 618 ms") is part of the figure.
        return re.sub(r"[ \t\n\r\f\v]+", " ", "".join(parts)).strip()

    def all(self, test) -> list["Node"]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if test(child):
                    found.append(child)
                found += child.all(test)
        return found

    def first(self, test) -> "Node | None":
        found = self.all(test)
        return found[0] if found else None

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class Tree(HTMLParser):
    VOID = {"br", "img", "meta", "link", "input", "hr", "source", "area", "col", "wbr"}

    def __init__(self, html: str):
        super().__init__()
        self.root = self.at = Node("document", {}, None)
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.at)
        self.at.children.append(node)
        if tag not in self.VOID:
            self.at = node

    def handle_endtag(self, tag):
        node = self.at
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.at = node.parent

    def handle_data(self, data):
        self.at.children.append(data)


def tree(html: str) -> Node:
    return Tree(html).root


def cell(td: Node, badge_class: str, figure_class: str) -> tuple[str, str]:
    """A level cell as shown: the badge's label and the figure beside it ('' when none). On the
    static pages the figure is the `fig` marked `data-figure` (a count may follow it)."""
    badge = td.first(lambda n: n.tag == "span" and n.has_class(badge_class))
    figure = td.first(lambda n: n.tag == "span" and n.has_class(figure_class)
                      and (figure_class != "fig" or "data-figure" in n.attrs))
    return badge.text(), figure.text() if figure else ""


def rows_by_service(page: Node, link: str) -> dict[str, Node]:
    """Each table row that leads with a link to a service page, by service id."""
    found = {}
    for tr in page.all(lambda n: n.tag == "tr"):
        a = tr.first(lambda n: n.tag == "a" and re.fullmatch(link, n.attrs.get("href") or ""))
        if a is not None:
            found[re.fullmatch(link, a.attrs["href"]).group(1)] = tr
    return found


def indicator_cells(row: Node, badge_class: str, figure_class: str) -> dict[str, tuple[str, str]]:
    return {td.attrs["data-indicator"]: cell(td, badge_class, figure_class)
            for td in row.all(lambda n: n.tag == "td" and "data-indicator" in n.attrs)}


def cells_of(row: Node) -> list[str]:
    return [td.text() for td in row.all(lambda n: n.tag == "td")]


def figure_number(shown: str) -> Decimal | None:
    """A displayed figure read back: "8,7/10" → 8.7, "66,66 %" → 66.66, "412 ms" → 412."""
    if not shown:
        return None
    match = re.fullmatch(r"(-?\d{1,3}(?:\u202f\d{3})*(?:,\d+)?)(?:/10| / 10| %| ms| violations?| pièces? déjà détenues?)", shown)
    assert match, f"not a figure as Veilleur writes them: {shown!r}"
    return Decimal(match.group(1).replace("\u202f", "").replace(",", "."))


def truncated(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN).normalize() if value is not None else None


def machine_number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


# ------------------------------------------------------------------------------------------------
# Every screen


def shown_everywhere(client: TestClient, site, services=SERVICES, ministries=("int", "eco"),
                     quarter: Quarter = Q4) -> dict[str, dict[str, dict[str, tuple[str, str]]]]:
    """Per screen, per service, per indicator: (level label, figure) as displayed."""
    link = rf"/services/([a-z0-9-]+)\?trimestre={quarter}"
    screens: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}
    table = tree((site / "indicateurs.html").read_text(encoding="utf-8"))
    screens["static table"] = {sid: indicator_cells(row, "badge", "fig")
                               for sid, row in rows_by_service(table, r"indicateurs/([a-z0-9-]+)\.html").items()}
    screens["static service pages"] = {}
    for sid in services:
        page = tree((site / "indicateurs" / f"{sid}.html").read_text(encoding="utf-8"))
        screens["static service pages"][sid] = {
            section.attrs["id"]: cell(section.first(lambda n: n.tag == "h2"), "badge", "fig")
            for section in page.all(lambda n: n.tag == "section" and n.attrs.get("id") in SPECS)
        }
    overview = tree(client.get(f"/?trimestre={quarter}").text)
    screens["dashboard overview"] = {sid: indicator_cells(row, "fr-badge", "fr-figure")
                                     for sid, row in rows_by_service(overview, link).items()}
    screens["dashboard ministries"] = {}
    for ministry in ministries:
        page = tree(client.get(f"/ministeres/{ministry}?trimestre={quarter}").text)
        for sid, row in rows_by_service(page, link).items():
            screens["dashboard ministries"][sid] = indicator_cells(row, "fr-badge", "fr-figure")
    screens["dashboard service pages"] = {}
    for sid in services:
        page = tree(client.get(f"/services/{sid}?trimestre={quarter}").text)
        levels = page.first(lambda n: n.tag == "table"
                            and "Chaque niveau" in n.first(lambda m: m.tag == "caption").text())
        screens["dashboard service pages"][sid] = indicator_cells(levels, "fr-badge", "fr-figure")
    return screens


def assert_one_truth(db, client: TestClient, site, runner: CliRunner, services=SERVICES, ministries=("int", "eco"),
                     quarter: Quarter = Q4) -> dict[str, dict[str, tuple[str, str]]]:
    """Every indicator of every service reads the same on every screen, and the API and the exports
    carry the displayed numbers. Returns what is displayed, per service and indicator."""
    with db.sessions() as session:
        truth = {s.service_id: s for s in quarter_indicators(session, quarter) if s.service_id in services}
    expected = {
        sid: {i.key: (i.shown, i.beside) for i in state.indicators}
        for sid, state in truth.items()
    }
    assert set(expected) == set(services)
    screens = shown_everywhere(client, site, services, ministries, quarter)
    for screen, shown in screens.items():
        assert set(shown) >= set(services), screen
        for sid in services:
            assert shown[sid] == expected[sid], f"{screen}, {sid}"

    served = client.get(f"/api/indicators?quarter={quarter}&limit=500").json()["items"]
    api = {s["service_id"]: s["indicators"] for s in served}
    exported_csv = {row["service_id"]: row for row in csv.DictReader(io.StringIO(
        runner.invoke(cli, ["export", "--quarter", str(quarter), "--format", "csv"]).stdout))}
    exported_json = {s["service_id"]: s["indicators"] for s in json.loads(
        runner.invoke(cli, ["export", "--quarter", str(quarter), "--format", "json"]).stdout)["services"]}
    for sid in services:
        for spec in INDICATORS:
            shown, beside = expected[sid][spec.key]
            label = truth[sid].get(spec.key).level.label
            # A figure shown in place of a label ("8,9 / 10") has the observatory's one decimal.
            number = figure_number(beside) if beside else figure_number(shown) if shown != label else None
            decimals = 2 if beside else 1
            row = exported_csv[sid]
            assert LEVEL_CODES[row[f"{spec.key}_level"]] == api[sid][spec.key]["level_label"] == label
            assert exported_json[sid][spec.key]["level_label"] == label
            assert api[sid][spec.key]["shown"] == exported_json[sid][spec.key]["shown"] == shown
            if number is None:
                continue
            assert truncated(machine_number(api[sid][spec.key]["value"]), decimals) == number, (sid, spec.key)
            assert truncated(machine_number(exported_json[sid][spec.key]["value"]), decimals) == number, (sid, spec.key)
            assert truncated(Decimal(row[f"{spec.key}_value"]), decimals) == number, (sid, spec.key)
    return expected


def test_every_figure_and_level_reads_the_same_on_every_screen_and_in_every_file(world):
    db, client, site, runner = world
    expected = assert_one_truth(db, client, site, runner)

    # The traps, as a reader sees them on every screen.
    a, b, c = expected["a"], expected["b"], expected["c"]
    assert a["readability"] == ("Bon", "8,7/10")  # once "8,69/10" on the dashboard
    # The observatory shows its scores as "8,9 / 10", one decimal, truncated
    assert a["satisfaction"] == ("8,9 / 10", "") and b["satisfaction"] == ("7,9 / 10", "")
    assert a["handicap"] == ("Partiel", "74,5 %")
    assert a["uptime"] == ("Faible", "66,66 %")  # 2 visits of 3: truncated, never rounded up
    assert a["load_time"] == ("Partiel", "412 ms") and b["load_time"] == ("Optimal", "399 ms")
    assert c["load_time"] == ("Faible", "801 ms")
    assert a["accessibility_axe"] == ("Mesuré", "1 violation")
    assert a["dlnuf"] == ("Optimal", "1 pièce déjà détenue") and c["dlnuf"] == ("Optimal", "0 pièce déjà détenue")
    # The rate itself, as the observatory shows it
    assert a["digital_usage"] == ("92,5 %", "") and c["digital_usage"] == ("33,3 %", "")
    assert a["authentication"] == ("FranceConnect +", "") and a["online"] == ("Oui", "")

    exported_csv = {row["service_id"]: row for row in csv.DictReader(io.StringIO(
        runner.invoke(cli, ["export", "--quarter", "2026Q4", "--format", "csv"]).stdout))}
    assert exported_csv["a"]["readability_value"] == "8.7" and exported_csv["a"]["uptime_value"] == "66.66"
    assert exported_csv["a"]["satisfaction_value"] == "8.95" and exported_csv["a"]["load_time_value"] == "412"


def test_the_share_of_each_objective_reads_the_same_in_the_report_the_dashboard_the_api_the_command_and_the_mail(world):
    db, client, site, runner = world
    day = views.objectives_day(Q4)
    # Plain language of at least 8/10: a (8,7) and c (8,2) of a, b, c → 2 of 3, truncated: 66 %.
    static = tree((site / "objectifs.html").read_text(encoding="utf-8")).first(
        lambda n: n.tag == "section" and n.attrs.get("id") == "plain_language")
    dashboard = tree(client.get("/objectifs?trimestre=2026Q4").text).first(
        lambda n: n.tag == "section" and n.attrs.get("id") == "plain_language")
    # One word and one way of writing a share on every screen (docs/glossaire.md).
    assert "2 démarches sur 3 (66 %)" in static.text() and "2 démarches sur 3 (66 %)" in dashboard.text()
    api = next(o for o in client.get(f"/api/objectives?date={day.isoformat()}").json()["objectives"]
               if o["key"] == "plain_language")
    assert (api["met"], api["counted"], api["percent"]) == (2, 3, 66)
    command = runner.invoke(cli, ["objectives", "--date", day.isoformat()])
    assert command.exit_code == 0 and "2 sur 3 (66 %)" in command.stdout
    mail = render_operator_summary(1, 2, 3, [], ["exploitation@veilleur.example"], "veilleur@veilleur.example")
    assert "(66 %)" in mail["Subject"]
    # Who misses it, and why, with the figure as shown elsewhere.
    assert "Moyen (6,25/10)" in static.text() and "Moyen (6,25/10)" in dashboard.text()


def test_a_previous_quarter_without_data_is_nouveau_everywhere_and_the_counts_add_up(world):
    db, client, site, runner = world
    # The dashboard's overview: a and b had nothing in 2026Q3; c had, and some of it changed.
    overview = tree(client.get("/?trimestre=2026Q4").text)
    progress = {sid: row.first(lambda n: "data-progress" in n.attrs).text()
                for sid, row in rows_by_service(overview, DASHBOARD_LINK).items()}
    # c: readability 7,5 → 8,2 (better), load time 510 → 801 ms (worse), online and DLNUF declared for the first time.
    assert progress == {"a": "nouveau", "b": "nouveau", "c": "1 en mieux, 1 en moins bien, 2 nouveaux"}
    assert "Depuis 2026Q3" in overview.text()

    # The static progression page says the same, service by service.
    static = tree((site / "progression.html").read_text(encoding="utf-8"))
    by_service = {tr.attrs["data-service"]: tr.first(lambda n: "data-progress" in n.attrs).text()
                  for tr in static.all(lambda n: n.tag == "tr" and "data-service" in n.attrs
                                       and "data-indicator" not in n.attrs)}
    assert {sid: by_service[sid] for sid in SERVICES} == progress

    # The API too, service by service and indicator by indicator.
    api = {s["service_id"]: s["progress"] for s in client.get("/api/indicators?quarter=2026Q4").json()["items"]}
    assert {sid: api[sid]["summary"] for sid in SERVICES} == progress
    assert api["a"]["previous_quarter"] == "2026Q3"
    assert api["a"]["indicators"]["readability"] == {"direction": "nouveau", "delta": None}
    assert api["c"]["indicators"]["readability"] == {"direction": "mieux", "delta": 0.7}  # 7,5 → 8,2

    # The dashboard's service page: each indicator, and the whole.
    for sid in SERVICES:
        page = tree(client.get(f"/services/{sid}?trimestre=2026Q4").text)
        assert page.first(lambda n: "data-progress-summary" in n.attrs).text() == progress[sid]
        shown = {tr.attrs["id"]: tr.first(lambda n: "data-progress" in n.attrs).text()
                 for tr in page.all(lambda n: n.tag == "tr" and n.attrs.get("id") in SPECS)}
        for key, change in api[sid]["indicators"].items():
            delta = "" if not change["delta"] or change["direction"] == "—" else \
                f" ({formatting.signed(change['delta'], SPECS[key].kind)})"
            assert shown[key] == change["direction"] + delta, (sid, key)
    page_a = tree(client.get("/services/a?trimestre=2026Q4").text)
    a_changes = {tr.attrs["id"]: tr.first(lambda n: "data-progress" in n.attrs).text()
                 for tr in page_a.all(lambda n: n.tag == "tr" and n.attrs.get("id") in SPECS)}
    assert a_changes["readability"] == "nouveau" and "stable" not in a_changes.values()
    page_c = tree(client.get("/services/c?trimestre=2026Q4").text)
    assert "mieux (+0,7)" in page_c.text()

    # The ministry page of int (no data in 2026Q3): "aucune donnée → 1 sur 2 démarches (50 %), nouveau", never
    # "0 sur 2 … En mieux 0";
    # the static progression page's rows say the same.
    ministry = tree(client.get("/ministeres/int?trimestre=2026Q4").text)
    rows = {tr.attrs["data-indicator"]: cells_of(tr)
            for tr in ministry.all(lambda n: n.tag == "tr" and "data-indicator" in n.attrs)}
    assert rows["authentication"] == ["aucune donnée", "1 sur 2 démarches (50 %)", "nouveau"]
    assert rows["readability"] == ["aucune donnée", "1 sur 2 démarches (50 %)", "nouveau"]
    assert all(cells[2] in ("nouveau", "—") for cells in rows.values()), rows
    static_rows = {(tr.attrs["data-ministry"], tr.attrs["data-indicator"]): cells_of(tr)[1:]
                   for tr in static.all(lambda n: n.tag == "tr" and "data-ministry" in n.attrs)}
    for key, cells in rows.items():
        if ("int", key) in static_rows:
            assert static_rows[("int", key)] == cells, key
    # eco: c had data before; its counts add up with what the page shows.
    eco = tree(client.get("/ministeres/eco?trimestre=2026Q4").text)
    eco_rows = {tr.attrs["data-indicator"]: cells_of(tr)
                for tr in eco.all(lambda n: n.tag == "tr" and "data-indicator" in n.attrs)}
    assert eco_rows["readability"] == ["0 sur 1 démarche (0 %)", "1 sur 1 démarche (100 %)", "1 en mieux"]
    assert eco_rows["dlnuf"] == ["aucune donnée", "1 sur 1 démarche (100 %)", "nouveau"]
    assert static_rows[("eco", "readability")] == eco_rows["readability"]

    # A quarter whose previous one has no data at all (2026Q2 saw only the retired service).
    q3 = tree(client.get("/?trimestre=2026Q3").text)
    q3_progress = {sid: row.first(lambda n: "data-progress" in n.attrs).text()
                   for sid, row in rows_by_service(q3, r"/services/([a-z]+)\?trimestre=2026Q3").items()}
    assert q3_progress["c"] == "nouveau" and "stable" not in q3_progress.values()


def test_a_ministry_without_active_service_is_offered_nowhere(world):
    db, client, site, runner = world
    overview = tree(client.get("/").text)
    select = overview.first(lambda n: n.tag == "select" and n.attrs.get("id") == "ministere")
    offered = {o.attrs.get("value") for o in select.all(lambda n: n.tag == "option")}
    assert offered == {"", "int", "eco"}  # not "vide" (no service), not "ancien" (its service retired)
    for page in ("indicateurs.html", "objectifs.html", "progression.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "Ministère sans démarche" not in text and "Ministère dissous" not in text, page
    assert "Ministère dissous" not in client.get("/objectifs").text
    # Its history stays readable: the retired service's page and its 2026Q2.
    assert client.get("/services/old?trimestre=2026Q2").status_code == 200


def test_the_rounding_rule_truncates_the_decimal_a_figure_stands_for():
    assert formatting.score(8.7) == "8,7/10" and formatting.rounded(8.7, 2) == 8.7  # not 8.69
    assert formatting.score(7.999) == "7,99/10"  # never 8 next to an orange level
    assert formatting.percent(100 * 2 / 3) == "66,66 %" and formatting.share(100 * 249 / 250) == "99 %"
    assert formatting.duration(799.99) == "799 ms" and formatting.percent(100.0) == "100 %"
    assert formatting.signed(formatting.difference(8.2, 7.5), "score") == "+0,7"
    assert formatting.date(date(2026, 12, 1)) == "1er décembre 2026"
