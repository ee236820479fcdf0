"""Build captures from HTML the way the in-browser collector (probes/collect.js) would.

No browser: lxml parses the HTML; `text`/`main_text` approximate innerText (block elements on
their own lines, scripts/styles/hidden elements left out); hidden means the `hidden` attribute,
an inline `display: none` / `visibility: hidden`, a closed `<dialog>`, what a closed `<details>`
holds beyond its summary, and the same two properties set by the page's own `<style>` rules on
simple selectors (`.class`, `#id`, `tag`, `tag.class`, comma lists; the last rule wins, without
specificity); `elements` uses the collector's
selectors, attributes, absolute URLs, descendant images, outerHTML and unique CSS paths. Boxes are
synthetic (one 20 px row per element) so that tests can see them carried into evidence.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from probes.models import (
    AxeNode,
    AxeOutcome,
    AxeViolation,
    Box,
    Element,
    Form,
    FormField,
    ImageRef,
    PageCapture,
    ServiceCapture,
)

_SKIPPED = {"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg"}
_BLOCK = {"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
          "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
          "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tr", "ul", "body", "html", "caption"}
_KEPT = ("id", "class", "alt", "title", "aria-label", "type", "role", "name", "value", "rel", "target")
_SELECTOR = ("//a[@href] | //button | //input[@type='image'] | //input[@type='submit'] | //input[@type='button']"
             " | //*[@role='button'] | //*[contains(@class, 'fr-connect')] | //script[@src] | //iframe[@src]"
             " | //*[@data-jdma-form-url]")


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^([a-z][a-z0-9]*)?((?:[.#][\w-]+)*)$", re.I)


def _matches(node, selector: str) -> bool:
    match = _SIMPLE_SELECTOR.match(selector.strip())
    if not match or not (match.group(1) or match.group(2)):
        return False
    if match.group(1) and node.tag.lower() != match.group(1).lower():
        return False
    classes = (node.get("class") or "").split()
    for part in re.findall(r"[.#][\w-]+", match.group(2)):
        if (part[0] == "." and part[1:] not in classes) or (part[0] == "#" and node.get("id") != part[1:]):
            return False
    return True


def _top_level(css: str) -> str:
    """The rules outside any at-rule block (@media, @supports…: conditions not evaluated here)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, depth, in_at_rule = [], 0, []
    block_start = 0
    for i, c in enumerate(css):
        if c == "{":
            prelude = css[block_start:i].strip()
            in_at_rule.append(bool(in_at_rule and in_at_rule[-1]) or prelude.startswith("@"))
            if not in_at_rule[-1]:
                out.append(prelude + "{")
            depth += 1
            block_start = i + 1
        elif c == "}":
            if in_at_rule and not in_at_rule[-1]:
                out.append(css[block_start:i] + "}")
            if in_at_rule:
                in_at_rule.pop()
            depth = max(0, depth - 1)
            block_start = i + 1
        elif c == ";" and depth == 0:
            block_start = i + 1  # @import, @charset
    return "".join(out)


def _stylesheet_hidden(root) -> set:
    """The nodes the page's own <style> rules hide (display: none or visibility: hidden)."""
    rules = []
    for style in root.iter("style"):
        for selectors, body in _RULE.findall(_top_level(style.text or "")):
            declarations = dict(d.split(":", 1) for d in re.sub(r"\s+", "", body.lower()).split(";") if ":" in d)
            if "display" in declarations or "visibility" in declarations:
                rules.append(([s.strip() for s in selectors.split(",")], declarations))
    hidden = set()
    if not rules:
        return hidden
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        display = visibility = None
        for selectors, declarations in rules:
            if any(_matches(node, s) for s in selectors):
                display = declarations.get("display", display)
                visibility = declarations.get("visibility", visibility)
        if display == "none" or visibility == "hidden":
            hidden.add(node)
    return hidden


