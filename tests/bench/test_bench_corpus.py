"""The benchmark corpus (bench/): what its services show is what the checks find on them."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit
from urllib.request import ProxyHandler, build_opener

import pytest

from bench.generate import PAGES, expected, registry
from bench.serve import dsfr_installed, serve_corpus, service_address
from checks import run_checks
from foundation.errors import InputError
from probes.browser import BrowserPool
from probes.service import probe_service
from probes.settings import ProbeSettings, probe_settings
from veilleur.settings import read_settings

SERVICES = 5  # every FranceConnect level, JDMA present and absent, each declared conformity
# Each service is on its own host, so politeness has nothing to protect here.
FAST = ProbeSettings(page_timeout_s=10, settle_cap_s=1.0, axe_timeout_s=20, concurrency=SERVICES, host_delay_s=0)
# A proxy set in the environment must not stand between the test and loopback.
NO_PROXY = build_opener(ProxyHandler({}))


def probe_all(urls: list[str], settings: ProbeSettings):
    async def go():
        async with BrowserPool(settings) as pool:
            return await asyncio.gather(*(probe_service(pool, url) for url in urls))

    return asyncio.run(go())


# Without the DSFR's styles (make test runs no npm), whether a page fits a phone is the browser's
# default layout, not something the corpus says: `mobile` is compared only when they are there.
UNSTYLED = set() if dsfr_installed() else {"mobile"}


def statuses(capture) -> dict[str, str]:
    return {check: finding.status for check, finding in run_checks(capture).items() if check not in UNSTYLED}


def expected_here(index: int) -> dict[str, str]:
    return {check: status for check, status in expected(index).items() if check not in UNSTYLED}


def test_each_bench_service_is_on_its_own_host_with_its_four_pages():
    with serve_corpus(3, require_dsfr=False) as corpus:
        assert len(set(corpus.urls)) == 3
        assert len(corpus.page_urls) == 3 * len(PAGES)
        assert [s["url"] for s in registry(corpus.urls)["services"]] == corpus.urls


def test_service_i_is_served_on_its_own_loopback_address_127_1_x_y_every_service_on_one_port():
    assert [service_address(i) for i in (0, 1, 249, 250, 251, 999)] == [
        "127.1.0.1", "127.1.0.2", "127.1.0.250", "127.1.1.1", "127.1.1.2", "127.1.3.250"]
    with serve_corpus(252, require_dsfr=False) as corpus:
        addresses = [urlsplit(url) for url in corpus.urls]
        assert [a.hostname for a in addresses] == [service_address(i) for i in range(252)]
        assert len({a.port for a in addresses}) == 1
        for index in (0, 1, 251):  # what answers at service i's address is service i
            with NO_PROXY.open(corpus.urls[index], timeout=10) as answer:
                assert f"({index})</title>" in answer.read().decode("utf-8")


def test_the_checks_find_on_each_bench_service_what_the_corpus_says_it_shows():
    with serve_corpus(SERVICES, require_dsfr=False) as corpus:
        captures = probe_all(corpus.urls, FAST)
    for index, capture in enumerate(captures):
        assert [p.kind for p in capture.pages] == ["landing", "login", "contact", "accessibility"], (
            index, capture.pages[0].error_class, capture.pages[0].error)
        assert statuses(capture) == expected_here(index), index


def test_rgaa_only_axe_reports_rgaa_rules_only_and_the_other_checks_do_not_change():
    rgaa = ProbeSettings(**{**FAST.__dict__, "axe_rules": "rgaa"})
    with serve_corpus(1, require_dsfr=False) as corpus:
        everything, rgaa_only = probe_all(corpus.urls, FAST)[0], probe_all(corpus.urls, rgaa)[0]
    assert statuses(rgaa_only) == statuses(everything) == expected_here(0)
    all_rules = {v.id for p in everything.pages for v in p.axe.violations}
    rgaa_rules = {v.id for p in rgaa_only.pages for v in p.axe.violations}
    assert {"image-alt", "label"} <= rgaa_rules  # the corpus's two RGAA faults...
    assert "heading-order" in all_rules - rgaa_rules  # ...but not its best-practice one
    assert all("RGAAv4" in v.tags for p in rgaa_only.pages for v in p.axe.violations)


def test_an_unknown_axe_rules_setting_is_refused_naming_the_variable():
    with pytest.raises(InputError, match="^VEILLEUR_AXE_RULES : une valeur parmi all, rgaa attendue, reçu « wcag »$"):
        read_settings({"VEILLEUR_AXE_RULES": "wcag"})
    assert probe_settings(read_settings({"VEILLEUR_AXE_RULES": "rgaa"}).probe).axe_rules == "rgaa"
