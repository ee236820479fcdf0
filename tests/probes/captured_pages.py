"""Captured pages made from HTML files without a browser: title, shown text, headings' markup,
links, buttons and forms, as collect.js would read them on a page whose scripts did not run."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from probes.models import Element, Form, PageCapture

_HIDDEN = {"script", "style", "noscript", "title", "head", "template"}
_ACTIONABLE = {"a", "button", "iframe", "input"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.text, self.hidden = "", [], 0
        self.in_title = False
        self.elements: list[Element] = []
        self.forms: list[Form] = []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN:
            self.hidden += 1
        self.in_title = self.in_title or tag == "title"
        if tag in _ACTIONABLE and not self.hidden:
            self.elements.append(Element(tag=tag, selector=tag, attrs={k: v or "" for k, v in attrs}))
        if tag == "form":
            self.forms.append(Form(selector="form"))

    def handle_endtag(self, tag):
        if tag in _HIDDEN and self.hidden:
            self.hidden -= 1
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.hidden:
            self.text.append(data)


def page_from_html(html: str, status: int = 200, headers: dict[str, str] | None = None) -> PageCapture:
    reader = _Reader()
    reader.feed(html)
    text = " ".join(" ".join(reader.text).split())
    return PageCapture(url="http://127.0.0.1/", kind="landing", http_status=status, ok=200 <= status < 300,
                       response_headers=headers or {}, title=reader.title.strip(), html=html, text=text,
                       main_text=text, elements=reader.elements, forms=reader.forms)


def corpus_pages(corpus: Path, labels_file: str) -> list[tuple[str, str, PageCapture]]:
    """(case, labelled class, captured page) for every page of each labelled case of a corpus: the
    landing page and the others, with the status and headers its server.json gives them."""
    labels = json.loads((corpus / labels_file).read_text(encoding="utf-8"))
    out = []
    for case, label in labels.items():
        folder = corpus / case
        server = json.loads((folder / "server.json").read_text()) if (folder / "server.json").is_file() else {}
        for file in sorted(folder.glob("*.html")):
            path = "/" if file.name == "index.html" else f"/{file.name}"
            page = page_from_html(file.read_text(encoding="utf-8"), server.get("status", {}).get(path, 200),
                                  server.get("headers", {}).get(path))
            out.append((case, label["not_the_service"], page))
    return out
