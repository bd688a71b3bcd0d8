"""Recognisers for clock times, parts of the day, durations and elapsed time."""

from __future__ import annotations

import re
from datetime import timedelta

from core.nlu import times
from core.nlu.lexicon import NUM, WD, ZONE_RE, number
from core.nlu.pieces import Context, Piece, Rule, rule

_ZONE = r"(?:\s*" + ZONE_RE + r"\b)?"
_MER = r"(?P<mer>\s*[ap]\.?\s?m\.?|[ap])(?!\w)"
_MER_WORD = r"(?:\s*(?P<mer>[ap])\.?\s?m\b\.?)"  # no bare "a": "3 o'clock a meeting"
_LEAD = r"(?:(?:at|@|around|by|from|for|until|till|before|after|between)\s+)?"
# "\b" cannot start a match at "@" after a space ("tomorrow @ 8"), so allow that explicitly.
_B = r"(?:\b|(?<![\w@])(?=@))"


def _time(m: re.Match[str], hour: int, minute: int, mer: str | None) -> Piece | None:
    if hour > 23 or minute > 59 or (mer in ("am", "pm") and not 1 <= hour <= 12):
        return None
    zone = m.groupdict().get("zone")
    return Piece(m.start(), m.end(), "time", hour=hour, minute=minute, meridiem=mer, zone=zone)


def _mer(text: str | None) -> str | None:
    if not text:
        return None
    return "pm" if text.strip().startswith("p") else "am"


@rule(_B + _LEAD + r"(\d{1,2})(?:[:.](\d{2}))?" + _MER + _ZONE)
def meridiem_time(m: re.Match[str], ctx: Context) -> Piece | None:
    return _time(m, int(m[1]), int(m[2] or 0), _mer(m["mer"]))


@rule(r"(?<![\d:/.-])" + _LEAD + r"(\d{1,2}):(\d{2})(?![\d:])" + _ZONE)
def colon_time(m: re.Match[str], ctx: Context) -> Piece | None:
    hour = int(m[1])
    # "07:30" and "17:00" are 24-hour; "9:45" follows the bare-hour rule.
    clock = "24" if hour == 0 or hour > 12 or m[1].startswith("0") else None
    return _time(m, hour, int(m[2]), clock)


@rule(_B + r"(?:at|@|around|by|from|until|till)\s+(\d{1,2})\.([0-5]\d)(?![\d.])" + _ZONE, ".")
def dotted_time(m: re.Match[str], ctx: Context) -> Piece | None:
    """"at 9.30", "until 21.15": a dotted time needs a word that introduces a time."""
    hour = int(m[1])
    return _time(m, hour, int(m[2]), "24" if hour == 0 or hour > 12 else None)


@rule(_B + r"(?:at|@|around|by|from|between|till|until|when\s+it(?:'s|\s+is))\s+(\d{1,2})"
      r"(?:\s*o'?clock)?\b"
      r"(?![:/.,]?\d|\s*(?:%|minutes?|hours?|days?|weeks?|months?|years?|people|"
      r"guests|of\b|st\b|nd\b|rd\b|th\b))" + _ZONE)
def bare_hour(m: re.Match[str], ctx: Context) -> Piece | None:
    return _time(m, int(m[1]), 0, None)


_T = r"(\d{1,2})(?::(\d{2}))?"
_M = r"(?:\s*([ap])\.?m\.?(?!\w))"


@rule(r"\b(?:from\s+|between\s+)?" + _T + _M + r"?\s*(?:-|–|—|to|until|till)\s*" + _T + _M + "?"
      + _ZONE)
def time_range(m: re.Match[str], ctx: Context) -> Piece | None:
    """"2-3pm", "9am-5pm", "9:00-10:30", "from 1 to 4pm" (one end needs am/pm or both ':')."""
    if not (m[3] or m[6] or (m[2] and m[5])):
        return None
    if not (m[2] or m[3]) and int(m[1]) > 12 and m[6]:
        return None  # "20 to 2pm" is twenty minutes to two, not 20:00 until 14:00
    first = _time(m, int(m[1]), int(m[2] or 0), _mer(m[3]))
    second = _time(m, int(m[4]), int(m[5] or 0), _mer(m[6]))
    if first is None or second is None:
        return None
    return Piece(m.start(), m.end(), "trange", hour=first.hour, minute=first.minute,
                 meridiem=first.meridiem, zone=first.zone, second=second)


