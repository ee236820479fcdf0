"""What "written in French" means for a screen, as a test can check it: the visible text of a page
(what a reader sees, leaving out code, HTML snippets and addresses) holds no raw identifier of
ours and no English sentence.

The checks, listed in the closing note of the issue that asked for them:
- no identifier: no snake_case token (`franceconnect_plus`, `http_5xx`, `demarche_id`), and no
  status, page kind, error class or severity id of ours shown as itself where the vocabulary
  gives a French word for it (`present`, `measured`, `unknown`, `landing`, `timeout`, `critical`);
- no English: none of the English function words and phrases that our English texts used to be
  made of ("the", "not found", "looked for", "page(s)", "could not", "node(s)"…);
- no Python showing through: no `{'`, `': `, `True`, `False`, `None`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import html as lxml_html

from checks import finding_types
from foundation import vocabulary

# Elements whose text is not prose: code, captured markup, and what the browser does not show.
NOT_PROSE = ("script", "style", "code", "pre", "kbd", "samp", "template", "noscript", "head")

ENGLISH = re.compile(
    r"\b(the|and|of|not|found|with|was|were|could|looked|none|failed|button|statement|check|checks|nodes?"
    r"|words|lines|loaded|should|must|have|has|this|that|which|from|for|only|cannot|error|errors|level"
    r"|measured|present|unknown|partial|online|offline|landing|login|timeout|critical|serious|moderate"
    r"|minor|true|false|null|page\(s\)|node\(s\)|address\(es\)|word\(s\))\b",
    re.IGNORECASE)
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
PYTHON = re.compile(r"\{'|': |\bTrue\b|\bFalse\b|\bNone\b")
# Addresses, file names, e-mail addresses, CSS selectors and hashes: data, not prose.
# axe-core's rule ids (`button-name`) are identifiers too.
DATA = re.compile(r"\S*(?:://|@|\.html|\.svg|\.png|\.jpg|\.json|\.eml|\.zip|\.pem|#)\S*|\b[0-9a-f]{12,}\b"
                  r"|\b[a-z]+(?:-[a-z0-9]+)+\b")


# Ids of ours that are French words too, and read as such.
FRENCH_WORDS = {"absent", "contact", "compatible", "incompatible", "non", "totalement", "partiellement", "maintenance"}


def raw_words() -> set[str]:
    """Our ids that must never show as themselves: every status of every check whose French word
    differs from it, every page kind, error class and severity."""
    words = {s for cls in finding_types().values() for s in cls.statuses if vocabulary.status(s) != s}
    return words | set(vocabulary.PAGE_KINDS) | set(vocabulary.ERROR_CLASSES) | set(vocabulary.IMPACTS)


def visible_text(markup: str) -> str:
    """The text a reader sees in an HTML document (or fragment)."""
    root = lxml_html.fromstring(markup or "<p></p>")
    hidden = root.xpath("//*[@hidden or @aria-hidden='true']")
    for element in [*root.iter(*NOT_PROSE), *hidden]:
        if element.getparent() is not None:
            element.drop_tree()
    # Every element ends a word: "3" in one cell and "règles" in the next are two words.
    for element in root.iter():
        element.tail = " " + (element.tail or "")
    return " ".join(root.text_content().split())


def problems(text: str) -> list[str]:
    """What is not French in a visible text, each with a little context."""
    prose = DATA.sub(" ", text)
    found: list[str] = []
    raw = raw_words() - FRENCH_WORDS
    for pattern, what in ((ENGLISH, "anglais"), (IDENTIFIER, "identifiant"), (PYTHON, "Python")):
        for match in pattern.finditer(prose):
            found.append(f"{what} « {match.group(0)} » dans « …{prose[max(0, match.start() - 50):match.end() + 50]}… »")
    for match in re.finditer(r"\b[a-z_]+\b", prose):
        if match.group(0) in raw and match.group(0) not in {w.lower() for w in vocabulary.STATUSES.values()}:
            found.append(f"code « {match.group(0)} » dans « …{prose[max(0, match.start() - 50):match.end() + 50]}… »")
    return found


def all_problems(named_texts: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """{screen name: its problems} for the screens that have any."""
    return {name: p for name, text in named_texts if (p := problems(text))}


# The glossary's words (docs/glossaire.md, foundation/vocabulary.py's AVOID): a screen says
# « démarche », « 4e trimestre 2026 » and Paris time, never "service(s)", `2026Q4` or UTC.
GLOSSARY_AVOID = (
    # « France services », the network of desks, is a name.
    (re.compile(r"(?<!France )\bservices?\b", re.IGNORECASE), "« démarche » plutôt que"),
    (re.compile(r"\b\d{4}Q[1-4]\b"), "« 4e trimestre 2026 » plutôt que le code"),
    (re.compile(r"\bUTC\b"), "l’heure de Paris plutôt que"),
    (re.compile(r"\béchue\b", re.IGNORECASE), "« passée » plutôt que"),
)
# Options and arguments a person types (`--service`, `--quarter 2026Q4`) are commands, not prose.
TYPED = re.compile(r"(?:--[a-z][a-z-]*(?:[ =]\S+)?)|`[^`]*`")


def glossary_problems(text: str) -> list[str]:
    """Where a visible text uses another word than the glossary's."""
    prose = TYPED.sub(" ", DATA.sub(" ", text))
    return [f"{what} « {m.group(0)} » dans « …{prose[max(0, m.start() - 50):m.end() + 50]}… »"
            for pattern, what in GLOSSARY_AVOID for m in pattern.finditer(prose)]


def all_glossary_problems(named_texts: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    return {name: p for name, text in named_texts if (p := glossary_problems(text))}
