"""One walk of a service's hash chain, for the evidence store and a bundle alike: what breaks
between two links is named the same way wherever the chain is read."""

from __future__ import annotations

from storage.evidence.verification import Link, walk_chain


def chain(*links: tuple[str, str | None, int, str]) -> list[Link]:
    return [Link(*link) for link in links]


def faults(links: list[Link]) -> list[set[str]]:
    return [set(found) for _, _, found in walk_chain(links)]


def test_a_whole_chain_walks_without_a_break():
    links = chain(("a", None, 0, "s"), ("b", "a", 1, "s"), ("c", "b", 2, "s"))
    assert faults(links) == [set(), set(), set()]
    assert [(before.sha256 if before else None, link.sha256) for before, link, _ in walk_chain(links)] == [
        (None, "a"), ("a", "b"), ("b", "c")]


def test_a_missing_link_breaks_the_index_and_the_previous_manifest():
    assert faults(chain(("a", None, 0, "s"), ("c", "b", 2, "s"))) == [set(), {"index", "previous"}]


def test_a_first_link_that_is_not_link_0_or_names_a_previous_manifest_is_broken():
    assert faults(chain(("b", "a", 1, "s"))) == [{"index", "previous"}]


def test_a_link_that_follows_another_service_s_manifest_is_broken():
    assert faults(chain(("a", None, 0, "s"), ("b", "a", 1, "t"))) == [set(), {"service"}]
