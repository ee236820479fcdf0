"""Waiting for a page to hold still before it is read: its load, then its scripts' requests and its DOM."""

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
#   Intervals are not followed: a page polling or ticking for ever would always look busy;
# - the requests its scripts have under way: fetch() until its body is read (json(), text()…),
#   XMLHttpRequest until it ends, and the scripts, style sheets and images they add to the DOM
#   until they load. That is the content still to come once the page has loaded, which the
#   network's quiet (500 ms without a request, for every page) used to wait for.
# Its wait(quiet, max) resolves once the requests under way at the call (and those they lead to
# before they end) are over, the DOM has not changed for `quiet` ms and every timer pending then
# and due before the deadline has fired, or at the deadline. What those timers start is not
# waited for: a page polling (fetch, then a timer, then fetch…) would otherwise never be read.
SETTLE_INIT_JS = """(() => {
  if (Object.getOwnPropertyDescriptor(window, "__veilleurSettle")) return;
  const clock = performance.now.bind(performance);
  const nativeSet = window.setTimeout, nativeClear = window.clearTimeout;
  const Observer = window.MutationObserver;
  const HORIZON_MS = 10000, MAX_TIMERS = 1000, POLL_MS = 50;
  const dues = new Map();
  let last = 0, mutations = 0, watching = false, pruned = -Infinity;
  // Requests under way (one token each); `gathering`: the set a wait follows, while it still takes in
  // the requests that start.
  const open = new Set();
  let gathering = null;
  function opened() {
    const token = {};
    open.add(token);
    if (gathering) gathering.add(token);
    let ended = false;
    return () => { if (!ended) { ended = true; open.delete(token); } };
  }

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

  // One request under way until `promise` settles; the page gets the promise as it was.
  function underWay(promise) {
    const done = opened();
    promise.then(done, done);
    return promise;
  }
  const nativeFetch = window.fetch;
  if (nativeFetch) {
    window.fetch = function fetch() { return underWay(nativeFetch.apply(this, arguments)); };
  }
  if (window.Response) {
    for (const name of ["json", "text", "arrayBuffer", "blob", "formData"]) {
      const read = Response.prototype[name];
      if (read) Response.prototype[name] = function () { return underWay(read.apply(this, arguments)); };
    }
  }
  if (window.XMLHttpRequest) {
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function () {
      const end = opened();
      this.addEventListener("loadend", end);
      try { return send.apply(this, arguments); } catch (error) { end(); throw error; }
    };
  }
  const LOADING = "script[src], link[rel~='stylesheet'][href], img[src]";
  function follow(element) {
    if (element.tagName === "IMG" && (element.complete || element.loading === "lazy")) return;
    const end = opened();
    element.addEventListener("load", end, {once: true});
    element.addEventListener("error", end, {once: true});
    nativeSet.call(window, end, HORIZON_MS);  // an element never loaded nor failed: not for ever
  }
  function added(records) {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(LOADING)) follow(node);
        if (node.firstElementChild) for (const inner of node.querySelectorAll(LOADING)) follow(inner);
      }
    }
  }

  function watch() {
    if (watching || !Observer) return;
    watching = true;
    last = clock();
    new Observer((records) => { last = clock(); mutations += records.length; added(records); }).observe(document, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ["hidden", "class", "aria-hidden", "open"],
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch, {once: true});
  else watch();

  function wait(quietMs, maxMs) {
    watch();
    const start = clock(), deadline = start + maxMs, before = mutations;
    const watched = gathering = new Set(open), requests = watched.size;
    let timers = 0, awaited = 0, checks = 0;
    return new Promise((resolve) => {
      const check = () => {
        const now = clock();
        checks++;
        for (const token of watched) if (!open.has(token)) watched.delete(token);
        if (watched.size > 0 && now < deadline) {
          nativeSet.call(window, check, Math.min(POLL_MS, deadline - now));
          return;
        }
        if (gathering === watched) {
          gathering = null;  // the answers are in: the timers they set going are the last awaited
          for (const due of dues.values()) {
            if (due > now && due <= deadline) { timers++; awaited = Math.max(awaited, due + 1); }
          }
        }
        const ready = Math.max(last + quietMs, awaited);
        if (now >= ready || now >= deadline) {
          if (gathering === watched) gathering = null;
          resolve({waited_ms: now - start, mutations: mutations - before, timers, requests,
                   capped: now < ready || watched.size > 0, at_once: checks === 1});
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
    """How long a page took to hold still, in ms: its load, then its requests and DOM after it."""

    load_ms: float = 0.0
    dom_ms: float = 0.0
    # DOM changes seen during the DOM's wait; whether it was still at once (no change for a quiet
    # window and no timer due: no wait at all); whether the cap cut the wait short.
    mutations: int = 0
    at_once: bool = False
    capped: bool = False

    @property
    def total_ms(self) -> float:
        return self.load_ms + self.dom_ms


def _ms_since(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


async def wait_loaded(page: Page, cap_s: float) -> float:
    """Wait for the page's load event (its images, style sheets, scripts and frames in), never
    longer than the cap: one resource that never answers must not cost the page. What comes
    after the load, the DOM's wait follows (SETTLE_INIT_JS)."""
    started = time.monotonic()
    try:
        await page.wait_for_load_state("load", timeout=cap_s * 1000)
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
    """The load, then the DOM: content a script fetches or writes after the load (a request, a
    timer, a hydration step) is there when the page is read. A page already still (no request
    under way, no change for a quiet window, no timer due) does not wait for the DOM. The probe's
    own visit runs the DOM's wait inside its collecting script instead (AWAIT_DOM_JS), saving
    the round trip."""
    load_ms = await wait_loaded(page, settings.settle_cap_s)
    dom = await wait_dom(page, settings.settle_quiet_ms, settings.settle_dom_cap_s)
    return replace(dom, load_ms=load_ms)


async def install(page: Page, settings: ProbeSettings) -> None:
    """Have every document of this tab keep the record the DOM's wait reads."""
    if settings.settle_quiet_ms > 0:
        await page.add_init_script(SETTLE_INIT_JS)