def _hides(node, css_hidden: set) -> bool:
    """Whether the node itself hides what it holds, as the browser would."""
    if not isinstance(node.tag, str):
        return False
    if node.get("hidden") is not None or node in css_hidden:
        return True
    style = re.sub(r"\s+", "", (node.get("style") or "").lower())
    if "display:none" in style or "visibility:hidden" in style:
        return True
    parent = node.getparent()
    if parent is not None and parent.tag == "details" and parent.get("open") is None and node.tag != "summary":
        return True  # a closed <details> shows its summary only
    return node.tag == "dialog" and node.get("open") is None


def _hidden(el, css_hidden: set = frozenset()) -> bool:
    """Hidden like the browser would hide it (see the module's docstring)."""
    return any(_hides(node, css_hidden) for node in [el, *el.iterancestors()])


def inner_text(el, css_hidden: set = frozenset()) -> str:
    """An approximation of HTMLElement.innerText: lines for blocks, no scripts or hidden parts."""
    out: list[str] = []
    space = re.compile(r"[ \t\n\r\f\v]+")  # not U+00A0: innerText keeps non-breaking spaces

    def walk(node) -> None:
        if not isinstance(node.tag, str):  # comments, processing instructions
            if node.tail:
                out.append(space.sub(" ", node.tail))
            return
        tag = node.tag.lower()
        hidden = tag in _SKIPPED or _hides(node, css_hidden)
        if not hidden:
            if tag == "br":
                out.append("\n")
            block = tag in _BLOCK
            if block:
                out.append("\n")
            if tag in ("td", "th"):
                out.append("\t")
            if node.text:
                out.append(space.sub(" ", node.text))
            for child in node:
                walk(child)
            if block:
                out.append("\n")
        if node.tail:
            out.append(space.sub(" ", node.tail))

    walk(el)
    lines = [space.sub(" ", line).strip(" ") for line in "".join(out).split("\n")]
    return "\n".join(line for line in lines if line.strip())


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _selector(el, ids: dict[str, int]) -> str:
    if el.get("id") and ids.get(el.get("id")) == 1:
        return "#" + el.get("id")
    parts: list[str] = []
    node = el
    while node is not None and node.tag != "html":
        if node.get("id") and ids.get(node.get("id")) == 1:
            parts.insert(0, "#" + node.get("id"))
            return " > ".join(parts)
        part = node.tag
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                part += f":nth-of-type({same.index(node) + 1})"
        parts.insert(0, part)
        node = parent
    parts.insert(0, "html")
    return " > ".join(parts)


def _attrs(el, base: str) -> dict[str, str]:
    out = {}
    for name, value in el.attrib.items():
        name = name.lower()
        if name in _KEPT or name.startswith("data-"):
            out[name] = str(value)[:500]
    if el.get("href") is not None:
        out["href"] = urljoin(base, el.get("href").strip())
    if el.get("src") is not None:
        out["src"] = urljoin(base, el.get("src").strip())
    return out


def elements_of(root, base: str, css_hidden: set = frozenset()) -> list[Element]:
    ids: dict[str, int] = {}
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("id"):
            ids[node.get("id")] = ids.get(node.get("id"), 0) + 1
    elements = []
    for index, el in enumerate(root.xpath(_SELECTOR)):
        tag = el.tag.lower()
        if tag == "input" and (el.get("type") or "").lower() == "image":
            images = [ImageRef(src=urljoin(base, el.get("src", "")), alt=el.get("alt", ""))]
        else:
            images = [ImageRef(src=urljoin(base, img.get("src", "")), alt=img.get("alt", ""))
                      for img in el.iter("img")][:10]
        if tag == "input":
            text = _collapse(el.get("value", ""))
        elif tag == "script":
            text = ""
        else:
            text = _collapse(inner_text(el, css_hidden))
        elements.append(Element(
            tag=tag,
            selector=_selector(el, ids),
            text=text[:300],
            attrs=_attrs(el, base),
            images=images,
            html=etree.tostring(el, encoding="unicode", method="html", with_tail=False)[:1000],
            box=Box(x=0, y=20 * index, width=200, height=20),
            visible=tag != "script" and not _hidden(el, css_hidden),
        ))
    return elements