@rule(r"\b(?:" + WD + r"|today|tomorrow|tonight)\s+(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\b"
      r"(?!\s*(?:%|people|guests|[:/.]\d|minutes?|hours?|days?|weeks?))")
def day_hour_range(m: re.Match[str], ctx: Context) -> Piece | None:
    """"tuesday 10-11", "tomorrow 2-3": right after a day, two bare hours are a range."""
    first, last = int(m[1]), int(m[2])
    if not (1 <= first <= 12 and 1 <= last <= 12) or first == last:
        return None
    second = Piece(m.start(2), m.end(2), "time", hour=last)
    return Piece(m.start(1), m.end(), "trange", hour=first, second=second)


@rule(r"\b(?:(?:at|@|around)\s+)?(\d{1,2})(?::(\d{2}))?\s*-?ish\b", "ish")
def approx_time(m: re.Match[str], ctx: Context) -> Piece | None:
    """"10ish" is a bare hour ("around 10")."""
    return _time(m, int(m[1]), int(m[2] or 0), None)


@rule(r"\b(\d{1,2})\s*o'?clock\b" + _MER_WORD + "?" + _ZONE, "clock")
def oclock(m: re.Match[str], ctx: Context) -> Piece | None:
    return _time(m, int(m[1]), 0, _mer(m["mer"]))


_NAMED_HOURS = {"noon": 12, "midday": 12, "midnight": 0}


@rule(r"\b(?:at\s+)?(?:a\s+)?(?:(half|quarter)|(\d{1,2})(\s+minutes?)?)\s+(past|after|to|before|"
      r"till)\s+(\d{1,2}(?![\d:])|noon\b|midday\b|midnight\b)" + _MER_WORD + "?" + _ZONE,
      "past", "after", "to", "before", "till")
def around_hour(m: re.Match[str], ctx: Context) -> Piece | None:
    """"a quarter past 3pm", "20 past 3", "a quarter to noon", "20 minutes to 2pm"."""
    backwards = m[4] in ("to", "before", "till")
    minutes = 30 if m[1] == "half" else 15 if m[1] else int(m[2])
    if (m[2] and backwards and not m[3] and not _minutes_to(m)) or minutes >= 60:
        return None  # "5 to 7" is a range of hours
    named = _NAMED_HOURS.get(m[5])
    hour, mer = (named, "24") if named is not None else (int(m[5]), _mer(m["mer"]))
    if not backwards:
        return _time(m, hour, minutes, mer)
    if mer == "24":
        return _time(m, (hour - 1) % 24, 60 - minutes, "24")
    if mer is not None and hour == 12:  # a quarter to 12pm is 11:45 am
        mer = "am" if mer == "pm" else "pm"
    return _time(m, (hour - 1) % 12 or 12, 60 - minutes, mer)


def _minutes_to(m: re.Match[str]) -> bool:
    """"20 to 2pm", "at 10 to 5": minutes before an hour rather than a range of hours.

    A count no clock hour can be (13 and up), or a point in time ("at ..."), reads as minutes.
    """
    count = int(m[2])
    return count % 5 == 0 and count < 60 and (count > 12 or m[0].startswith("at"))


@rule(r"\b(?:at\s+)?half\s+(\d{1,2})\b(?!\s*(?:past|to|hours?|days?|an?\b|[ap]\.?m))", "half")
def half_hour(m: re.Match[str], ctx: Context) -> Piece | None:
    """British "half 7" is 7:30."""
    return _time(m, int(m[1]), 30, None)


_POD_AFTER = (r"(?=\s+(?:tonight|this\s+(?:morning|afternoon|evening)|(?:tomorrow|today)\s+"
              r"(?:morning|afternoon|evening|night)|in\s+the\s+(?:morning|afternoon|evening)|"
              r"at\s+night))")


