"""Recognisers for days and named stretches of days ("friday", "dec 3", "next week")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from core.nlu import times
from core.nlu.lexicon import MONTH, MONTHS, NUM, WD, WEEKDAYS, number
from core.nlu.pieces import Context, Piece, Rule, rule

ORD = r"(\d{1,2})(?:st|nd|rd|th)?"
# "march 3 2015" has a year and "feb 7 2pm" a clock time after the day; "march 3 15" is unclear.
_NOT_CLOCK = r"(?!\s*(?:[ap]\.?m\b|:\d|h\b|%|\d(?!\d{3}\b|\d?(?::\d\d)?\s*[ap]\.?m\b)))"
_YEAR = r"(?:,?\s+(\d{4}))?"


def day_piece(m: re.Match[str], day: date | None, **extra: object) -> Piece | None:
    if day is None:
        return None
    return Piece(m.start(), m.end(), "date", day=day, **extra)  # type: ignore[arg-type]


def span_piece(m: re.Match[str], start: date, until: date, due: date) -> Piece:
    return Piece(m.start(), m.end(), "span", day=start, until=until, due=due)


@rule(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b(?![t:]\d|\s+\d{1,2}:\d{2})", "-")
def iso_date(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, date(int(m[1]), int(m[2]), int(m[3])))


@rule(r"\b(\d{4})-(\d{2})-(\d{2})(?:t|\s+)(\d{1,2}):(\d{2})(?::\d{2})?\b", "-")
def iso_datetime(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, date(int(m[1]), int(m[2]), int(m[3])), hour=int(m[4]), minute=int(m[5]),
                meridiem="24")


@rule(r"\b(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?\b(?!/)", "/")
def slash_date(m: re.Match[str], ctx: Context) -> Piece | None:
    first, second = int(m[1]), int(m[2])
    month, dom = (second, first) if ctx.dayfirst else (first, second)
    if month > 12 and dom <= 12:
        month, dom = dom, month  # 25/12 can only be day-first
    return day_piece(m, dated(ctx.today, month, dom, m[3]))


@rule(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?!\d)", ".")
def dotted_date(m: re.Match[str], ctx: Context) -> Piece | None:
    # 24.12. / 24.12.2026 is day-first (German/European habit) unless that cannot be:
    # 10.31.1974 is month-first.
    dom, month = int(m[1]), int(m[2])
    if month > 12 >= dom:
        dom, month = month, dom
    return day_piece(m, dated(ctx.today, month, dom, m[3]))


@rule(r"\b(\d{1,2})-(" + MONTH + r")-(\d{4}|\d{2})\b", "-")
def dashed_date(m: re.Match[str], ctx: Context) -> Piece | None:
    """31-Oct-74."""
    return day_piece(m, dated(ctx.today, MONTHS.index(m[2]) + 1, int(m[1]), m[3]))


def dated(today: date, month: int, dom: int, year: str | None) -> date | None:
    if not 1 <= month <= 12:
        return None
    if year:
        full = int(year)
        if len(year) == 2:  # '74 is 1974, '30 is 2030: within 20 years ahead, else the past
            full += 2000 if full <= today.year % 100 + 20 else 1900
        return date(full, month, dom)
    return times.next_date(today, month, dom)


def _clearly_month(m: re.Match[str]) -> bool:
    if re.search(r"\d(?:st|nd|rd|th)|\d{4}", m[0]):
        return True
    before = m.string[:m.start()].split()
    return not before or before[-1] in {"on", "by", "due", "until", "till", "from", "every", "and",
                                        "between", "to", "through", "before", "after", "since",
                                        "for", "of", "in", "thru"}


@rule(r"\b(?:on\s+)?(?:the\s+)?" + ORD + r"\s*(?:of\s+)?(" + MONTH + r")\b" + _YEAR)
def day_month(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, dated(ctx.today, MONTHS.index(m[2]) + 1, int(m[1]), m[3]))


@rule(r"\b(" + MONTH + r")\s+(?:the\s+)?" + ORD + r"\b" + _NOT_CLOCK + _YEAR)
def month_day(m: re.Match[str], ctx: Context) -> Piece | None:
    if m[1] == "may" and not _clearly_month(m):
        return None  # "I may 2x..." is not a date
    return day_piece(m, dated(ctx.today, MONTHS.index(m[1]) + 1, int(m[2]), m[3]))


@rule(r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?:\s+of\s+(?:the|this|every)\s+month)?"
      r"(?!\s+(?:of\s+)?" + MONTH + r")")
def ordinal_day(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, times.next_monthday(ctx.today, int(m[1])))


@rule(r"\b(?:the\s+)?day\s+after\s+(?:tomorrow|tmrw)\b|\bovermorrow\b", "day after", "overmorrow")
def day_after_tomorrow(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, ctx.today + timedelta(days=2))


@rule(r"\b(?:tomorrow\s+(?:at\s+)?(?:this|the\s+same)\s+time|(?:this|same)\s+time\s+tomorrow)\b",
      "time")
def same_time_tomorrow(m: re.Match[str], ctx: Context) -> Piece | None:
    wall = ctx.now.replace(tzinfo=None) + timedelta(days=1)
    return Piece(m.start(), m.end(), "instant", instant=times.localize(wall, ctx.tz))


@rule(r"\b(?:later\s+)?(today|tomorrow|yesterday|tonight)\b",
      "today", "tomorrow", "yesterday", "tonight")
def named_day(m: re.Match[str], ctx: Context) -> Piece | None:
    offsets = {"today": 0, "tomorrow": 1, "yesterday": -1, "tonight": 0}
    pod = "tonight" if m[1] == "tonight" else None
    return day_piece(m, ctx.today + timedelta(days=offsets[m[1]]), pod=pod)


@rule(r"\bthis\s+(morning|afternoon|evening)\b", "this ")
def this_pod(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, ctx.today, pod=m[1])


@rule(r"\b(?:on\s+)?(?:the\s+)?(" + WD + r")\s+(?:of\s+)?next\s+week\b|\bnext\s+week\s+(?:on\s+)?("
      + WD + r")\b|\bnext\s+(" + WD + r")\b", "next")
def next_week_day(m: re.Match[str], ctx: Context) -> Piece | None:
    name = m[1] or m[2] or m[3]
    return day_piece(m, times.weekday_next_week(ctx.today, WEEKDAYS.index(name)))


@rule(r"\b(" + WD + r")\s+(?:of\s+)?this\s+week\b", "this week")
def this_week_day(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, times.monday(ctx.today) + timedelta(days=WEEKDAYS.index(m[1])))


@rule(r"\b(" + WD + r")\s+after\s+next\b", "after next")
def weekday_after_next(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, times.next_weekday(ctx.today, WEEKDAYS.index(m[1])) + timedelta(days=7))


@rule(r"\b(?:(?:this|coming|this\s+coming)\s+)?(" + WD + r")\b(?!s|'s)", "day")
def weekday(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, times.next_weekday(ctx.today, WEEKDAYS.index(m[1])))


@rule(r"\blast\s+(" + WD + r")\b", "last ")
def last_weekday(m: re.Match[str], ctx: Context) -> Piece | None:
    # the most recent one before today: on a Tuesday, "last tuesday" is a week ago
    back = (ctx.today.weekday() - WEEKDAYS.index(m[1]) - 1) % 7 + 1
    return day_piece(m, ctx.today - timedelta(days=back))


@rule(r"\bin\s+(" + NUM + r")\s+(days?|weeks?|months?|years?)\b"
      r"|\b(" + NUM + r")\s+(days?|weeks?|months?|years?)\s+from\s+(?:now|today)\b")
def in_days(m: re.Match[str], ctx: Context) -> Piece | None:
    count = int(number(m[1] or m[3]))
    return day_piece(m, _shift(ctx.today, count, (m[2] or m[4]).rstrip("s")))


@rule(r"\b(?:a|one|1)\s+(week|month|year)\s+from\s+(today|now|tomorrow)\b|\bin\s+a\s+fortnight\b")
def a_week_from(m: re.Match[str], ctx: Context) -> Piece | None:
    if m[1] is None:
        return day_piece(m, ctx.today + timedelta(days=14))
    base = ctx.today + timedelta(days=1 if m[2] == "tomorrow" else 0)
    return day_piece(m, _shift(base, 1, m[1]))


def _shift(day: date, count: int, unit: str) -> date:
    if unit == "day":
        return day + timedelta(days=count)
    if unit == "week":
        return day + timedelta(weeks=count)
    return times.add_months(day, count * (12 if unit == "year" else 1))


@rule(r"\b(this|next|my)\s+week\b(?!\s+(?:off|of|after))", "week")  # "my week" is this one
def named_week(m: re.Match[str], ctx: Context) -> Piece | None:
    start = times.monday(ctx.today) + timedelta(days=7 if m[1] == "next" else 0)
    due = start if m[1] == "next" else max(ctx.today, start + timedelta(days=4))
    return span_piece(m, start, start + timedelta(days=7), due)


@rule(r"\b(?:(this|next)\s+)?weekend\b", "weekend")
def weekend(m: re.Match[str], ctx: Context) -> Piece | None:
    saturday = times.monday(ctx.today) + timedelta(days=5)
    if m[1] == "next":
        saturday += timedelta(days=7)
    return span_piece(m, saturday, saturday + timedelta(days=2), saturday)


@rule(r"\b(this|next|last)\s+month\b", "month")
def named_month(m: re.Match[str], ctx: Context) -> Piece | None:
    shift = {"this": 0, "next": 1, "last": -1}[m[1]]
    start = times.add_months(times.first_of_month(ctx.today), shift)
    until = times.add_months(start, 1)
    due = times.month_end(ctx.today) if shift == 0 else start
    return span_piece(m, start, until, due)


@rule(r"\b(?:in|for|during|of|throughout|over)\s+(?:the\s+month\s+of\s+)?(" + MONTH
      + r")(?:\s+(\d{4}))?\b(?!\s*(?:\d|the\s+\d))")
def month_name(m: re.Match[str], ctx: Context) -> Piece | None:
    """"in november": the whole month, this year unless it is over."""
    month = MONTHS.index(m[1]) + 1
    year = int(m[2]) if m[2] else ctx.today.year + (month < ctx.today.month)
    start = date(year, month, 1)
    return span_piece(m, start, times.add_months(start, 1), max(start, ctx.today))


@rule(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(next\s+)?(month|week|year)\b"
      r"|\b(eom|eow|eoy)\b", "end of", "eom", "eow", "eoy")
def end_of(m: re.Match[str], ctx: Context) -> Piece | None:
    unit = m[2] or {"eom": "month", "eow": "week", "eoy": "year"}[m[3]]
    later = m[1] is not None
    if unit == "month":
        base = times.add_months(times.first_of_month(ctx.today), 1 if later else 0)
        return day_piece(m, times.month_end(base))
    if unit == "year":
        return day_piece(m, date(ctx.today.year + (1 if later else 0), 12, 31))
    friday = times.monday(ctx.today) + timedelta(days=4 + (7 if later else 0))
    return day_piece(m, friday if friday >= ctx.today else friday + timedelta(days=7))


@rule(r"\b(?:the\s+)?(?:beginning|start)\s+of\s+(?:the\s+)?next\s+(month|week)\b", "next")
def start_of_next(m: re.Match[str], ctx: Context) -> Piece | None:
    if m[1] == "week":
        return day_piece(m, times.monday(ctx.today) + timedelta(days=7))
    return day_piece(m, times.add_months(times.first_of_month(ctx.today), 1))


@rule(r"\b(?:by\s+)?(?:eod|end\s+of\s+(?:the\s+)?(?:day|today)|cob|close\s+of\s+business)\b",
      "eod", "end of", "cob", "close of")
def end_of_day(m: re.Match[str], ctx: Context) -> Piece | None:
    return day_piece(m, ctx.today, hour=17, meridiem="24")


DATE_RULES: list[Rule] = [
    iso_date, iso_datetime, slash_date, dotted_date, dashed_date, day_month, month_day,
    ordinal_day, day_after_tomorrow, same_time_tomorrow, named_day, this_pod, next_week_day,
    this_week_day, weekday_after_next, weekday, last_weekday, in_days, a_week_from, named_week,
    weekend, named_month, month_name, end_of,
    start_of_next, end_of_day,
]
