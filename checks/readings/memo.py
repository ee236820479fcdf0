"""Work that several checks do on the same capture or page, done once per run of the checks.

`run_checks` opens `one_run()` around the checks of one capture; inside it, a function decorated
with `@per_run` is computed once per argument (a page, a capture: by identity, or by what `key`
says of it) and its result handed to every check that asks again. Outside a run (a test calling
one check) it is computed each time, as a plain function. No check changes the capture it reads,
so an answer cannot go stale within a run, and nothing is kept after it: a capture's memory goes
with it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from probes.models import Element

T = TypeVar("T")
R = TypeVar("R")

# A context variable, not a global: runs in concurrent threads or asyncio tasks keep theirs apart.
_RESULTS: ContextVar[dict | None] = ContextVar("checks_per_run_results", default=None)


@contextmanager
def one_run() -> Iterator[None]:
    token = _RESULTS.set({})
    try:
        yield
    finally:
        _RESULTS.reset(token)


def per_run(compute: Callable[[T], R] | None = None, *, key: Callable[[T], Hashable] | None = None):
    """`compute(argument)` once per argument within `one_run()`; with `key`, once per value of
    `key(argument)`, which must hold everything `compute` reads (two elements alike on two pages
    of a site). Its result is shared: callers must not change it."""
    if compute is None:
        return functools.partial(per_run, key=key)

    @functools.wraps(compute)
    def shared(argument: T) -> R:
        results = _RESULTS.get()
        if results is None:
            return compute(argument)
        if key is None:
            # The argument is kept with its result, so that its id cannot be reused during the run.
            found = results.get(index := (compute, id(argument)))
            if found is None:
                found = results[index] = (argument, compute(argument))
            return found[1]
        index = (compute, key(argument))
        if index not in results:
            results[index] = compute(argument)
        return results[index]

    return shared


def alike(element: Element) -> tuple:
    """A `key` for what depends on an element alone, not on where it sits: its tag, text,
    attributes, images and markup (the same link in the header of every page of a site)."""
    return (element.tag, element.text, tuple(element.attrs.items()),
            tuple((image.src, image.alt) for image in element.images), element.html)
