"""Repeat phrases ("every other monday", "first monday of every month") as RRULE bodies."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import NamedTuple

from core.nlu.lazy import Lazy, lazy
from core.nlu.lexicon import MONTH, MONTHS, NUM, ORDINALS, WD, WEEKDAY_CODES, WEEKDAYS, number

_WDS = WD + r"s?"
_WDLIST = _WDS + r"(?:\s*(?:,|and|&|/)\s*(?:on\s+)?" + _WDS + r")*"
_EVERY = r"(?:every|each|on\s+every)"
_ORDW = r"(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)"


class Repeat(NamedTuple):
    """A recognised repeat phrase: its RRULE body and where it was in the text."""

    start: int
    end: int
    rule: str
    pod: str | None = None
    extra: tuple[int, int] | None = None  # a separate "on wednesdays" that set BYDAY


def _interval(other: str | None, count: str | None) -> str:
    n = 2 if other else int(number(count)) if count else 1
    return f";INTERVAL={n}" if n > 1 else ""


def _days(text: str) -> str:
    found = re.findall(WD, text)
    codes = [WEEKDAY_CODES[WEEKDAYS.index(d)] for d in dict.fromkeys(found)]
    return ",".join(codes)


def _weekly(m: re.Match[str]) -> str:
    return f"FREQ=WEEKLY{_interval(m['other'], m['count'])};BYDAY={_days(m['days'])}"


def _nth_weekday(m: re.Match[str]) -> str:
    nth = ORDINALS[m["ord"]]
    code = WEEKDAY_CODES[WEEKDAYS.index(m["day"])]
    return f"FREQ=MONTHLY{_interval(m['other'], m['count'])};BYDAY={nth}{code}"


def _monthday(m: re.Match[str]) -> str:
    dom = -1 if m["dom"] == "last" else int(m["dom"])
    return f"FREQ=MONTHLY{_interval(m['other'], m['count'])};BYMONTHDAY={dom}"


def _yearly_date(m: re.Match[str]) -> str:
    month = MONTHS.index(m["month"]) + 1
    return f"FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={int(m['dom'])}"


def _unit(m: re.Match[str]) -> str:
    unit = m["unit"].rstrip("s")
    freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY",
            "hour": "HOURLY", "minute": "MINUTELY", "quarter": "MONTHLY"}[unit]
    interval = _interval(m["other"], m["count"])
    if unit == "quarter":
        interval = ";INTERVAL=3"
    days = f";BYDAY={_days(m['days'])}" if m["days"] else ""
    return f"FREQ={freq}{interval}{days}"


def _fixed(body: str) -> object:
    return lambda m: body


# "weekly on monday" / "daily:" repeat; "quarterly review" is an adjective, not a repeat.
_ADVERB_END = (r"(?=\s*(?:$|[:,.;!?)\-]|(?:on|at|from|starting|until|in|for|by|before|after|"
               r"around|each|every|p[1-4])\b|[#@\d]))")
_OTHER = r"(?:(?P<other>other|second|2nd|alternate)\s+|(?P<count>" + NUM + r")\s+)?"
_PATTERNS: list[tuple[Lazy, object]] = [
    (lazy(r"\b" + _EVERY + r"\s+(?:single\s+)?(?:week|work|business)\s*days?\b"
                r"|\b(?:on\s+)?weekdays\b|\bmon(?:day)?\s*-\s*fri(?:day)?\b"),
     _fixed("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")),
    (lazy(r"\b" + _EVERY + r"\s+weekends?\b|\b(?:on\s+)?weekends\b"),
     _fixed("FREQ=WEEKLY;BYDAY=SA,SU")),
    (lazy(r"\b" + _EVERY + r"\s+" + _OTHER + r"(?P<ord>" + _ORDW[1:-1]
                + r")\s+(?P<day>" + WD + r")(?:\s+(?:of\s+)?(?:every|each|the|a)\s+month"
                r"|\s+monthly)?\b"), _nth_weekday),
    (lazy(r"\b(?:(?:on\s+)?the\s+)?(?P<ord>" + _ORDW[1:-1] + r")\s+(?P<day>" + WD
                + r")\s+(?:of\s+)?(?:every|each|the|a)\s+" + _OTHER + r"months?\b"), _nth_weekday),
    (lazy(r"\b(?:on\s+)?the\s+(?P<dom>\d{1,2}|last)(?:st|nd|rd|th)?(?:\s+day)?\s+of\s+"
                r"(?:every|each|the)\s+" + _OTHER + r"months?\b"), _monthday),
    (lazy(r"\b(?:" + _EVERY + r"\s+" + _OTHER + r"months?|monthly)\s+on\s+the\s+"
                r"(?P<dom>\d{1,2}|last)(?:st|nd|rd|th)?(?:\s+day)?\b"), _monthday),
    (lazy(r"\b" + _EVERY + r"\s+(?:year|yr)\s+on\s+(?P<month>" + MONTH + r")\s+"
                + r"(?P<dom>\d{1,2})(?:st|nd|rd|th)?\b|\b" + _EVERY + r"\s+(?P<month2>" + MONTH
                + r")\s+(?P<dom2>\d{1,2})(?:st|nd|rd|th)?\b|\b(?:yearly|annually)\s+on\s+"
                r"(?P<month3>" + MONTH + r")\s+(?P<dom3>\d{1,2})(?:st|nd|rd|th)?\b"), None),
    (lazy(r"\b" + _EVERY + r"\s+(?:(?P<other>other|second|2nd|alternate)\s+|(?P<count>"
                + NUM + r")(?:st|nd|rd|th)?\s+)?(?P<days>" + _WDLIST + r")\b"), _weekly),
    # "3 fridays from now" counts days; "5:30 wednesdays" repeats.
    (lazy(r"(?<!(?<![:.\d])\d\s)(?<!(?<![:.\d])\d\d\s)\b(?:on\s+)?(?P<days>" + WD
          + r"s(?:\s*(?:,|and|&)\s*" + WD + r"s)*)\b"
          r"(?!\s+(?:from|ago|hence))(?P<other>)(?P<count>)"), _weekly),
    (lazy(r"\b" + _EVERY + r"\s+(?P<dom>\d{1,2})(?:st|nd|rd|th)(?:\s+(?:day\s+)?of\s+"
          r"(?:the|each|every)\s+month)?\b(?P<other>)(?P<count>)"), _monthday),
    (lazy(r"\b" + _EVERY + r"\s+" + _OTHER + r"(?P<unit>days?|weeks?|months?|years?|"
                r"hours?|minutes?|quarters?)\b(?:\s+on\s+(?P<days>" + _WDLIST + r"))?"), _unit),
    (lazy(r"\b(?P<unit>daily|weekly|biweekly|fortnightly|monthly|quarterly|yearly|"
                r"annually|hourly|nightly)\b(?:\s+on\s+(?P<days>" + _WDLIST + r")\b|"
                + _ADVERB_END + ")"),
     None),
    (lazy(r"\b" + _EVERY + r"\s+(?:(?P<other>other)\s+)?(?P<pod>morning|afternoon|evening|"
                r"night)\b"), None),
]

_ADVERB = {"daily": "FREQ=DAILY", "nightly": "FREQ=DAILY", "weekly": "FREQ=WEEKLY",
           "biweekly": "FREQ=WEEKLY;INTERVAL=2", "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
           "monthly": "FREQ=MONTHLY", "quarterly": "FREQ=MONTHLY;INTERVAL=3",
           "yearly": "FREQ=YEARLY", "annually": "FREQ=YEARLY", "hourly": "FREQ=HOURLY"}


_ON_DAYS = lazy(r"\b(?:on\s+)?(?:" + WD + r"s(?:\s*(?:,|and|&)\s*" + WD + r"s)*|on\s+" + _WDLIST
                + r")\b")


def find(norm: str) -> Repeat | None:
    """The repeat phrase in normalised text, if any, with a separate weekday list merged."""
    found = _find(norm)
    if found is None or not found.rule.startswith("FREQ=WEEKLY") or "BYDAY" in found.rule:
        return found
    # "biweekly 1:1 on wednesdays": the days are said apart from the frequency.
    for m in _ON_DAYS.finditer(norm):
        if m.start() >= found.end or m.end() <= found.start:
            rule = f"{found.rule};BYDAY={_days(m[0])}"
            return Repeat(found.start, found.end, rule, found.pod, (m.start(), m.end()))
    return found


def _find(norm: str) -> Repeat | None:
    best: Repeat | None = None
    for pattern, build in _PATTERNS:
        for m in pattern.finditer(norm):
            found = _build(m, build)
            if found and (best is None or (m.start(), -m.end()) < (best.start, -best.end)):
                best = found
            break
    return best


def _build(m: re.Match[str], build: object) -> Repeat | None:
    groups = m.groupdict()
    if callable(build):
        return Repeat(m.start(), m.end(), str(build(m)))
    if groups.get("pod"):
        interval = ";INTERVAL=2" if groups.get("other") else ""
        return Repeat(m.start(), m.end(), f"FREQ=DAILY{interval}", pod=groups["pod"])
    if groups.get("unit"):
        body = _ADVERB[groups["unit"]]
        if groups.get("days"):
            body += f";BYDAY={_days(groups['days'])}"
        return Repeat(m.start(), m.end(), body, pod="night" if groups["unit"] == "nightly"
                      else None)
    month = groups.get("month") or groups.get("month2") or groups.get("month3")
    dom = groups.get("dom") or groups.get("dom2") or groups.get("dom3")
    if month and dom:
        return Repeat(m.start(), m.end(),
                      f"FREQ=YEARLY;BYMONTH={MONTHS.index(month) + 1};BYMONTHDAY={int(dom)}")
    return None


_INTERVAL = lazy(r";?INTERVAL=\d+")


def first_occurrence(body: str, after: datetime, wall: time | None,
                     not_before: date | None = None) -> datetime | None:
    """The first occurrence (naive wall time) on or after `after`.

    Expanded from local midnight of `after` like the RRULE's consumers do; with a clock
    time the occurrence must not be in the past, without one today counts.
    """
    from dateutil.rrule import rrulestr  # deferred: only repeat phrases pay the import

    start_day = max(after.date(), not_before) if not_before else after.date()
    dtstart = datetime.combine(start_day, wall or time())
    threshold = after.replace(tzinfo=None) if wall else datetime.combine(start_day, time())
    if not_before and not_before > after.date():
        threshold = max(threshold, datetime.combine(not_before, time()))
    # Todoist: "every other monday" starts on the next monday, whatever the week parity an
    # expansion from today would give, so the first occurrence ignores INTERVAL.
    body = _INTERVAL.sub("", body)
    try:
        rule = rrulestr(body, dtstart=dtstart)
        found: datetime | None = rule.after(threshold, inc=True)
        return found
    except (ValueError, TypeError, OverflowError):
        return None


def is_valid(body: str) -> bool:
    from dateutil.rrule import rrulestr

    try:
        rrulestr(body, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, OverflowError, KeyError, AttributeError):
        return False
    return True

