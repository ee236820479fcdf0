"""Is an element offered to anyone, or only kept in the page?

Real pages keep in their DOM what they show to no one: a FranceConnect button hidden since the
connection broke, beside a notice that it is unavailable; a JeDonneMonAvis link hidden while the
survey is paused; a phone link under "la plateforme téléphonique est fermée"; a block in a
`<template>` that no script uses. Others hide what a person opens with one click: a menu, a
modal, an accordion, a tab, a `<details>`. The first are not offered, the second are.

An element is **offered** when:

- the browser showed it (the collector saw it visible, or laid it out without a size of its own:
  a link around a floated image, whose box the browser places but does not measure), unless it
  sits in a `<template>`;
- or it is hidden, but inside (or itself) something closed that a control of the page opens:
  - a closed `<details>` (its `<summary>` opens it);
  - a closed element whose `id` a control names: `aria-controls` (DSFR menus, modals,
    accordions, tabs, collapses: the `data-fr-opened` buttons), `href="#id"`, a `data-*`
    attribute holding the id (`data-bs-target="#id"`, `data-target`, `data-micromodal-trigger`…),
    `popovertarget`, `commandfor`, a click handler quoting it (`onclick="ouvrir('id')"`);
  - the control itself offered (the same rule, a few levels deep: a button in a menu that a
    button opens), and not inside what it would open (a modal's own close button opens nothing).
  "Closed" means hidden: by its markup (`hidden`, inline `display: none`, a `<dialog>` or
  `<details>` not open), or holding nothing the browser showed (no visible collected element,
  and its text not in the page's visible text). A skip link to `#contenu` opens nothing: the
  main content is shown already.

It is **not offered** — hidden for good — inside a `<template>`, or when what hides it is opened
by no control: walking up from the element, a node hidden by its markup that no control opens
comes before any closed node that one opens, or nothing on the way up is opened at all (a
stylesheet's `display: none` on a block nothing points at).

The markup is read from the rendered DOM the probe kept (`PageCapture.html`); stylesheets are not
applied, so whether an element is shown comes from the collector (`Element.visible`). Without a
DOM, an element is offered when it was shown.
"""

from __future__ import annotations

import re

from checks.readings.dom import document, select, text_lines
from checks.readings.memo import per_run
from checks.readings.text import collapse
from probes.models import Element, Form, PageCapture

# How many controls deep "the control itself offered" is followed.
_MAX_DEPTH = 3
_ID_ATTRIBUTES = ("aria-controls", "aria-owns", "popovertarget", "commandfor")
_ID_LIST = re.compile(r"[\s,]+")
_HANDLER_ID = re.compile(r"""['"`]#?([\w:.-]+)['"`]""")
# Shorter texts may be found in the visible text by chance.
_MIN_TEXT = 20
_SPACES = re.compile(r"\s+")


def _tag(node) -> str:
    return node.tag.lower() if isinstance(node.tag, str) else ""


def hidden_by_markup(node) -> bool:
    """Hidden by the node's own markup: `hidden`, inline `display: none` or `visibility: hidden`,
    a `<dialog>` not open, a `<details>` not open (for what it holds beyond its summary)."""
    if node.get("hidden") is not None:
        return True
    style = _SPACES.sub("", (node.get("style") or "").lower())
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return _tag(node) in ("dialog", "details") and node.get("open") is None


def in_template(node) -> bool:
    """Inside a `<template>`: markup that is never rendered until a script clones it."""
    return any(_tag(n) == "template" for n in node.iterancestors())


def _in_summary(node, details) -> bool:
    """Whether `node` is in the summary of `details` (shown while the details are closed)."""
    return any(_tag(n) == "summary" and n.getparent() is details for n in [node, *node.iterancestors()])


def _named_ids(node) -> set[str]:
    named: set[str] = set()
    for name, value in node.items():
        name = name.lower()
        if name in _ID_ATTRIBUTES or name.startswith("data-"):
            named.update(v.lstrip("#") for v in _ID_LIST.split(value) if v.strip("#"))
        elif name == "href" and value.startswith("#") and len(value) > 1:
            named.add(value[1:])
        elif name.startswith("on"):
            named.update(_HANDLER_ID.findall(value))
    return named


