"""How Veilleur writes a figure or a date for a French reader: one function per kind (score out of
10, percentage, share of services, duration, count of violations, date, level) and one rounding
rule, used by the static report, the dashboard, the alert e-mails, the evidence bundles, the
commands and the checks' headlines alike, so that a figure reads the same wherever it is shown.

The rounding rule (`rounded`): a figure is **truncated** to the decimals of its kind, never rounded
up, so that a published figure never claims more than was measured: 7,99/10 never reads 8/10
next to an orange level, 249 services out of 250 never read 100 %, an uptime with one failed
visit never reads 100 %. Scores and percentages keep two decimals (99,95 % and 99,9 % of uptime
fall on either side of a threshold), shares of services and durations none. The observatory
publishes its figures already truncated (reports/observatory/indicators.py), so the exports, the
API and these functions all carry the same number.

French typography: a decimal comma, trailing zeros dropped (8,7 and not 8,70), a space before
`%` and units, dates in words in Paris time. This module is in `foundation/` because the checks'
headlines (below the reports) write their figures with it too.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from foundation import vocabulary
from foundation.times import as_utc

# Decimals kept by each kind of figure (the rule above truncates to them).
SCORE_DECIMALS = 2
PERCENT_DECIMALS = 2
SHARE_DECIMALS = 0
DURATION_DECIMALS = 0
# The observatory shows its scores and rates with one decimal ("8,4 / 10", "99,5 %"); its
# thresholds have at most one, so truncating to it never crosses one.
GRID_DECIMALS = 1
# A detector's precision and recall (`veilleur eval`) keep three, written even when zero: 1,000.
RATIO_DECIMALS = 3
DECIMALS: dict[str, int] = {
    "score": SCORE_DECIMALS, "percent": PERCENT_DECIMALS, "share": SHARE_DECIMALS,
    "duration": DURATION_DECIMALS, "violations": 0, "held": 0,
}

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


# ------------------------------------------------------------------------------------------------
# The rounding rule


def _exact(value: float | int | Fraction) -> Fraction:
    # A float stands for the decimal it prints as: 8.7 is 8.7, not the binary 8.69999… below it,
    # which truncation would turn into 8.69 (the dashboard's old "8,69/10").
    return Fraction(repr(value)) if isinstance(value, float) else Fraction(value)


def _scaled(value: float | int | Fraction, decimals: int) -> int:
    """The value times 10**decimals, truncated toward zero: the one rounding rule."""
    return int(_exact(value) * 10 ** decimals)


def rounded(value, decimals: int):
    """`value` truncated to `decimals` (None and non-numbers pass through; a whole number stays one)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return value
    return float(Fraction(_scaled(value, decimals), 10 ** decimals))


def rounded_as(value, kind: str):
    """`value` truncated to the decimals of its kind (score, percent, share, duration, violations)."""
    return rounded(value, DECIMALS[kind]) if kind in DECIMALS else value


def difference(after: float | int, before: float | int) -> float:
    """`after - before` computed on the decimals the figures stand for (8.7 - 8.2 is 0.5, not 0.4999…)."""
    return float(_exact(after) - _exact(before))


# ------------------------------------------------------------------------------------------------
# Numbers


def number(value: float | int | Fraction, decimals: int) -> str:
    """`8,7`, `12 000`: truncated to `decimals` (the rule above), then written by babel's French
    rules (decimal comma, a narrow no-break space between thousands, trailing zeros dropped)."""
    truncated = Decimal(_scaled(value, decimals)).scaleb(-decimals)
    return vocabulary.decimal(truncated)


def ratio(value: float | int | None) -> str:
    """A ratio between 0 and 1 (a detector's precision, recall or share of exact fields, in
    `veilleur eval`): `0,987`, `1,000`, always three decimals, truncated (0,9996 reads 0,999)."""
    return "" if value is None else vocabulary.decimal(Decimal(_scaled(value, RATIO_DECIMALS)).scaleb(-RATIO_DECIMALS),
                                                       RATIO_DECIMALS)


def score(value: float | int | None) -> str:
    """A score out of 10: `8,7/10`."""
    return "" if value is None else f"{number(value, SCORE_DECIMALS)}/10"


def percent(value: float | int | None) -> str:
    """A measured percentage (uptime, RGAA rate, digital usage): `99,95 %`."""
    return "" if value is None else f"{number(value, PERCENT_DECIMALS)} %"


def grid_score(value: float | int | None) -> str:
    """A score of the observatory's grid, as the observatory shows it: `8,4 / 10` (one decimal)."""
    return "" if value is None else f"{number(value, GRID_DECIMALS)} / 10"


def grid_percent(value: float | int | None) -> str:
    """A rate of the observatory's grid (0–100), as the observatory shows it: `99,5 %` (one decimal)."""
    return "" if value is None else f"{number(value, GRID_DECIMALS)} %"