@rule(_B + r"(?:(?:at|@|around|by)\s+)?(\d{1,2})(?::?([0-5]\d))?(?:\s*o'?clock)?" + _POD_AFTER
      + r"|" + _B + r"(?:(?:at|@|around|by)\s+)?(\d{1,2})(?::?([0-5]\d))?\s+in\s+the\s+([ap])m\b",
      "tonight", "morning", "afternoon", "evening", "night", "the am", "the pm")
def hour_with_part_of_day(m: re.Match[str], ctx: Context) -> Piece | None:
    """"8 tonight", "3 in the morning", "at 730 in the evening", "at 3 in the AM"."""
    if m[5]:
        return _time(m, int(m[3]), int(m[4] or 0), _mer(m[5]))
    if int(m[1]) > 12 and not m[2] and m.group().lstrip()[:1].isdigit():
        return None  # "watch Apollo 13 tonight": a bare 13 before a part of day is a name
    return _time(m, int(m[1]), int(m[2] or 0), None)


@rule(_B + r"(?:(at|@|around|by|from|until|till)\s+)?(\d{1,2})h([0-5]\d)?\b" + _ZONE, "h")
def french_time(m: re.Match[str], ctx: Context) -> Piece | None:
    """"16h00", "16h", "13h30"; "1h30" alone is a duration."""
    hour = int(m[2])
    if not (m[1] or hour >= 13 or m[3] == "00"):
        return None
    return _time(m, hour, int(m[3] or 0), "24")


@rule(r"(?:" + _B + r"(?:(?:at|@|around|by|from|until|till)\s+)(\d{1,2})\s?([0-5]\d)\b"
      + _MER_WORD + "?" + r"|\b(\d{1,2})\s([0-5]\d)" + _MER_WORD.replace("mer", "mer2") + ")"
      + r"(?:\s*(?:hrs|hours|h)\b)?" + _ZONE)
def spaced_time(m: re.Match[str], ctx: Context) -> Piece | None:
    """"at 1600", "at 1030", "at 3 15", "10 30 am" (said as "ten thirty am")."""
    hour, minute = int(m[1] or m[4]), int(m[2] or m[5])
    mer = _mer(m["mer"] or m["mer2"])
    return _time(m, hour, minute, mer or ("24" if hour > 12 or hour == 0 else None))


@rule(r"\b(?:at\s+)?(?:12\s+)?(noon|midday|midnight|lunchtime)\b" + _ZONE,
      "noon", "midday", "midnight", "lunchtime")
def named_time(m: re.Match[str], ctx: Context) -> Piece | None:
    return _time(m, 0 if m[1] == "midnight" else 12, 0, "24")


@rule(r"\b(?:in\s+the\s+|this\s+|during\s+the\s+)?(?<!movie\s)(?<!game\s)(?<!date\s)"
      r"(?<!poker\s)(?<!quiz\s)(?<!trivia\s)(?<!pizza\s)(?<!girls\s)(?<!karaoke\s)"
      r"(?<!opening\s)(?<!good\s)(morning|afternoon|evening|night)\b(?!\s+(?:run|routine|"
      r"person|shift|class|classes|walk|meds|pages|owl|out|school))"
      r"|\b(?:first|1st)\s+thing(?:\s+in\s+the\s+morning)?\b")
def part_of_day(m: re.Match[str], ctx: Context) -> Piece | None:
    return Piece(m.start(), m.end(), "pod", pod=m[1] or "morning")


_UNIT = r"(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b"


@rule(r"\bin\s+(" + NUM + r")\s*" + _UNIT + r"(?:\s+and\s+(?:(a\s+half)|(\d+)\s*minutes?))?"
      r"|\b(" + NUM + r")\s*" + _UNIT + r"\s+from\s+now\b")
