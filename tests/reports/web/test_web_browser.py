"""The dashboard in a real headless Chromium against a seeded database: each page, the evidence
view, and the proposal form end to end (then `veilleur proposals` accepts it into the registry)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from foundation.grid import GRID_INDICATORS
from reports.observatory.indicators import INDICATORS
from tests.support.web_site import HOSTILE_NAME, served_dashboard
from veilleur.cli import cli


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dashboard")
    with served_dashboard(folder) as server:
        server.folder = folder
        yield server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from probes.chromium import find_chromium, launch_args

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=find_chromium(), args=launch_args())
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def level_table(page):
    return page.locator("table.veilleur-levels")


def test_the_overview_lists_every_service_with_its_levels_and_filters_by_ministry(dashboard, page):
    page.goto(dashboard.url + "/")
    assert page.locator("h1").inner_text() == "Les démarches en ligne au trimestre 2026Q4"
    rows = level_table(page).locator("tbody tr")
    assert rows.count() == 3
    assert "Demander une carte grise" in rows.first.inner_text()
    assert level_table(page).locator("tbody .fr-badge").count() == 3 * len(INDICATORS)
    # The hostile name is shown as text; nothing ran.
    assert page.get_by_text(HOSTILE_NAME).count() == 1 and page.dialogs == []

    page.select_option("#ministere", "sante")
    page.select_option("#indicateur", "authentication")
    page.click("button[type=submit]")
    assert "ministere=sante" in page.url
    assert level_table(page).locator("tbody tr").count() == 1
    assert level_table(page).locator("thead th").all_inner_texts() == [
        "Démarche", "Ministère", "Authentification", "Depuis 2026Q3"]
    # Progress since the previous quarter: FranceConnect found in Q4, absent in Q3.
    assert level_table(page).locator("tbody tr td").last.inner_text() == "1 en mieux"
    assert "1 en mieux" in level_table(page).locator("tbody tr").inner_text()
    assert page.console_errors == []  # the strict policy blocked nothing we need


def test_a_ministry_page_shows_its_services_progress_and_history_chart(dashboard, page):
    page.goto(dashboard.url + "/ministeres/interieur")
    assert page.locator("h1").inner_text() == "Ministère de l’Intérieur"
    levels = page.locator("svg[role=img][data-chart=bars]")  # the quarter at a glance…
    assert levels.count() == 1 and "Niveaux par indicateur, 2026Q4" in levels.text_content()
    chart = page.locator("svg[role=img][data-chart=lines]")  # …and two quarters joined by lines
    assert chart.count() == 1
    assert "2026Q3" in chart.text_content() and "2026Q4" in chart.text_content()
    assert page.locator("text=Demander un passeport").count() >= 1
    assert page.locator("text=Demander une carte grise").count() >= 1


def test_a_service_page_shows_history_findings_with_proof_and_the_bundle_to_download(dashboard, page):
    page.goto(dashboard.url + "/services/carte-grise")
    history = page.locator("table", has=page.locator("caption", has_text="Niveaux de chaque trimestre"))
    assert [h.strip() for h in history.locator("thead th").all_inner_texts()][1:] == ["2026Q3", "2026Q4"]
    assert page.locator("svg[role=img] [data-marker]").count() > 0  # run after run chart
    finding = page.locator("#constat-franceconnect")
    snippet = finding.locator("pre.veilleur-snippet").first.inner_text()
    assert 'onclick="alert(1)"' in snippet and "<script>alert(2)</script>" in snippet  # shown, never run
    crop = finding.locator("img.veilleur-crop").first
    crop.scroll_into_view_if_needed()
    assert crop.evaluate("img => img.complete ? img.naturalWidth : 0") > 0
    assert page.dialogs == []

    with page.expect_download() as download:
        page.click("text=Télécharger le dossier de preuves (zip)")
    assert re.fullmatch(r"carte-grise-visite-\d+\.zip", download.value.suggested_filename)


def test_captured_html_is_shown_only_in_a_sandboxed_frame_where_nothing_runs(dashboard, page):
    page.goto(dashboard.url + "/services/carte-grise")
    page.click("text=voir la page capturée >> nth=0")
    frame_element = page.locator("iframe.veilleur-frame")
    assert frame_element.get_attribute("sandbox") == ""
    frame = frame_element.content_frame
    assert frame.locator("h1").inner_text() == "Connexion"  # the site's page is there…
    assert page.title().startswith("Page capturée")  # …but its script did not reach our page
    # An opaque origin: the frame cannot even read cookies, ours or its own.
    with pytest.raises(Exception, match="sandboxed"):
        frame.locator("body").evaluate("b => document.cookie")
    assert page.dialogs == []
    link = page.locator("a", has_text="Télécharger le code de la page")
    assert link.get_attribute("download") == ""
    fetched = page.request.get(dashboard.url + link.get_attribute("href"))
    assert fetched.headers["content-disposition"].startswith("attachment;")
    assert fetched.headers["content-type"].startswith("text/plain")


def test_the_objectives_page_shows_each_objective_and_the_progress_chart(dashboard, page):
    page.goto(dashboard.url + "/objectifs")
    assert page.locator("h1").inner_text() == "Les objectifs du gouvernement"
    assert page.locator("section h2").count() >= 5
    assert page.locator("svg[role=img] polyline").count() > 0
    footer = page.locator("footer a", has_text="Accessibilité : partiellement conforme")
    footer.click()
    assert page.locator("h1").inner_text() == "Déclaration d’accessibilité"


def test_a_citizen_proposes_a_service_and_an_operator_accepts_it_into_the_registry(dashboard, page, monkeypatch):
    page.goto(dashboard.url + "/")
    page.click("nav >> text=Proposer une démarche")
    page.fill("#name", "Demander la carte Vitale")
    page.fill("#url", "https://193.51.24.10/carte-vitale")
    page.select_option("#ministry_id", "sante")
    page.check("#criterion-volume")
    page.fill("#annual_volume", "3 000 000")
    page.fill("#reason", "Tous les assurés en ont besoin, plusieurs millions de demandes chaque année.")
    page.click("text=Envoyer ma proposition")
    assert page.locator("h1").inner_text() == "Merci, votre proposition est bien reçue"
    number = re.search(r"numéro est le (\d+)", page.locator("[role=status]").inner_text()).group(1)

    monkeypatch.setenv("VEILLEUR_DATA_DIR", str(dashboard.folder))
    monkeypatch.delenv("VEILLEUR_DATABASE_URL", raising=False)
    runner = CliRunner()
    listed = runner.invoke(cli, ["proposals", "list"])
    assert listed.exit_code == 0, listed.output
    assert "Demander la carte Vitale" in listed.output and "[en attente]" in listed.output
    accepted = runner.invoke(cli, ["proposals", "accept", number, "--id", "carte-vitale"])
    assert accepted.exit_code == 0, accepted.output
    assert "carte-vitale" in accepted.output
    registry = runner.invoke(cli, ["registry", "list"])
    assert "carte-vitale" in registry.output
    assert "pending" not in runner.invoke(cli, ["proposals", "list", "--status", "all"]).output

    page.goto(dashboard.url + "/api/services?ministry=sante")
    assert "carte-vitale" in page.locator("body").inner_text()


def test_the_form_shows_a_clear_message_beside_each_wrong_field_and_keeps_what_was_typed(dashboard, page):
    page.goto(dashboard.url + "/proposer")
    page.fill("#name", "Aide au logement")
    page.fill("#url", "javascript:alert(1)")
    page.check("#criterion-life_event")
    page.click("text=Envoyer ma proposition")
    assert "3 erreurs" in page.locator("[role=alert]").inner_text()
    assert "https://" in page.locator("#url-erreur").inner_text()
    assert "moment de vie" in page.locator("#life_event-erreur").inner_text()
    assert "trop court" in page.locator("#reason-erreur").inner_text()
    assert page.input_value("#name") == "Aide au logement"
    assert page.get_attribute("#url", "aria-invalid") == "true"


# ------------------------------------------------------------------------------------------------
# Pages and charts that fit the window


@pytest.fixture(scope="module")
def static_report(dashboard):
    """`veilleur report` of the dashboard's database, written beside it."""
    from reports.site.html_report import write_report
    from storage.evidence.store import EvidenceStore

    with dashboard.db.sessions() as session:
        write_report(session, EvidenceStore(dashboard.folder / "evidence"), dashboard.folder / "rapport")
    return dashboard.folder / "rapport"


