"""Errors that reach the user as one line naming the bad input (exit code 2).

A file with several mistakes is refused with all of them at once (`InputErrors`): one line per
mistake, each naming the file, the line or row and the field, so that they can all be fixed in
one go rather than one run each.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input from the user: a file, a row, a field, an option. The message names it."""


class InputErrors(InputError):
    """Every mistake found in one input (a file). With one mistake the message is that mistake's
    line; with several, a first line counting them, then one indented line each: the first
    `SHOWN` of them, in the order of the file, and how many more there are."""

    SHOWN = 20

    def __init__(self, source: str, messages: list[str]):
        self.source = source
        self.messages = list(messages)
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.messages) == 1:
            return self.messages[0]
        shown = self.messages[: self.SHOWN]
        lines = [f"{self.source} : {len(self.messages)} erreurs, rien n’a été enregistré :"] + [f"  {m}" for m in shown]
        if len(self.messages) > len(shown):
            lines.append(f"  … et {len(self.messages) - len(shown)} autres erreurs")
        return "\n".join(lines)


class ErrorList:
    """Mistakes gathered while reading one input, then raised together (`raise_if_any`).

    Each mistake may carry its place (a line or row number) so that they are reported in the
    order of the file whatever the order they were found in."""

    def __init__(self, source: object):
        self.source = str(source)
        self._found: list[tuple[int, int, str]] = []

    def add(self, error: InputError | str, at: int | None = 0) -> None:
        self._found.append((at or 0, len(self._found), str(error)))

    def __len__(self) -> int:
        return len(self._found)

    def __bool__(self) -> bool:
        return bool(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            raise InputErrors(self.source, [message for _, _, message in sorted(self._found)])
