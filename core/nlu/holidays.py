"""Holidays as dates: a table of rules (fixed day, nth weekday, Easter offset), and days
counted from them ("the day after christmas", "third tuesday after christmas")."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from core.nlu import times
from core.nlu.dates import day_piece
from core.nlu.lazy import lazy
from core.nlu.lexicon import WD, WEEKDAYS
from core.nlu.pieces import Context, Piece, Rule, rule

Spec = Callable[[int], date | None]  # the holiday's date in a given year


def _fixed(month: int, dom: int) -> Spec:
    return lambda year: date(year, month, dom)


def _nth(month: int, nth: int, weekday: int) -> Spec:
    return lambda year: times.nth_weekday(year, month, nth, weekday)


def _easter(offset: int) -> Spec:
    return lambda year: times.easter(year) + timedelta(days=offset)


def _names(spec: Spec, *names: str) -> dict[str, Spec]:
    return dict.fromkeys(names, spec)


# US dates for the days that differ by country (Mother's, Father's, Memorial, Labor Day).
HOLIDAYS: dict[str, Spec] = {
    **_names(_fixed(1, 1), "new year's day", "new years day", "new year"),
    **_names(_fixed(12, 31), "new year's eve", "new years eve", "nye"),
    **_names(_fixed(2, 14), "valentine's day", "valentines day", "valentine's"),
    **_names(_easter(0), "easter", "easter sunday", "easter day"),
    **_names(_easter(1), "easter monday"), **_names(_easter(-2), "good friday"),
    **_names(_nth(5, 2, 6), "mother's day", "mothers day"),
    **_names(_nth(6, 3, 6), "father's day", "fathers day"),
    **_names(_nth(5, -1, 0), "memorial day"),
    **_names(_fixed(7, 4), "independence day", "4th of july"),
    **_names(_nth(9, 1, 0), "labor day", "labour day"),
    **_names(_fixed(10, 31), "halloween"),
    **_names(_nth(11, 4, 3), "thanksgiving", "thanksgiving day"),
    **_names(_fixed(12, 24), "christmas eve"),
    **_names(_fixed(12, 25), "christmas day", "christmas", "xmas"),
    **_names(_fixed(12, 26), "boxing day"),
}
_NAME = "(?:" + "|".join(sorted(HOLIDAYS, key=len, reverse=True)).replace(" ", r"\s+") + ")"
# Words one of which every holiday name contains (a cheap test before the regexes).
_WORDS = ("new year", "nye", "valentine", "easter", "good friday", "mother", "father", "memorial",
          "independence", "4th of july", "labo", "halloween", "thanksgiving", "christmas", "xmas",
          "boxing")
_OCCASIONS = r"party|dinner|lunch|brunch|drinks|potluck|celebration|gathering|bash"
_NOT_THE_DAY = (r"(?![\w'])(?!\s+(?:" + _OCCASIONS
                + r"|card|cards|gift|gifts|tree|lights|shopping|list|costume|costumes|"
                r"decorations|prep|movie|movies|sweater|market|songs|playlist|menu|outfit|egg|eggs|bunny))")
_OCCASION = lazy(r"\b(" + _NAME + r")\s+(?:" + _OCCASIONS + r")\b")


def occasion_day(norm: str, today: date) -> date | None:
    """"halloween party at 7pm": a holiday's party, given only a time, is on the holiday."""
    found = _OCCASION.search(norm) if any(word in norm for word in _WORDS) else None
    return next_holiday(found[1], today) if found else None


def next_holiday(name: str, today: date) -> date | None:
    """The holiday's next date on or after today."""
    spec = HOLIDAYS[re.sub(r"\s+", " ", name)]
    for year in (today.year, today.year + 1):
        day = spec(year)
        if day is not None and day >= today:
            return day
    return None


@rule(r"\b(?:on\s+)?(" + _NAME + ")" + _NOT_THE_DAY, *_WORDS)
def holiday(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, next_holiday(m[1], ctx.today))


@rule(r"\b(?:on\s+)?(?:the\s+)?(?:(\d+)\s+days?|day)\s+(before|after)\s+(" + _NAME + ")"
      + _NOT_THE_DAY, *_WORDS)
def around_holiday(m: re.Match[str], ctx: Context) -> Piece | None:
    anchor = next_holiday(m[3], ctx.today)
    if anchor is None:
        return None
    days = int(m[1] or 1) * (1 if m[2] == "after" else -1)
    return day_piece(m, anchor + timedelta(days=days))


@rule(r"\b(?:on\s+)?(?:the\s+)?(?:(\d)(?:st|nd|rd|th)\s+)?(" + WD + r")\s+(before|after)\s+("
      + _NAME + ")" + _NOT_THE_DAY, *_WORDS)
def weekday_from_holiday(m: re.Match[str], ctx: Context) -> Piece | None:
    """"third tuesday after christmas": counted from the day after (or before) it."""
    anchor = next_holiday(m[4], ctx.today)
    if anchor is None:
        return None
    nth, weekday = int(m[1] or 1), WEEKDAYS.index(m[2])
    if m[3] == "after":
        return day_piece(m, times.next_weekday(anchor, weekday) + timedelta(weeks=nth - 1))
    back = (anchor.weekday() - weekday - 1) % 7 + 1
    return day_piece(m, anchor - timedelta(days=back) - timedelta(weeks=nth - 1))


HOLIDAY_RULES: list[Rule] = [holiday, around_holiday, weekday_from_holiday]