@pytest.fixture
def window(browser):
    """A page of the given size: window(1280, 800)."""
    contexts = []

    def open_page(width: int, height: int):
        contexts.append(browser.new_context(viewport={"width": width, "height": height}))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_the_reports_indicator_pages_and_the_overview_are_no_wider_than_a_1280_window_nor_a_phone(
        dashboard, static_report, window):
    report = [static_report / "indicateurs.html", static_report / "progression.html", static_report / "objectifs.html",
              *sorted((static_report / "indicateurs").glob("*.html"))]
    urls = [p.as_uri() for p in report] + [dashboard.url + "/", dashboard.url + "/ministeres/interieur"]
    for width, height in ((1280, 800), (390, 844)):  # a laptop, a phone (wide tables scroll in their block)
        page = window(width, height)
        too_wide = {}
        for url in urls:
            page.goto(url)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[url] = scroll_width
        assert too_wide == {}, width


def test_the_twelve_indicators_are_in_sight_at_1280_and_the_reader_chooses_the_other_columns(
        dashboard, static_report, window):
    page = window(1280, 800)
    for url, table, wrapper in ((dashboard.url + "/", "table.veilleur-levels", ".fr-table"),
                                ((static_report / "indicateurs.html").as_uri(), "table.levels", ".table-wrap")):
        page.goto(url)
        levels = page.locator(table)
        # Nothing behind a horizontal scroll: the table fits its block, which fits the window.
        assert page.locator(wrapper, has=levels).evaluate("w => w.scrollWidth <= w.clientWidth"), url
        # The observatory's twelve indicators, with its labels, all in sight at 1,280 px.
        for indicator in GRID_INDICATORS:
            header = levels.locator("thead th").filter(has_text=re.compile(f"^\\s*{re.escape(indicator.label)}\\s*$"))
            box = header.bounding_box()
            assert header.is_visible() and box["x"] + box["width"] <= 1280, (url, indicator.label)
        load_time = levels.locator("thead th").filter(has_text=re.compile(r"^\s*Temps de chargement des pages\s*$"))
        shot = page.screenshot(full_page=False)
        assert int.from_bytes(shot[16:20], "big") == 1280, url  # the picture a reader sees, PNG width
        # Veilleur's own measures wait for the reader to tick them.
        usage = levels.locator("thead th", has_text="Lisibilité des textes")
        assert usage.is_hidden(), url
        page.click("text=Choisir les indicateurs affichés dans le tableau")
        page.check(f"input[data-column='{[s.key for s in INDICATORS].index('readability') + 1}']")
        assert usage.is_visible() and levels.locator('td[data-indicator="readability"]').first.is_visible(), url
        page.uncheck(f"input[data-column='{[s.key for s in INDICATORS].index('load_time') + 1}']")
        assert load_time.is_hidden() and levels.locator('td[data-indicator="load_time"]').first.is_hidden(), url