def forms_of(root, base: str) -> list[Form]:
    forms = []
    for form in root.iter("form"):
        fields = [FormField(tag=f.tag, name=f.get("name", ""), type=(f.get("type") or "").lower())
                  for f in form.iter("input", "select", "textarea")
                  if (f.get("type") or "").lower() not in ("hidden", "submit", "button", "image", "reset")]
        forms.append(Form(selector=_selector(form, {}), action=urljoin(base, form.get("action", "")),
                          method=(form.get("method") or "get").lower(), fields=fields))
    return forms


def page_from_html(html: str, url: str = "https://service.example.gouv.fr/", kind: str = "landing",
                   axe: AxeOutcome | None = None, **extra) -> PageCapture:
    """A loaded page as the probe would have captured it from this HTML."""
    root = lxml.html.document_fromstring(html)
    body = root.find("body")
    if body is None:
        body = root
    main = root.xpath("//main | //*[@role='main']")
    css_hidden = _stylesheet_hidden(root)
    return PageCapture(
        url=url, kind=kind, final_url=url, http_status=200, ok=True, content_type="text/html",
        title=_collapse(root.findtext(".//title") or ""), lang=root.get("lang", ""),
        html=html, text=inner_text(body, css_hidden), main_text=inner_text(main[0] if main else body, css_hidden),
        elements=elements_of(root, url, css_hidden), forms=forms_of(root, url), axe=axe, **extra,
    )


def failed_page(url: str = "https://service.example.gouv.fr/", kind: str = "landing",
                error_class: str = "timeout", error: str = "Navigation timeout of 30000 ms exceeded") -> PageCapture:
    """A page the probe could not load."""
    return PageCapture(url=url, kind=kind, ok=False, error=error, error_class=error_class)


def capture(*pages: PageCapture) -> ServiceCapture:
    """A service capture whose landing page is the first page."""
    landing = pages[0] if pages else None
    return ServiceCapture(
        url=landing.url if landing else "https://service.example.gouv.fr/",
        final_url=landing.final_url if landing else None,
        http_status=landing.http_status if landing else None,
        ok=bool(landing and landing.ok),
        error=landing.error if landing else "no page",
        error_class=landing.error_class if landing else None,
        pages=list(pages),
    )


def html_page(body: str, title: str = "Service", lang: str = "fr") -> str:
    """A minimal HTML document around a body fragment."""
    return f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"


def landing(body: str, url: str = "https://service.example.gouv.fr/", **kw) -> PageCapture:
    return page_from_html(html_page(body), url=url, **kw)


def axe(*violations: tuple[str, str | None, int], version: str = "4.10.2") -> AxeOutcome:
    """A measured axe outcome of an axe-core without RGAA tags: (rule id, impact, number of nodes)
    per violation."""
    return AxeOutcome(version=version, violations=[
        AxeViolation(id=rule, impact=impact, tags=["wcag2a"],
                     nodes=[AxeNode(target=[f"#n{i}"], html=f"<div id='n{i}'></div>") for i in range(count)])
        for rule, impact, count in violations
    ])


def axe_result(rule: str, impact: str | None, nodes: int, *tags: str) -> AxeViolation:
    """One rule result as axe-core ≥ 4.11 reports it, with its tags (e.g. 'RGAA-1.1.1')."""
    return AxeViolation(id=rule, impact=impact, tags=["wcag2a", *tags], help=f"{rule} help",
                        nodes=[AxeNode(target=[f"#{rule}-{i}"], html=f"<div id='{rule}-{i}'></div>",
                                       failure_summary="Fix this") for i in range(nodes)])
