"""The phone pass: a page just captured on a desktop screen, read again at a phone's width."""

from __future__ import annotations

import asyncio
import json

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from probes.axe import TARGET_SIZE, run_axe_rule
from probes.errors import short_message
from probes.models import MobileReading
from probes.scripts import in_page
from probes.settings import ProbeSettings
from probes.settle import AWAIT_DOM_JS, dom_limits

# What mobile.js reads at most: elements looked at for overflow, those past the edge examined
# further, text nodes, and elements reported of each kind.
MOBILE_LIMITS = {"maxElements": 20_000, "maxCandidates": 200, "maxTextNodes": 20_000, "maxReported": 5}

# When the page is wider than the screen, a screenshot shows the first screen and what overflows
# to its right, up to one more screen: the one problem a picture shows better than the measures
# (without a viewport meta, a phone would not show the page as this tab does). Other pages get
# none: it would be a third of the pass's cost (measured in bench/).
SCREENSHOT_WIDTHS = 2

# Before measuring, in the same round trip: the next frame, by which the resize is applied and the
# page's resize handlers have run (a frame's resize steps come before its animation callbacks);
# then the DOM's quiet (a handler that defers its work to a timer is waited for too).
_FIRST = "await new Promise((done) => requestAnimationFrame(done));\n  " + AWAIT_DOM_JS


async def _bounded(awaitable, settings: ProbeSettings):
    return await asyncio.wait_for(awaitable, timeout=settings.page_timeout_s)


async def _screenshot(page: Page, reading: MobileReading, settings: ProbeSettings) -> bytes | None:
    if (reading.scroll_width or 0) <= reading.width:
        return None
    try:
        return await page.screenshot(
            type="jpeg", quality=settings.screenshot_quality, full_page=True,  # to reach past the screen
            clip={"x": 0, "y": 0, "width": min(reading.scroll_width, SCREENSHOT_WIDTHS * reading.width),
                  "height": reading.height},
            timeout=settings.page_timeout_s * 1000, animations="disabled",
        )
    except PlaywrightError:
        return None


async def read_mobile(page: Page, settings: ProbeSettings) -> MobileReading:
    """Resize the tab to the phone's screen, let the page answer, measure it (viewport meta,
    overflow, text sizes, axe-core's target-size) and take its first screen if it overflows. The
    tab stays at the phone's size: the next page's visit sets it back (probes/page.py), the last
    page of a service run costs no relayout for nothing. Never raises: a pass that fails says why
    in `error`."""
    phone = {"width": settings.mobile_width, "height": settings.mobile_height}
    reading = MobileReading(**phone)
    url = page.url
    try:
        await _bounded(page.set_viewport_size(phone), settings)
        limits = {**MOBILE_LIMITS, **dom_limits(settings)}
        measures = json.loads(await _bounded(page.evaluate(in_page("mobile.js", _FIRST), limits), settings))
        measures.pop("settled", None)
        reading = MobileReading.model_validate({**measures, **phone})
        reading.target_size = await run_axe_rule(page, settings.axe_timeout_s, TARGET_SIZE)
        reading.screenshot = await _screenshot(page, reading, settings)
        reading.screenshot_type = "jpeg" if reading.screenshot else None
        if page.url != url:  # what was measured may be another document than the one captured
            reading = MobileReading(**phone, error=f"the page navigated during the phone pass (to {page.url[:200]})")
    except PlaywrightError as exc:
        reading = MobileReading(**phone, error=short_message(str(exc)))
    except asyncio.TimeoutError:
        reading = MobileReading(**phone, error=f"the page stopped answering (no reply within {settings.page_timeout_s:g} s)")
    except ValueError as exc:  # what came back is not what mobile.js returns: the page tampered with it
        reading = MobileReading(**phone, error=f"unreadable measures: {str(exc).splitlines()[0][:200]}")
    return reading
