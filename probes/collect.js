// Runs inside the page (page.evaluate): reads what the checks need from the rendered DOM.
// Bounded on purpose: a hostile page with a huge DOM must not stall the probe. `selectorOf` is
// selector.js, shared with mobile.js.
(limits, selectorOf) => {
  const MAX_ELEMENTS = limits.maxElements, MAX_TEXT = limits.maxText;
  const collapse = (s) => (s || "").replace(/\s+/g, " ").trim();
  function boxOf(el) {
    const r = el.getBoundingClientRect();
    return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
  }

  function isVisible(el, box) {
    if (box.width === 0 && box.height === 0) return false;
    const style = window.getComputedStyle(el);
    return style.visibility !== "hidden" && style.display !== "none" && style.opacity !== "0";
  }

  const KEPT = ["id", "class", "alt", "title", "aria-label", "type", "role", "name", "value", "rel", "target"];
  function attrsOf(el) {
    const out = {};
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (KEPT.includes(name) || name.startsWith("data-")) out[name] = String(attr.value).slice(0, 500);
    }
    // Absolute URLs: the checks compare hosts and paths, whatever the markup wrote.
    if (el.hasAttribute("href") && typeof el.href === "string") out.href = el.href.slice(0, 2000);
    else if (el.hasAttribute("href")) out.href = String(el.getAttribute("href")).slice(0, 2000);
    if (el.hasAttribute("src") && typeof el.src === "string") out.src = el.src.slice(0, 2000);
    return out;
  }

  const SELECTOR = 'a[href], button, input[type=image], input[type=submit], input[type=button], ' +
    '[role=button], [class*="fr-connect"], script[src], iframe[src], [data-jdma-form-url]';
  const elements = [];
  for (const el of document.querySelectorAll(SELECTOR)) {
    if (elements.length >= MAX_ELEMENTS) break;
    const tag = el.tagName.toLowerCase();
    const box = boxOf(el);
    let images = [];
    if (tag === "input" && (el.type || "").toLowerCase() === "image") {
      images = [{ src: el.src || "", alt: el.alt || "" }];
    } else {
      images = Array.from(el.querySelectorAll("img")).slice(0, 10).map((img) => ({ src: img.src || "", alt: img.alt || "" }));
    }
    const text = tag === "input" ? collapse(el.value) : (tag === "script" ? "" : collapse(el.innerText));
    elements.push({
      tag,
      selector: selectorOf(el),
      text: text.slice(0, 300),
      attrs: attrsOf(el),
      images,
      html: el.outerHTML.slice(0, 1000),
      box,
      visible: tag === "script" ? false : isVisible(el, box),
    });
  }

  function labelOf(field) {
    const aria = field.getAttribute("aria-label");
    if (aria) return collapse(aria);
    const labelledby = field.getAttribute("aria-labelledby");
    if (labelledby) {
      const text = labelledby.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean)
        .map((n) => collapse(n.innerText)).join(" ");
      if (text) return text;
    }
    if (field.labels && field.labels.length) return collapse(Array.from(field.labels).map((l) => l.innerText).join(" "));
    return collapse(field.getAttribute("placeholder") || field.getAttribute("title") || "");
  }

  const forms = Array.from(document.forms).slice(0, 50).map((form) => ({
    selector: selectorOf(form),
    action: form.action || "",
    method: (form.getAttribute("method") || "get").toLowerCase(),
    fields: Array.from(form.querySelectorAll("input, select, textarea")).slice(0, 200)
      .filter((f) => !["hidden", "submit", "button", "image", "reset"].includes((f.type || "").toLowerCase()))
      .map((f) => ({ tag: f.tagName.toLowerCase(), name: f.name || "", type: (f.type || "").toLowerCase(), label: labelOf(f), required: !!f.required })),
  }));

  const body = document.body;
  const main = document.querySelector("main, [role=main]");
  const nav = performance.getEntriesByType("navigation")[0];
  const timings = nav ? {
    ttfb_ms: nav.responseStart > 0 ? nav.responseStart : null,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd > 0 ? nav.domContentLoadedEventEnd : null,
    load_ms: nav.loadEventEnd > 0 ? nav.loadEventEnd : null,
  } : {};

  return {
    title: (document.title || "").slice(0, 500),
    lang: document.documentElement.getAttribute("lang") || "",
    text: body ? (body.innerText || "").slice(0, MAX_TEXT) : "",
    main_text: ((main || body) ? ((main || body).innerText || "") : "").slice(0, MAX_TEXT),
    elements,
    forms,
    timings,
    // For the full-page screenshot that follows: how tall the page is.
    scroll_height: Math.max(document.documentElement.scrollHeight, body ? body.scrollHeight : 0),
  };
}