OUTSIDE_OR_OVERLAPPING = """svg => {
    const width = svg.viewBox.baseVal.width, height = svg.viewBox.baseVal.height;
    const outside = [...svg.querySelectorAll('text')].filter(t => {
        const b = t.getBBox();
        return b.x < 0 || b.x + b.width > width || b.y < 0 || b.y + b.height > height;
    }).map(t => t.textContent);
    const ticks = [...svg.querySelectorAll('text[data-axis=x]')].map(t => t.getBBox()).sort((a, b) => a.x - b.x);
    const overlapping = ticks.slice(1).filter((b, i) => b.x < ticks[i].x + ticks[i].width).length;
    return {outside, overlapping, legend: svg.querySelectorAll('g[data-legend]').length,
            series: svg.querySelectorAll('g[data-series]').length, kind: svg.dataset.chart};
}"""


def test_every_chart_keeps_its_text_inside_its_picture_and_its_axis_labels_apart(dashboard, static_report, window):
    page = window(1280, 800)
    urls = [dashboard.url + path for path in ("/", "/?indicateur=load_time", "/ministeres/interieur", "/objectifs",
                                              "/services/carte-grise")]
    urls += [(static_report / "indicateurs.html").as_uri(), (static_report / "progression.svg").as_uri()]
    kinds = set()
    for url in urls:
        page.goto(url)
        charts = page.locator("svg[role=img]")
        assert charts.count() >= 1, url
        for n in range(charts.count()):
            found = charts.nth(n).evaluate(OUTSIDE_OR_OVERLAPPING)
            assert found["outside"] == [] and found["overlapping"] == 0, (url, found)
            if found["kind"] == "lines":  # one legend entry per series, all drawn
                assert found["legend"] == found["series"] > 0, (url, found)
            kinds.add(found["kind"])
    assert kinds == {"bars", "lines"}
