"""Command options that take a number, checked against the bounds of foundation/limits.py with a French message naming the option (exit 2)."""

from __future__ import annotations

import math

import click

from foundation import limits
from foundation.limits import Bound


class OutOfBounds(click.BadParameter):
    """A number an option cannot take: said in French, with the option and its limits."""

    def format_message(self) -> str:
        if self.param is None:
            return self.message
        if isinstance(self.param, click.Option):
            return f"option {max(self.param.opts, key=len)} : {self.message}"
        return f"argument {(self.param.human_readable_name or '').upper()} : {self.message}"


class Whole(click.ParamType):
    """A whole number between the bound's limits."""

    name = "integer"

    def __init__(self, bound: Bound):
        self.bound = bound

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            try:
                number = int(text)
            except ValueError:
                raise OutOfBounds(f"attendu un nombre entier, reçu {str(value)[:40]!r}", ctx, param) from None
        try:
            return limits.check_whole(number, self.bound)
        except ValueError as exc:
            raise OutOfBounds(str(exc), ctx, param) from None


class Seconds(click.ParamType):
    """A duration in seconds between two limits (decimals accepted: `2,5` or `2.5`)."""

    name = "seconds"

    def __init__(self, bounds: tuple[float, float]):
        self.minimum, self.maximum = bounds

    def convert(self, value, param, ctx) -> float:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise OutOfBounds(f"attendu un nombre de secondes, reçu {str(value)[:40]!r}", ctx, param) from None
        if not math.isfinite(number) or not self.minimum <= number <= self.maximum:
            low, high = (f"{x:g}".replace(".", ",") for x in (self.minimum, self.maximum))
            raise OutOfBounds(f"doit être entre {low} et {high} secondes, reçu {str(value)[:40]}", ctx, param)
        return number


CONCURRENCY = Whole(limits.CONCURRENCY)
KEY_PAGES = Whole(limits.KEY_PAGES)
LIST_LIMIT = Whole(limits.LIST_LIMIT)
KEEP_QUARTERS = Whole(limits.KEEP_QUARTERS)
RECORD_ID = Whole(limits.RECORD_ID)
ANNUAL_VOLUME = Whole(limits.ANNUAL_VOLUME)
PAGE_TIMEOUT = Seconds(limits.PAGE_TIMEOUT_S)