def in_elapsed(m: re.Match[str], ctx: Context) -> Piece | None:
    count_text, unit_text = (m[1], m[2]) if m[1] else (m[5], m[6])
    if not count_text[0].isdigit() and len(unit_text) == 1:
        return None
    count = number(count_text)
    unit = unit_text[0]
    minutes = count * {"h": 60, "m": 1, "s": 1 / 60}[unit]
    minutes += 30 if m[3] else int(m[4] or 0)
    return _elapsed(m, ctx, minutes)


@rule(r"\bin\s+(?:an?\s+|one\s+|1\s+)?half\s+(?:an?\s+)?hour\b|\bin\s+(\d+)\s*h\s*(\d+)\s*m?\b"
      r"|\bin\s+(?:an?|one|1)\s+hour\s+and\s+a\s+half\b", "in ")
def in_elapsed_compound(m: re.Match[str], ctx: Context) -> Piece | None:
    if m[1]:
        return _elapsed(m, ctx, int(m[1]) * 60 + int(m[2]))
    return _elapsed(m, ctx, 90 if "and" in m[0] else 30)


def _elapsed(m: re.Match[str], ctx: Context, minutes: float) -> Piece:
    moment = times.elapsed(ctx.now, timedelta(minutes=minutes), ctx.tz)
    return Piece(m.start(), m.end(), "instant", instant=moment)


@rule(r"\b(?:for\s+)?(?:(\d+)\s*h\s*(\d+)\s*m?\b|(?:an?|one|1)\s+hour\s+and\s+a\s+half\b"
      r"|(?:an?\s+)?half\s*(?:an?\s+|-)?hour\b|(" + NUM + r")(?:\s+and\s+a\s+half)?\s*-?\s*"
      r"(?:(?:free|spare|open|clear|solid|uninterrupted|full)\s+)?"
      r"(minutes?|mins?|m|hours?|hrs?|h)\b(?:\s+and\s+(\d+)\s*minutes?)?(?:[\s-]+long)?)")
def duration(m: re.Match[str], ctx: Context) -> Piece | None:
    if m[3] and not m[3][0].isdigit() and len(m[4]) == 1:
        return None  # "am" is not "a m(inute)"
    minutes = duration_minutes(m)
    if minutes is None or minutes <= 0:
        return None
    return Piece(m.start(), m.end(), "duration", minutes=minutes)


def duration_minutes(m: re.Match[str]) -> int | None:
    """Minutes of a `duration` match (shared with the CLI option parser)."""
    if m[1]:
        return int(m[1]) * 60 + int(m[2])
    if m[3] is None:
        return 90 if "and" in m[0] else 30
    count = number(m[3]) + (0.5 if "and a half" in m[0] else 0)
    total = count * (60 if m[4][0] == "h" else 1) + int(m[5] or 0)
    return round(total)


@rule(r"\b(?:an?\s+)?(?:free\s+|spare\s+|open\s+)?hour\b", "hour")
def an_hour(m: re.Match[str], ctx: Context) -> Piece | None:
    if not re.match(r"an?\s", m[0]):
        return None
    return Piece(m.start(), m.end(), "duration", minutes=60)


CLOCK_RULES: list[Rule] = [
    time_range, day_hour_range, meridiem_time, colon_time, dotted_time, around_hour, half_hour,
    hour_with_part_of_day, french_time,
    spaced_time, bare_hour, approx_time, oclock,
    named_time, part_of_day,
    in_elapsed, in_elapsed_compound, duration, an_hour,
]


def resolve_hour(piece: Piece, pod: str | None) -> tuple[int, int]:
    """24-hour (hour, minute) of a time piece, applying the bare-hour rule."""
    hour = piece.hour or 0
    if piece.meridiem == "pm" and hour < 12:
        hour += 12
    elif piece.meridiem == "am" and hour == 12:
        hour = 0
    elif piece.meridiem is None and hour <= 12:
        hour = _bare(hour, pod)
    return hour, piece.minute


def _bare(hour: int, pod: str | None) -> int:
    if pod in ("afternoon", "evening", "night", "tonight") and hour < 12:
        return hour + 12
    if pod == "morning":
        return hour % 12
    # Bare 1-6 are afternoon, 7-11 morning, 12 noon.
    return hour + 12 if 1 <= hour <= 6 else hour