def share(value: float | int | None) -> str:
    """A share of services (meeting an objective, at a good level): `66 %`."""
    return "" if value is None else f"{number(value, SHARE_DECIMALS)} %"


def duration(milliseconds: float | int | None) -> str:
    """A measured duration in milliseconds: `412 ms`."""
    return "" if milliseconds is None else f"{number(milliseconds, DURATION_DECIMALS)} ms"


def violations(count: int | None) -> str:
    """axe-core violations: `0 violation`, `1 violation`, `12 violations` (French plural rules)."""
    return "" if count is None else vocabulary.count(count, "violation", "violations")


def held(count: int | None) -> str:
    """Supporting documents asked that the administration already holds: `2 pièces déjà détenues`."""
    return "" if count is None else vocabulary.count(count, "pièce déjà détenue", "pièces déjà détenues")


_BY_KIND = {"score": score, "percent": percent, "share": share, "duration": duration, "violations": violations,
            "held": held}


def figure(value, kind: str) -> str:
    """A figure of the given kind as shown beside its level; empty for no figure, or for a status
    (text values such as `franceconnect_plus` are said by the level's label)."""
    if value is None or isinstance(value, (str, bool)) or kind not in _BY_KIND:
        return ""
    return _BY_KIND[kind](value)


def signed(value: float | int | None, kind: str) -> str:
    """A change of a figure between two quarters: `+2,5`, `-0,3`, `0`."""
    if value is None:
        return ""
    text = number(value, DECIMALS.get(kind, PERCENT_DECIMALS))
    return text if text.startswith("-") or text == "0" else "+" + text


def level_label(level) -> str:
    """An indicator level (foundation/grid.py) as the observatory names it: `Optimal`."""
    return "" if level is None else level.label


# ------------------------------------------------------------------------------------------------
# Dates


def _paris() -> tuple[dt.tzinfo, str]:
    try:
        return ZoneInfo("Europe/Paris"), "heure de Paris"
    except ZoneInfoNotFoundError:
        # A minimal image without tzdata: say UTC rather than show a wrong local time.
        return dt.timezone.utc, "UTC"


def paris_time(moment: dt.datetime) -> dt.datetime:
    """A moment in Paris time (in UTC on an image without tzdata)."""
    return as_utc(moment).astimezone(_paris()[0])


def date(value: dt.date | dt.datetime | None) -> str:
    """A day: `1er mars 2026` (a moment is taken on its day in Paris)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = as_utc(value).astimezone(_paris()[0]).date()
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def date_time(moment: dt.datetime | None, zone: bool = True) -> str:
    """A moment: `12 mars 2026 à 14 h 05, heure de Paris`; without `zone` (a table whose heading
    says « heure de Paris »), `12 mars 2026 à 14 h 05`."""
    if moment is None:
        return ""
    tz, label = _paris()
    local = as_utc(moment).astimezone(tz)
    return f"{date(moment)} à {local.hour} h {local.minute:02d}" + (f", {label}" if zone else "")


def timestamp(moment: dt.datetime | None) -> str:
    """An exact instant, as evidence shows it: `12 mars 2026 à 15 h 05 min 07 s, heure de Paris` (to
    the second, so that it can be compared with a manifest or a server log; the manifest itself
    keeps UTC, as data)."""
    if moment is None:
        return ""
    zone, label = _paris()
    local = as_utc(moment).astimezone(zone)
    return f"{date(moment)} à {local.hour} h {local.minute:02d} min {local.second:02d} s, {label}"


def elapsed(start: dt.datetime, end: dt.datetime) -> str:
    """How long since `start`, roughly: `moins d’une heure`, `5 heures`, `3 jours`."""
    seconds = max(0.0, (as_utc(end) - as_utc(start)).total_seconds())
    if seconds < 3600:
        return "moins d’une heure"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} heure{'s' if hours > 1 else ''}"
    days = int(seconds // 86400)
    return f"{days} jour{'s' if days > 1 else ''}"


# ------------------------------------------------------------------------------------------------
# Templates

FILTERS = {
    "score": score, "percent": percent, "share": share, "duration": duration, "violations": violations,
    "figure": figure, "signed": signed, "level_label": level_label,
    "date": date, "date_time": date_time, "timestamp": timestamp,
}


def register(env) -> None:
    """Make these functions, and the vocabulary's words, the filters of a Jinja environment (the
    static report, the dashboard, the e-mails and the evidence bundle each call this once on theirs)."""
    env.filters.update(FILTERS)
    env.filters.update({
        "status_word": vocabulary.status, "page_kind": vocabulary.page_kind, "the_page": vocabulary.the_page,
        "error_words": vocabulary.error_class, "artifact": vocabulary.artifact,
        "setting": vocabulary.setting, "setting_value": vocabulary.setting_value, "finding_details": vocabulary.details,
        "count": vocabulary.count, "integer": vocabulary.integer, "yes_no": vocabulary.yes_no,
        "unchanged_since": vocabulary.unchanged_since,
    })
