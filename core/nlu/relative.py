"""Days named relative to other days: nth weekdays, weekday-and-date pairs, days ago, weeks
around a weekday, the day of this or next month, counted weekdays and stretches ahead."""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.nlu import times
from core.nlu.dates import day_piece, span_piece
from core.nlu.lexicon import MONTH, MONTHS, WD, WEEKDAYS
from core.nlu.pieces import Context, Piece, Rule, rule

_NTH = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "last": -1}
_UNITS = {"day": 1, "week": 7, "fortnight": 14}


def _wd(name: str) -> int:
    return WEEKDAYS.index(name)


@rule(r"\b(?:on\s+)?(?:the\s+)?(1st|2nd|3rd|4th|5th|last)\s+(" + WD + r")\s+(?:of|in)\s+"
      r"(?:(?:the|this)\s+month|(next)\s+month|(" + MONTH + r")(?:\s+(\d{4}))?)\b",
      "day of", "day in")
def nth_weekday_of(m: re.Match[str], ctx: Context) -> Piece | None:
    """"first tuesday of october", "last friday of the month", "3rd monday of march 2027"."""
    nth, weekday = _NTH[m[1]], _wd(m[2])
    if m[4] is None:
        start = times.add_months(times.first_of_month(ctx.today), 1 if m[3] else 0)
        return day_piece(m, times.nth_weekday(start.year, start.month, nth, weekday))
    month = MONTHS.index(m[4]) + 1
    years = [int(m[5])] if m[5] else [ctx.today.year, ctx.today.year + 1]
    for year in years:
        day = times.nth_weekday(year, month, nth, weekday)
        if day is not None and (m[5] or day >= ctx.today):
            return day_piece(m, day)
    return None


@rule(r"\b(?:on\s+)?(" + WD + r")[\s,]+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?"
      + MONTH + r")", "day")
def weekday_dom(m: re.Match[str], ctx: Context) -> Piece | None:
    """"Thu 15th": the next 15th that is a Thursday, looking a year ahead."""
    weekday, dom = _wd(m[1]), int(m[2])
    day = ctx.today
    for _ in range(13):
        found = times.next_monthday(day, dom)
        if found is None or found - ctx.today > timedelta(days=366):
            break
        if found.weekday() == weekday:
            far = found - ctx.today > timedelta(days=31)
            return day_piece(m, found, doubt=f"the next {m[0].strip()} is {found:%a %d %b %Y}"
                             if far else None)
        day = found + timedelta(days=1)
    fallback = times.next_monthday(ctx.today, dom)
    return day_piece(m, fallback, doubt=f"no {m[0].strip()} within a year")


@rule(r"\b(?:the\s+)?day\s+before\s+yesterday\b", "yesterday")
def day_before_yesterday(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, ctx.today - timedelta(days=2))


@rule(r"\b(\d+|an?)\s+(days?|weeks?|months?|years?|fortnights?)\s+ago\b", "ago")
def ago(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, _shift(ctx.today, -_count(m[1]), m[2]))


@rule(r"\b(\d+|an?)\s+(days?|weeks?|months?|fortnights?)\s+hence\b", "hence")
def hence(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, _shift(ctx.today, _count(m[1]), m[2]))


def _count(word: str) -> int:
    return int(word) if word.isdigit() else 1


def _shift(day: date, count: int, unit: str) -> date:
    unit = unit.rstrip("s")
    if unit in _UNITS:
        return day + timedelta(days=count * _UNITS[unit])
    return times.add_months(day, count * (12 if unit == "year" else 1))


@rule(r"\b(?:a|1)\s+week\s+(?:from|after)\s+(?:(?:this|next)\s+)?(" + WD + r")\b", "week")
def week_from_weekday(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, times.next_weekday(ctx.today, _wd(m[1])) + timedelta(days=7))


@rule(r"\b(?:on\s+)?(" + WD + r")\s+(?:from|of)\s+last\s+week\b|\blast\s+week's\s+(" + WD
      + r")\b", "last week")
def weekday_last_week(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, times.monday(ctx.today) - timedelta(days=7 - _wd(m[1] or m[2])))


@rule(r"\b(\d+)\s+(" + WD + r")s\s+from\s+(?:now|today)\b", "from now", "from today")
def weekdays_from_now(m: re.Match[str], ctx: Context) -> Piece | None:
    """"3 fridays from now": the third friday after today."""
    first = times.next_weekday(ctx.today, _wd(m[2]))
    return day_piece(m, first + timedelta(weeks=int(m[1]) - 1))


@rule(r"\b(?:on\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+of\s+(this|next)\s+month\b", "month")
def dom_of_month(m: re.Match[str], ctx: Context) -> Piece | None:
    start = times.add_months(times.first_of_month(ctx.today), 1 if m[2] == "next" else 0)
    return day_piece(m, date(start.year, start.month, int(m[1])))


@rule(r"\b(?:(?:with)?in\s+|over\s+|during\s+)?the\s+(?:next|upcoming|coming)\s+(\d+|few|couple"
      r"(?:\s+of)?)\s+(days|weeks)\b|\b(?:the\s+)?(?:next|upcoming|coming)\s+(\d+)\s+(days|weeks)\b",
      "next", "upcoming", "coming")
def days_ahead(m: re.Match[str], ctx: Context) -> Piece | None:
    """"the next two weeks": from today, for that many days or weeks."""
    count = m[1] or m[3]
    number = int(count) if count.isdigit() else 3 if count == "few" else 2
    until = _shift(ctx.today, number, m[2] or m[4])
    return span_piece(m, ctx.today, until, ctx.today)


RELATIVE_RULES: list[Rule] = [
    nth_weekday_of, weekday_dom, day_before_yesterday, ago, hence, week_from_weekday,
    weekday_last_week, weekdays_from_now, dom_of_month, days_ahead,
]
