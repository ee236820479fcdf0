"""Waiting for a page to hold still before it is read: its network quiet, then its DOM."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, replace

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from probes.settings import ProbeSettings

# Run before any script of the page (an init script, as QUIET_UI_JS in page.py). It keeps, out of
# the page's reach:
# - when the DOM last changed: a MutationObserver started at DOMContentLoaded (the parser's own
#   insertions before it say nothing about scripts still at work, and would cost a record each);
#   nodes added or removed, text changed, and the attributes that show or hide content (hidden,
#   class, aria-hidden, open), not `style`, which animations rewrite at every frame;
# - the one-shot timers (setTimeout) the page has set and not cleared, with when they fire: the
#   usual way content is written "a little later" (a loader, a hydration step, a delayed render).
#   Intervals are not followed: a page polling or ticking for ever would always look busy.
# Its wait(quiet, max) resolves once the DOM has not changed for `quiet` ms and every timer
# pending at the call and due before the deadline has fired, or at the deadline.
SETTLE_INIT_JS = """(() => {
  if (Object.getOwnPropertyDescriptor(window, "__veilleurSettle")) return;
  const clock = performance.now.bind(performance);
  const nativeSet = window.setTimeout, nativeClear = window.clearTimeout;
  const Observer = window.MutationObserver;
  const HORIZON_MS = 10000, MAX_TIMERS = 1000;
  const dues = new Map();
  let last = 0, mutations = 0, watching = false, pruned = -Infinity;

  window.setTimeout = function setTimeout(handler, delay) {
    const id = nativeSet.apply(window, arguments);
    const ms = Number(delay) || 0;
    if (ms <= HORIZON_MS) {
      const now = clock();
      // Fired timers are forgotten in bulk, at most every 100 ms: a page setting thousands of
      // timers must not pay a sweep at each.
      if (dues.size >= MAX_TIMERS && now - pruned > 100) {
        pruned = now;
        for (const [key, due] of dues) if (due <= now) dues.delete(key);
      }
      if (dues.size < MAX_TIMERS) dues.set(id, now + ms);
    }
    return id;
  };
  window.clearTimeout = function clearTimeout(id) {
    dues.delete(id);
    return nativeClear.apply(window, arguments);
  };

  function watch() {
    if (watching || !Observer) return;
    watching = true;
    last = clock();
    new Observer((records) => { last = clock(); mutations += records.length; }).observe(document, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ["hidden", "class", "aria-hidden", "open"],
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch, {once: true});
  else watch();

  function wait(quietMs, maxMs) {
    watch();
    const start = clock(), deadline = start + maxMs, before = mutations;
    let timers = 0, awaited = 0;
    for (const due of dues.values()) {
      if (due > start && due <= deadline) { timers++; awaited = Math.max(awaited, due + 1); }
    }
    let checks = 0;
    return new Promise((resolve) => {
      const check = () => {
        const now = clock(), ready = Math.max(last + quietMs, awaited);
        checks++;
        if (now >= ready || now >= deadline) {
          resolve({waited_ms: now - start, mutations: mutations - before, timers, capped: now < ready,
                   at_once: checks === 1});
        } else {
          nativeSet.call(window, check, Math.min(ready, deadline) - now);
        }
      };
      check();
    });
  }
  Object.defineProperty(window, "__veilleurSettle", {value: Object.freeze({wait})});
})();"""

_WAIT_JS = """([quiet, max]) => {
  const settle = window.__veilleurSettle;
  return settle ? settle.wait(quiet, max) : null;
}"""

# The DOM's wait as statements in front of a script of ours (scripts.in_page, with dom_limits()):
# one round trip for both. On a busy machine a round trip costs more than the wait itself: an
# evaluate() of its own for a page already still took a median of 70 ms, up to 0.6 s, with six
# tabs on two loaded cores (bench/).
AWAIT_DOM_JS = """const settle = window.__veilleurSettle;
  if (settle && limits.settleQuietMs > 0) settled = await settle.wait(limits.settleQuietMs, limits.settleCapMs);"""

# Beyond the DOM's own cap: the round trip, and a page too busy to run our timer on time.
_EVALUATE_MARGIN_S = 2.0


@dataclass(frozen=True)
class Settled:
    """How long a page took to hold still, in ms: the network, then the DOM after it."""

    network_ms: float = 0.0
    dom_ms: float = 0.0
    # DOM changes seen during the DOM's wait; whether it was still at once (no change for a quiet
    # window and no timer due: no wait at all); whether the cap cut the wait short.
    mutations: int = 0
    at_once: bool = False
    capped: bool = False

    @property
    def total_ms(self) -> float:
        return self.network_ms + self.dom_ms


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


async def wait_network(page: Page, cap_s: float) -> float:
    """Wait for the network to go quiet (no request for 500 ms), never longer than the cap: pages
    that poll forever are common."""
    started = time.monotonic()
    try:
        await page.wait_for_load_state("networkidle", timeout=cap_s * 1000)
    except PlaywrightError:
        pass
    return _ms_since(started)


def dom_limits(settings: ProbeSettings) -> dict:
    """What AWAIT_DOM_JS reads from a script's limits."""
    return {"settleQuietMs": settings.settle_quiet_ms, "settleCapMs": settings.settle_dom_cap_s * 1000}


def settled_in_page(outcome) -> Settled:
    """The DOM's wait as the page reported it (None: no wait, or no record of ours there)."""
    if not isinstance(outcome, dict):
        return Settled()
    waited = outcome.get("waited_ms")
    return Settled(dom_ms=round(float(waited), 1) if isinstance(waited, (int, float)) else 0.0,
                   mutations=int(outcome.get("mutations") or 0), at_once=bool(outcome.get("at_once")),
                   capped=bool(outcome.get("capped")))


async def wait_dom(page: Page, quiet_ms: float, cap_s: float) -> Settled:
    """Wait for the DOM to go quiet (see SETTLE_INIT_JS), never longer than the cap. A page that
    navigates or breaks meanwhile is left to whoever reads it next."""
    started = time.monotonic()
    if quiet_ms <= 0:
        return Settled()
    try:
        outcome = await asyncio.wait_for(page.evaluate(_WAIT_JS, [quiet_ms, cap_s * 1000]),
                                         timeout=cap_s + _EVALUATE_MARGIN_S)
    except (PlaywrightError, asyncio.TimeoutError):
        return Settled(dom_ms=_ms_since(started), capped=True)
    return replace(settled_in_page(outcome), dom_ms=_ms_since(started))


async def settle(page: Page, settings: ProbeSettings) -> Settled:
    """The network quiet, then the DOM: content written by script after the last request (a
    timer, a hydration step) is there when the page is read. A page already still (no change for
    a quiet window, no timer due) does not wait for the DOM. The probe's own visit runs the DOM's
    wait inside its collecting script instead (AWAIT_DOM_JS), saving the round trip."""
    network_ms = await wait_network(page, settings.settle_cap_s)
    dom = await wait_dom(page, settings.settle_quiet_ms, settings.settle_dom_cap_s)
    return replace(dom, network_ms=network_ms)


async def install(page: Page, settings: ProbeSettings) -> None:
    """Have every document of this tab keep the record the DOM's wait reads."""
    if settings.settle_quiet_ms > 0:
        await page.add_init_script(SETTLE_INIT_JS)
