"""Which forms of a page are the procedure itself, read alike by the online-procedure and DLNUF checks.

A procedure's form is sent by POST (or holds a file field) and has a file field or at least four
fields (a radio group counts once); it is neither a search form, nor a login or account form (a
password field), nor a contact form (a message, question or subject field and no file field), nor
a form of the contact page.
"""

from __future__ import annotations

import re

from checks import urls
from checks.readings.text import fold
from probes.models import Form, PageCapture

_SEARCH_NAMES = {"q", "query", "s", "search", "recherche", "rechercher", "keywords", "keyword", "motcle", "mot-cle",
                 "mots-cles", "term", "terms"}
_SEARCH_ACTION = re.compile(r"recherche|search", re.I)
_MESSAGE_FIELD = re.compile(r"message|question|commentaire|objet|sujet|subject|comment")
_MIN_FIELDS = 4


def distinct_fields(form: Form) -> int:
    """The form's fields as a user counts them: a radio group (or checkboxes of one name) is one."""
    names: set[str] = set()
    count = 0
    for f in form.fields:
        if f.name and f.type in ("radio", "checkbox"):
            if f.name in names:
                continue
            names.add(f.name)
        count += 1
    return count


def _is_search(form: Form) -> bool:
    if _SEARCH_ACTION.search(urls.path(form.action)):
        return True
    return any(f.type == "search" or f.name.lower() in _SEARCH_NAMES for f in form.fields)


def file_fields(form: Form) -> int:
    return sum(f.type == "file" for f in form.fields)


def procedure_forms(page: PageCapture) -> list[Form]:
    """The page's forms that are the procedure itself (see the module docstring)."""
    if page.kind == "contact":
        return []
    found = []
    for form in page.forms:
        files = file_fields(form)
        if not (form.method.lower() == "post" or files):
            continue
        if any(f.type == "password" for f in form.fields) or _is_search(form):
            continue
        if not files and any(_MESSAGE_FIELD.search(fold(f"{f.name} {f.label}")) for f in form.fields):
            continue
        if files or distinct_fields(form) >= _MIN_FIELDS:
            found.append(form)
    return found