class Offering:
    """Which elements of one page are offered (see the module's rules). Reads the page's DOM on
    the first question only: most pages hold nothing a check needs to ask about."""

    def __init__(self, page: PageCapture):
        self.page = page
        self._built = False
        self.root = None
        self._controls: dict[str, list] = {}
        self._shown: set = set()
        self._closed_cache: dict = {}
        self._visible_text = ""

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        page = self.page
        self.root = document(page)
        self._visible_text = collapse(page.text or "")
        if self.root is None:
            return
        for node in self.root.iter():
            if isinstance(node.tag, str):
                for ident in _named_ids(node):
                    self._controls.setdefault(ident, []).append(node)
        # What holds an element the browser showed is shown itself.
        for element in page.elements:
            if element.visible and element.tag != "script":
                holder = select(self.root, element.selector)
                # Up to a node already known to be shown: its ancestors were added with it.
                while holder is not None and holder not in self._shown:
                    self._shown.add(holder)
                    holder = holder.getparent()

    # -- closed things, and what opens them ------------------------------------------------------

    def _closed(self, node) -> bool:
        if hidden_by_markup(node):
            return True
        if node in self._shown:
            return False
        if node not in self._closed_cache:
            # Shown if a line of its own text is in the page's visible text.
            lines = text_lines(node, skip=lambda n, top=node: n is not top and hidden_by_markup(n)).splitlines()
            self._closed_cache[node] = not any(len(line) >= _MIN_TEXT and collapse(line) in self._visible_text
                                               for line in lines)
        return self._closed_cache[node]

    def _opened(self, node, depth: int) -> bool:
        """Whether `node` is closed and a control of the page, itself offered, opens it."""
        if depth > _MAX_DEPTH:
            return False
        if _tag(node) == "details" and node.get("open") is None:
            parent = node.getparent()  # its summary opens it: offered as far as the details are
            return parent is None or self._not_hidden_for_good(parent, depth + 1)
        ident = node.get("id")
        if not ident or ident not in self._controls or not self._closed(node):
            return False
        for control in self._controls[ident]:
            if control is node or node in control.iterancestors():
                continue  # inside what it would open
            if self._not_hidden_for_good(control, depth + 1):
                return True
        return False

    def _not_hidden_for_good(self, node, depth: int) -> bool:
        """For a node whose own visibility is unknown (a control, a form, an image): offered unless,
        walking up, a node hidden by its markup that nothing opens comes first."""
        if in_template(node):
            return False
        for current in [node, *node.iterancestors()]:
            if self._opened(current, depth):
                return True
            if hidden_by_markup(current) and not _in_summary(node, current):
                return False
        return True

    # -- the questions the checks ask ------------------------------------------------------------

    def node(self, node, visible: bool | None) -> bool:
        """Whether a node of this page's DOM is offered; `visible` is what the collector saw, None
        when it did not collect the node (an image a script makes clickable, a form)."""
        self._build()
        if in_template(node):
            return False
        if visible is None:
            return self._not_hidden_for_good(node, 0)
        if visible:
            return True
        # Hidden when the page was captured, by the markup or by a stylesheet: offered only if a
        # control opens what hides it, before anything hides it for good.
        for current in [node, *node.iterancestors()]:
            if self._opened(current, 0):
                return True
            if hidden_by_markup(current) and not _in_summary(node, current):
                return False
        return False

    def element(self, element: Element) -> bool:
        """Whether a collected element is offered to a person."""
        self._build()
        shown = element.visible or laid_out_without_size(element)
        node = select(self.root, element.selector) if self.root is not None and element.selector else None
        if node is None or not isinstance(node.tag, str) or node.tag.lower() != element.tag:
            return shown  # no DOM kept, or the element not found in it: what the browser showed
        return self.node(node, shown)

    def form(self, form: Form) -> bool:
        """Whether a form is offered: not in a `<template>` nor hidden for good by its markup."""
        self._build()
        node = select(self.root, form.selector) if self.root is not None and form.selector else None
        return True if node is None else self.node(node, None)

    def hidden_text(self) -> str:
        """The text of the closed parts of the page that a control opens (accordions, tabs,
        `<details>`, menus, modals), which the page's visible text leaves out: one block each."""
        self._build()
        if self.root is None:
            return ""
        blocks: list[str] = []
        candidates = [n for n in self.root.iter() if isinstance(n.tag, str)
                      and (_tag(n) == "details" or (n.get("id") and n.get("id") in self._controls))]
        taken: set = set()
        for node in candidates:
            if any(n in taken for n in [node, *node.iterancestors()]):
                continue  # inside a block already read
            if not self.node(node, False) or not self._closed(node):
                continue
            text = text_lines(node, skip=lambda n, top=node: n is not top and hidden_by_markup(n)
                              and not self._opened(n, 0))
            if text and collapse(text) not in self._visible_text:
                taken.add(node)
                blocks.append(text)
        return "\n".join(blocks)


def laid_out_without_size(element: Element) -> bool:
    """Placed on the page with an empty box (the collector calls it not visible): an inline link
    around a floated or absolutely placed image. An element that is not rendered at all
    (`display: none`) has an empty box at the page's origin instead."""
    box = element.box
    return (element.tag != "script" and box is not None and box.width == 0 and box.height == 0
            and (box.x != 0 or box.y != 0))


@per_run  # the checks reading a page ask about its elements, each its own; the DOM is read once
def offering_of(page: PageCapture) -> Offering:
    """The page's `Offering`."""
    return Offering(page)


def offered(page: PageCapture, element: Element) -> bool:
    """Whether one collected element of a page is offered."""
    return offering_of(page).element(element)
