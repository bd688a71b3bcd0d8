"""Turns the date and clock fragments of a sentence into one point, range and duration."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from core.nlu import times
from core.nlu.clock import CLOCK_RULES, resolve_hour
from core.nlu.dates import DATE_RULES
from core.nlu.holidays import HOLIDAY_RULES, occasion_day
from core.nlu.lazy import lazy
from core.nlu.lexicon import CITIES, CITY_RE, WD, WEEKDAYS, ZONES
from core.nlu.pieces import Context, Piece, choose, scan
from core.nlu.relative import RELATIVE_RULES

POD_INSTANT = {"morning": 9, "afternoon": 14, "evening": 19, "night": 21, "tonight": 19}
POD_RANGE = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 22),
             "night": (17, 22), "tonight": (17, 22)}
RULES = HOLIDAY_RULES + DATE_RULES + RELATIVE_RULES + CLOCK_RULES
_WEEKDAY_ONLY = lazy(r"(?:on\s+)?(?:this\s+|coming\s+)?" + WD)
_YEAR_WRITTEN = lazy(r"\d{4}|[/.-]\d{2}$")
_COMMA = lazy(r"[\s,]*(?:the\s+)?")
# "add sunday roast shopping": a day name between two title words may be part of a name.
_WORD_BEFORE = lazy(r"([a-z']+)\s+$")
_WORD_AFTER = lazy(r"\s+([a-z']+)\b")
_DETERMINERS = frozenset(("the", "my", "our", "your", "his", "her", "their"))
_LINKS = frozenset((
    "on", "by", "this", "next", "coming", "last", "every", "until", "till", "before", "after",
    "from", "for", "due", "starting", "and", "or", "to", "about", "with", "at", "re",
    "regarding", "in", "please", "if", "so", "because", "since", "then", "when"))
_CONNECT = lazy(r"\s*(?:-|–|—|to|until|till|through|thru|and)\s*")
_TAIL = lazy(r"\s*(?:-|–|to|until|till|(?P<and>and))\s*(?P<h>\d{1,2})(?::(?P<m>\d{2}))?"
                   r"(?:\s*(?P<mer>[ap])\.?m\.?)?\b"
                   r"(?!\s*(?:minutes?|hours?|days?|people))")


class When:
    """Everything temporal found in a sentence, resolved against the context.

    A plain class, not a dataclass: importing dataclasses costs ~10 ms of CLI start-up.
    """

    __slots__ = ("day_given", "doubts", "duration", "end", "names", "pieces", "point",
                 "range_end", "range_start")

    def __init__(self, pieces: list[Piece]) -> None:
        self.point: date | datetime | None = None
        self.end: datetime | None = None
        self.range_start: datetime | None = None
        self.range_end: datetime | None = None
        self.duration: int | None = None
        self.pieces = pieces
        self.day_given = False
        self.doubts: list[str] = []  # what the grammar found but could not reconcile
        self.names: list[str] = []  # day names that may belong to a title ("sunday roast")


def extract(norm: str, ctx: Context) -> When:
    """Find and resolve the temporal expressions in normalised text."""
    when = When([])
    found = _day_names_as_names(
        _absorb_weekdays(choose(scan(RULES, norm, ctx)), norm, ctx, when), norm)
    pieces = _merge_ranges(found, norm)
    when.pieces = pieces
    when.doubts.extend(p.doubt for p in pieces if p.doubt)
    when.names = _weekday_in_words(pieces, norm)
    durations = [p for p in pieces if p.kind == "duration"]
    when.duration = durations[0].minutes if durations else None
    _resolve_point(when, pieces, norm, ctx)
    _resolve_range(when, pieces, ctx)
    return when


def _day_names_as_names(pieces: list[Piece], norm: str) -> list[Piece]:
    """"Sunday roast ... tomorrow at 1pm", "Friday Night Lights party fri 7pm": a day name
    that runs into a title word is part of the title when another day says when."""
    days = [p for p in pieces if p.kind == "date"]
    if len(days) < 2:
        return pieces
    named = [p for p in days if _is_name(p, norm)]
    if not named or len(named) == len(days):
        return pieces
    return [p for p in pieces if p not in named]


def _is_name(piece: Piece, norm: str) -> bool:
    head = norm[piece.start:piece.end].split()
    after = _WORD_AFTER.match(norm, piece.end)
    return bool(head and head[0] in WEEKDAYS and piece.hour is None and after
                and after[1] not in _LINKS and not after[1].isdigit())


def _weekday_in_words(pieces: list[Piece], norm: str) -> list[str]:
    """Day names and times that may describe a thing: "sunday roast", "the 3pm meeting"."""
    starts = {p.start for p in pieces}
    for p in pieces:
        if norm.startswith("my ", p.start):  # "sort my week" asks for no due date
            return [f"'{norm[p.start:p.end]}' is no date to set"]
        weekday = p.kind == "date" and _WEEKDAY_ONLY.fullmatch(norm, p.start, p.end)
        if not (weekday or p.kind == "time"):
            continue
        before = _WORD_BEFORE.search(norm, 0, p.start)
        after = _WORD_AFTER.match(norm, p.end)
        if not (before and after) or after[1] in _LINKS or after.start(1) in starts:
            continue
        words = f"'{norm[p.start:p.end]} {after[1]}'"
        if before[1] in _DETERMINERS:
            return [f"{words} may name the thing, not the time"]
        if weekday and before[1] not in _LINKS:
            return [f"{words} may be a name, not a day"]
    return []


def _absorb_weekdays(pieces: list[Piece], norm: str, ctx: Context, when: When) -> list[Piece]:
    """"Saturday 6/20", "friday, march 20": the explicit date decides, the weekday names it."""
    out: list[Piece] = []
    for piece in pieces:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == "date" and piece.kind == "date"
                and _WEEKDAY_ONLY.fullmatch(norm, prev.start, prev.end)
                and _COMMA.fullmatch(norm, prev.end, piece.start)):
            agreed = _agree(norm[prev.start:prev.end], norm[piece.start:piece.end], piece, ctx,
                            when)
            out[-1] = agreed.moved(prev.start, piece.end)
        else:
            out.append(piece)
    return out


def _agree(named: str, written: str, dated: Piece, ctx: Context, when: When) -> Piece:
    """"Sunday, Feb 10": the year in which Feb 10 is a Sunday, within a year of today."""
    weekday = next(i for i, name in enumerate(WEEKDAYS) if name in named)
    day = dated.day
    if day is None or day.weekday() == weekday:
        return dated
    for shift in () if _YEAR_WRITTEN.search(written) else (-1, 1):
        other = _same_day(day, day.year + shift)
        if other and abs((other - ctx.today).days) <= 366 and other.weekday() == weekday:
            return dated._replace(day=other)
    when.doubts.append(f"{day:%a %d %b %Y} is not a {WEEKDAYS[weekday]}")
    return dated


def _same_day(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return None


def _merge_ranges(pieces: list[Piece], norm: str) -> list[Piece]:
    merged: list[Piece] = []
    i = 0
    while i < len(pieces):
        a = pieces[i]
        b = pieces[i + 1] if i + 1 < len(pieces) else None
        pair = _pair(a, b, norm) if b else None
        if pair is not None:
            merged.append(pair)
            i += 2
            continue
        merged.append(_tail(a, norm) if a.kind == "time" else a)
        i += 1
    return merged


def _pair(a: Piece, b: Piece | None, norm: str) -> Piece | None:
    if b is None or not _CONNECT.fullmatch(norm[a.end:b.start]):
        return None
    if "and" in norm[a.end:b.start] and "between" not in norm[max(0, a.start - 9):a.end]:
        return None
    if a.kind == "time" and b.kind == "time":
        return Piece(a.start, b.end, "trange", hour=a.hour, minute=a.minute,
                     meridiem=a.meridiem, zone=b.zone or a.zone, second=b)
    if a.kind == "date" and b.kind == "date" and a.day and b.day:
        last = b.day + timedelta(days=7 if timedelta(0) < a.day - b.day < timedelta(7) else 0)
        return Piece(a.start, b.end, "drange", day=a.day, until=last + timedelta(days=1))
    return None


def _tail(a: Piece, norm: str) -> Piece:
    m = _TAIL.match(norm, a.end)
    if m is None or (m["and"] and not norm.startswith("between", a.start)):
        return a
    mer = {"a": "am", "p": "pm"}.get(m["mer"] or "")
    second = Piece(m.start("h"), m.end(), "time", hour=int(m["h"]), minute=int(m["m"] or 0),
                   meridiem=mer)
    if second.hour is None or second.hour > 23:
        return a
    return Piece(a.start, m.end(), "trange", hour=a.hour, minute=a.minute,
                 meridiem=a.meridiem, zone=a.zone, second=second)


def _first(pieces: list[Piece], *kinds: str) -> Piece | None:
    return next((p for p in pieces if p.kind in kinds), None)


def _resolve_point(when: When, pieces: list[Piece], norm: str, ctx: Context) -> None:
    instant = _first(pieces, "instant")
    day = _first(pieces, "date", "drange")
    span = _first(pieces, "span")
    clock = _first(pieces, "time", "trange")
    pod_piece = _first(pieces, "pod")
    pod = (day.pod if day else None) or (pod_piece.pod if pod_piece else None)
    when.day_given = day is not None or span is not None
    when_day = day.day if day else (span.due if span else None)
    if not when.day_given and clock is not None:
        when_day = occasion_day(norm, ctx.today)
        when.day_given = when_day is not None
    if instant is not None and instant.instant is not None:
        when.point = instant.instant
        return
    if clock is not None or (day is not None and day.hour is not None):
        source = clock if clock is not None else day
        assert source is not None
        hint = pod or _meal_hint(norm)
        when.point, when.end = _clock_point(source, when_day, hint, norm, ctx)
    elif pod is not None:
        hour = POD_INSTANT.get(pod, 9)
        when.point = _next_at(when_day, hour, 0, None, ctx)
    elif when_day is not None:
        when.point = when_day


_EVENING_WORDS = lazy(r"\b(?:dinner|drinks|supper|party|happy\s+hour|date\s+night|"
                            r"movie\s+night|game\s+night|concert|show)\b")


def _meal_hint(norm: str) -> str | None:
    """Dinner at 7 is 19:00: evening plans read a bare 7-11 as pm."""
    return "evening" if _EVENING_WORDS.search(norm) else None


def _clock_point(source: Piece, day: date | None, pod: str | None, norm: str,
                 ctx: Context) -> tuple[datetime, datetime | None]:
    zone = _zone_name(source.zone, norm)
    second = source.second
    if source.kind == "trange" and second is not None:
        source, second = _align_meridiems(source, second, pod)
    hour, minute = resolve_hour(source, pod)
    start = _next_at(day, hour, minute, zone, ctx)
    if second is None:
        return start, None
    end_hour, end_minute = resolve_hour(second, pod)
    local_start = start.astimezone(times.zone(zone or ctx.tz))
    end = times.at(local_start.date(), end_hour, end_minute, zone or ctx.tz)
    if end <= start:
        end = times.at(local_start.date() + timedelta(days=1), end_hour, end_minute,
                       zone or ctx.tz)
    return start, end.astimezone(times.zone(ctx.tz))


def _align_meridiems(a: Piece, b: Piece, pod: str | None) -> tuple[Piece, Piece]:
    """Share an am/pm written on one end of a range ("from 1 to 4pm")."""
    if a.meridiem is None and b.meridiem in ("am", "pm"):
        first, last = a.hour or 0, b.hour or 0
        if first % 12 <= last % 12:
            return a._replace(meridiem=b.meridiem), b
        return a._replace(meridiem="am" if b.meridiem == "pm" else "pm"), b
    if b.meridiem is None and a.meridiem is not None:
        start, _ = resolve_hour(a, pod)
        hour = b.hour or 0
        end = hour if hour > start or hour > 12 else hour + 12
        return a, b._replace(hour=end % 24, meridiem="24")
    return a, b


def _zone_name(spoken: str | None, norm: str) -> str | None:
    if not spoken:
        return None
    spoken = re.sub(r"\s+", " ", spoken)
    if spoken in ("my time", "local time"):
        return None
    if spoken in ("their time", "her time", "his time"):
        city = CITY_RE.search(norm)
        return CITIES[city[1]] if city else None
    if spoken.endswith(" time") and spoken[:-5] in CITIES:
        return CITIES[spoken[:-5]]
    return ZONES.get(spoken)


def _next_at(day: date | None, hour: int, minute: int, zone: str | None,
             ctx: Context) -> datetime:
    """`hour:minute` on `day`, or at its next occurrence when no day was said."""
    tz = zone or ctx.tz
    if day is not None:
        return times.at(day, hour, minute, tz).astimezone(times.zone(ctx.tz))
    local_today = ctx.now.astimezone(times.zone(tz)).date()
    moment = times.at(local_today, hour, minute, tz)
    if moment <= ctx.now:
        moment = times.at(local_today + timedelta(days=1), hour, minute, tz)
    return moment.astimezone(times.zone(ctx.tz))


def _resolve_range(when: When, pieces: list[Piece], ctx: Context) -> None:
    drange = _first(pieces, "drange")
    span = _first(pieces, "span")
    day = _first(pieces, "date")
    pod_piece = _first(pieces, "pod")
    pod = (day.pod if day else None) or (pod_piece.pod if pod_piece else None)
    if drange and drange.day and drange.until:
        _set_range(when, times.midnight(drange.day, ctx.tz), times.midnight(drange.until, ctx.tz))
    elif isinstance(when.point, datetime) and when.end is not None:
        _set_range(when, when.point, when.end)
    elif _first(pieces, "time", "instant") is not None or (day and day.hour is not None):
        when.range_start = when.point if isinstance(when.point, datetime) else None
    elif pod is not None and pod in POD_RANGE:
        base = day.day if day and day.day else _pod_day(pod, ctx)
        low, high = POD_RANGE[pod]
        _set_range(when, times.at(base, low, 0, ctx.tz), times.at(base, high, 0, ctx.tz))
    elif span and span.day and span.until:
        _set_range(when, times.midnight(span.day, ctx.tz), times.midnight(span.until, ctx.tz))
    elif day and day.day:
        _set_range(when, times.midnight(day.day, ctx.tz),
                   times.midnight(day.day + timedelta(days=1), ctx.tz))


def _pod_day(pod: str, ctx: Context) -> date:
    """Today, unless that part of today is already over."""
    _, high = POD_RANGE[pod]
    return ctx.today if ctx.now.hour < high else ctx.today + timedelta(days=1)


def _set_range(when: When, start: datetime, end: datetime) -> None:
    when.range_start, when.range_end = start, end
