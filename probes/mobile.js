// Runs inside the page (page.evaluate) once the tab has a phone's width: what that screen shows.
// Measures only; checks/mobile.py decides. Bounded like collect.js: a huge DOM must not stall us.
(limits, selectorOf) => {
  const collapse = (s) => (s || "").replace(/\s+/g, " ").trim();
  const root = document.documentElement, body = document.body;
  const scroller = document.scrollingElement || root;
  const width = root.clientWidth || window.innerWidth, height = window.innerHeight;

  // The last viewport meta is the one the browser applies.
  const metas = document.querySelectorAll('meta[name="viewport" i]');
  const viewportMeta = metas.length ? (metas[metas.length - 1].getAttribute("content") || "") : null;

  function boxOf(r) {
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  }
  const shown = (el) => (el.checkVisibility
    ? el.checkVisibility({ visibilityProperty: true, opacityProperty: true })
    : getComputedStyle(el).visibility !== "hidden");
  const clipsX = (style) => style.overflowX !== "visible";

  // Where overflow goes when the page is wider than the screen: scrolled to sideways, or cut off
  // by the root (overflow-x hidden on html, or on body when html leaves it visible).
  const rootStyle = getComputedStyle(root), bodyStyle = body ? getComputedStyle(body) : null;
  const rootClips = clipsX(rootStyle) || (rootStyle.overflowX === "visible" && !!bodyStyle && clipsX(bodyStyle));
  const scrollWidth = Math.max(scroller.scrollWidth, width);

  // Elements a person sees reaching past the right edge: shown, not in a fixed layer (a fixed
  // box moves with the screen and widens no page), not inside a narrower box of their own that
  // scrolls or clips (a table in its scrolling wrapper is the right way to show it). When the
  // root cuts the overflow off, only those starting on the screen are seen (cut); the rest are
  // off-canvas panels nobody sees.
  const wide = [];
  if (body && scrollWidth > width) {
    const all = body.getElementsByTagName("*");
    const count = Math.min(all.length, limits.maxElements);
    for (let i = 0; i < count && wide.length < limits.maxCandidates; i++) {
      const el = all[i];
      const r = el.getBoundingClientRect();
      if (r.right <= width + 1 || r.width < 1 || r.height < 1) continue;
      if (rootClips && r.left >= width) continue;
      if (!shown(el) || getComputedStyle(el).position === "fixed") continue;
      let held = false;
      for (let a = el.parentElement; a && a !== body && a !== root; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.position === "fixed" || (clipsX(style) && a.getBoundingClientRect().right <= width + 1)) {
          held = true;
          break;
        }
      }
      if (!held) wide.push({ el, r });
    }
  }
  wide.sort((a, b) => b.r.width - a.r.width);
  const tooWide = wide.slice(0, limits.maxReported).map(({ el, r }) => ({
    tag: el.tagName.toLowerCase(),
    selector: selectorOf(el),
    text: collapse(el.innerText).slice(0, 200),
    html: el.outerHTML.slice(0, 500),
    box: boxOf(r),
  }));

  // The sizes of the text shown, in characters per computed font size (px), and the smallest
  // pieces of text with where they are. Text in a box of 1 px or less is for screen readers.
  const sizes = new Map(), parents = new Map(), smallest = [];
  const before = (a, b) => a.size < b.size || (a.size === b.size && a.text.length > b.text.length);
  let nodes = 0;
  if (body) {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node && nodes < limits.maxTextNodes; node = walker.nextNode()) {
      const text = collapse(node.nodeValue);
      const el = node.parentElement;
      if (!text || !el) continue;
      let size = parents.get(el);
      const first = size === undefined;
      if (first) {
        const r = el.getBoundingClientRect();
        // Not a box pushed out of the page above or to the left (a skip link waiting for focus).
        const visible = r.width > 1 && r.height > 1 && r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0
          && shown(el);
        const px = visible ? parseFloat(getComputedStyle(el).fontSize) : NaN;
        size = px > 0 ? Math.round(px * 10) / 10 : null;
        parents.set(el, size);
      }
      if (size === null) continue;
      nodes++;
      const entry = sizes.get(size) || { size_px: size, chars: 0, nodes: 0 };
      entry.chars += text.length;
      entry.nodes += 1;
      sizes.set(size, entry);
      // One sample per element: the smallest text, and of one size the longest (a paragraph
      // tells more than a one-word link).
      const sample = { el, text, size };
      if (first && (smallest.length < limits.maxReported || before(sample, smallest[smallest.length - 1]))) {
        smallest.push(sample);
        smallest.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
        if (smallest.length > limits.maxReported) smallest.pop();
      }
    }
  }

  return {
    width,
    height,
    viewport_meta: viewportMeta,
    scroll_width: scrollWidth,
    root_clips: rootClips,
    too_wide: tooWide,
    text_sizes: Array.from(sizes.values()).sort((a, b) => a.size_px - b.size_px),
    smallest_text: smallest.map(({ el, text, size }) => ({
      size_px: size,
      selector: selectorOf(el),
      text: text.slice(0, 200),
      html: el.outerHTML.slice(0, 500),
      box: boxOf(el.getBoundingClientRect()),
    })),
  };
}
