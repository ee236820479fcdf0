"""How a probe behaves: its settings, from the probe section the shell read (VEILLEUR_PAGE_TIMEOUT…) and the options."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from foundation.settings import ProbeSection

# Measured in bench/ (DSFR pages, headless shell): a page costs about 0.5 s of CPU but 1.2 s of
# wall time (the page loading and settling, the politeness pause between two pages of a host), so it
# takes three service runs per core to keep the cores busy; each run in flight holds a renderer
# of about 200 MB of resident memory and its share of the browser's (300 MB in all).
SERVICES_PER_CORE = 3
MEMORY_PER_SERVICE = 300 * 2**20


def default_concurrency() -> int:
    """Three service runs per core, fewer if half the machine's memory would not hold them; two
    at least, so that one slow site does not hold the whole campaign."""
    import psutil

    by_memory = psutil.virtual_memory().total // 2 // MEMORY_PER_SERVICE
    return max(2, min(SERVICES_PER_CORE * (os.cpu_count() or 1), by_memory))


@dataclass(frozen=True)
class ProbeSettings:
    """How a probe behaves; recorded with each run so that a result can be reproduced."""

    page_timeout_s: float = 20.0
    # Before a page is read: its load event, at most settle_cap_s; then no request of its scripts
    # under way, the DOM still for settle_quiet_ms (no change, no timer due), at most
    # settle_dom_cap_s more (0 ms: the load alone). A page already still pays nothing for the
    # DOM's wait; one written 700 ms after its last request is read whole (tests/probes/test_settle.py).
    settle_cap_s: float = 3.0
    settle_quiet_ms: float = 300.0
    settle_dom_cap_s: float = 2.0
    axe_timeout_s: float = 30.0
    max_key_pages: int = 3
    concurrency: int = field(default_factory=default_concurrency)
    contact_url: str = "https://github.com/veilleur/veilleur"
    viewport_width: int = 1280
    viewport_height: int = 800
    screenshot_max_height: int = 8000
    screenshot_quality: int = 70
    # Politeness: one page at a time per host, two page loads of a host at least this far apart.
    host_delay_s: float = 0.5
    # Transient failures (timeout, 5xx, connection reset, crash) are tried again in the campaign.
    max_attempts: int = 3
    retry_backoff_s: float = 5.0
    # Only the landing page, no axe and no findings: the frequent availability check.
    landing_only: bool = False
    # A fresh Chromium after this many pages (0: never): a long-lived browser keeps growing in
    # memory however carefully its contexts are closed.
    browser_recycle_pages: int = 500
    # axe-core rules run on each page: "all", or "rgaa" for only those tagged with an RGAA 4
    # criterion (faster; rules without a criterion then go unreported). "all" by default: the
    # accessibility check and its incident rule count every rule axe reports.
    axe_rules: str = "all"
    # The most one service run may take once it has a browser context (navigation, discovery,
    # axe, screenshots): a hostile site then holds one slot for at most this long, never a
    # campaign. Pages finished by then are kept; the rest are recorded as timed out.
    service_budget_s: float = 150.0
    # The phone pass (probes/mobile.py): after the desktop capture of the pages it reads, the tab
    # is resized to this screen and measured again (no second load). Off: no mobile reading,
    # and the mobile check says `unknown`.
    mobile: bool = True
    mobile_width: int = 360
    mobile_height: int = 640
    # Audit every page again even where it is byte-identical to the service's previous visit in
    # the quarter (storage/prior_audits.py): `veilleur run --full-audit`, and the last scheduled
    # campaign of each quarter, which stands for it.
    full_audit: bool = False
    # The Chromium executable (VEILLEUR_CHROMIUM); None: probes/chromium.py looks for one.
    chromium: str | None = None

    def user_agent(self, version: str, browser_version: str | None = None) -> str:
        base = f"Veilleur/{version} (+{self.contact_url})"
        # The Chromium token keeps sites that sniff for a browser from serving a degraded page.
        return f"{base} Chrome/{browser_version}" if browser_version else base


def probe_settings(section: ProbeSection, **overrides) -> ProbeSettings:
    """The settings of a campaign: the section's values, then the command's options (None: not given)."""
    values = {
        "page_timeout_s": section.page_timeout,
        "max_key_pages": section.max_key_pages,
        "concurrency": section.concurrency or default_concurrency(),
        "contact_url": section.contact_url,
        "host_delay_s": section.host_delay,
        "max_attempts": section.max_attempts,
        "retry_backoff_s": section.retry_backoff,
        "browser_recycle_pages": section.browser_recycle_pages,
        "service_budget_s": section.service_budget,
        "settle_quiet_ms": section.settle_quiet_ms,
        "mobile": section.mobile,
        "axe_rules": section.axe_rules,
        "chromium": section.chromium,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return ProbeSettings(**values)
