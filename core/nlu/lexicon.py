"""Word tables and the text normaliser shared by every recogniser.

Recognisers run on a lower-cased, typo-corrected copy of the input (`Text.norm`) but
titles and names are cut from the original (`Text.raw`), so each normalised character
remembers the original character range it came from.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from core.nlu.lazy import lazy

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")

WD = "(?:" + "|".join(WEEKDAYS) + ")"
MONTH = "(?:" + "|".join(MONTHS) + ")"
# A count written as digits or words ("2", "two", "a couple of").
NUM = (r"(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
       r"twelve|fifteen|twenty|thirty|forty[- ]five|forty|fifty|sixty|ninety|"
       r"a\s+couple(?:\s+of)?|a\s+few|couple(?:\s+of)?|few)")

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "forty five": 45, "fifty": 50,
    "sixty": 60, "ninety": 90, "few": 3, "couple": 2,
}

# Number and ordinal words become digits in the normalised text, so every rule that reads
# "3", "3rd" or "23rd" also reads "three", "third" and "twenty third" (titles keep the words).
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
          "seventeen", "eighteen", "nineteen")
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_UNIT_ORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
              "ninth")
_TEEN_ORDS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth")


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


NUMBER_TOKENS: dict[str, str] = {
    **{w: str(i) for i, w in enumerate(_UNITS, 1)},
    **{w: str(i) for i, w in enumerate(_TEENS, 10)},
    **{w: str(n) for w, n in _TENS.items()},
    **{w: f"{i}{_suffix(i)}" for i, w in enumerate(_UNIT_ORDS + _TEEN_ORDS, 1)},
    "twentieth": "20th", "thirtieth": "30th",
}
_COMPOUND_HEAD = set(_TENS)  # "twenty three" -> 23, "twenty-third" -> 23rd

ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "fifth": 5, "5th": 5, "last": -1}



def number(word: str) -> float:
    """The value of a NUM match; 'a couple of' is 2, 'a few' is 3."""
    word = re.sub(r"\s+", " ", word.strip())
    word = re.sub(r"^a (?=couple|few)|(?<=couple) of$", "", word)
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return 1.0


# Shorthand and frequent misspellings, mapped token by token.
TYPOS: dict[str, str] = {
    **dict.fromkeys(("tmrw", "tmr", "tmrow", "tmw", "tomorow", "tomorrw", "tommorow",
                     "tommorrow", "tomorroww", "tomrrow", "tmorrow", "2morrow", "2moro",
                     "tomoz", "tomm", "tommorw", "tomrow"), "tomorrow"),
    **dict.fromkeys(("tonite", "2nite", "tonigt"), "tonight"),
    **dict.fromkeys(("2day", "tdy", "tday"), "today"),
    "mon": "monday", "mondya": "monday", "monady": "monday",
    **dict.fromkeys(("tue", "tues", "tuseday", "teusday", "tuesay", "tusday"), "tuesday"),
    **dict.fromkeys(("wed", "weds", "wednsday", "wensday", "wendsday", "wedensday",
                     "wednesay", "wedesday", "wednessday"), "wednesday"),
    **dict.fromkeys(("thu", "thur", "thurs", "thrusday", "thursay", "thurday", "thursdy",
                     "thrsday", "thusday"), "thursday"),
    **dict.fromkeys(("fri", "firday", "fryday", "fridy", "frday"), "friday"),
    **dict.fromkeys(("sat", "saturdy", "saterday", "satuday", "satruday"), "saturday"),
    **dict.fromkeys(("sun", "sunady", "sundy"), "sunday"),
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july", "aug": "august", "sep": "september", "sept": "september",
    "oct": "october", "nov": "november", "dec": "december",
    **dict.fromkeys(("aftrnoon", "afternon", "aftenoon", "afternoom", "arvo", "aft"),
                    "afternoon"),
    **dict.fromkeys(("mornin", "mrng", "morn", "mornign", "morming"), "morning"),
    **dict.fromkeys(("evng", "evenin", "evning"), "evening"),
    "nite": "night", "nxt": "next", "mtg": "meeting", "mtgs": "meetings", "appt": "appointment",
    "appts": "appointments", "tsk": "task", "taks": "task", "tasl": "task",
    **dict.fromkeys(("emial", "emal", "eamil", "emil", "e-mail"), "email"),
    **dict.fromkeys(("calender", "calandar", "calendr", "cal"), "calendar"),
    **dict.fromkeys(("remidn", "remnd", "remaind", "rmind", "remid", "rmd"), "remind"),
    "abt": "about", "schedul": "schedule", "shedule": "schedule",
    **dict.fromkeys(("apointment", "appointmnet", "appoinment"), "appointment"),
    "w": "with", "w/": "with", "wk": "week", "wks": "weeks", "wknd": "weekend", "wkend": "weekend",
    **dict.fromkeys(("hr", "hrs"), "hours"), **dict.fromkeys(("min", "mins"), "minutes"),
    "yr": "year", "yrs": "years", "b4": "before", "u": "you", "plz": "please", "pls": "please",
    "whats": "what's", "wats": "what's", "wat": "what", "whens": "when's",
    "im": "i'm", "ive": "i've", "ur": "your", "r": "are",
    "&": "and", "+": "and", "wanna": "want to", "gonna": "going to", "lemme": "let me",
}

# Zone words accepted after a clock time ("9am IST", "10am eastern", "17:00 CET").
ZONES = {
    "ist": "Asia/Kolkata", "india time": "Asia/Kolkata",
    "cet": "Europe/Berlin", "cest": "Europe/Berlin", "central european time": "Europe/Berlin",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "eastern": "America/New_York", "eastern time": "America/New_York",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles", "pacific time": "America/Los_Angeles",
    "cst": "America/Chicago", "cdt": "America/Chicago", "ct": "America/Chicago",
    "central": "America/Chicago", "central time": "America/Chicago",
    "mst": "America/Denver", "mdt": "America/Denver", "mountain": "America/Denver",
    "mountain time": "America/Denver", "gmt": "UTC", "utc": "UTC", "bst": "Europe/London",
    "uk time": "Europe/London", "jst": "Asia/Tokyo", "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong",
    "eet": "Europe/Athens", "eest": "Europe/Athens", "wet": "Europe/Lisbon",
    "atlantic": "America/Halifax", "atlantic time": "America/Halifax", "ast": "America/Halifax",
    "adt": "America/Halifax", "brt": "America/Sao_Paulo", "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
}

# Places, for "<city> time" and for "their time" when the sentence names a place.
CITIES = {
    "london": "Europe/London", "paris": "Europe/Paris", "berlin": "Europe/Berlin",
    "munich": "Europe/Berlin", "amsterdam": "Europe/Amsterdam", "madrid": "Europe/Madrid",
    "lisbon": "Europe/Lisbon", "dublin": "Europe/Dublin", "zurich": "Europe/Zurich",
    "rome": "Europe/Rome", "stockholm": "Europe/Stockholm", "warsaw": "Europe/Warsaw",
    "new york": "America/New_York", "nyc": "America/New_York", "boston": "America/New_York",
    "toronto": "America/Toronto", "chicago": "America/Chicago", "denver": "America/Denver",
    "san francisco": "America/Los_Angeles", "sf": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "tokyo": "Asia/Tokyo", "sydney": "Australia/Sydney", "melbourne": "Australia/Melbourne",
    "singapore": "Asia/Singapore", "hong kong": "Asia/Hong_Kong", "dubai": "Asia/Dubai",
    "mumbai": "Asia/Kolkata", "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "india": "Asia/Kolkata", "beijing": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai", "seoul": "Asia/Seoul", "auckland": "Pacific/Auckland",
    "sao paulo": "America/Sao_Paulo", "mexico city": "America/Mexico_City",
    "uk": "Europe/London", "tel aviv": "Asia/Jerusalem", "kyiv": "Europe/Kyiv",
    "riyadh": "Asia/Riyadh", "halifax": "America/Halifax", "cairo": "Africa/Cairo",
    "istanbul": "Europe/Istanbul", "johannesburg": "Africa/Johannesburg",
    "lagos": "Africa/Lagos", "nairobi": "Africa/Nairobi", "jakarta": "Asia/Jakarta",
    "bangkok": "Asia/Bangkok", "manila": "Asia/Manila", "vancouver": "America/Vancouver",
    "montreal": "America/Toronto", "austin": "America/Chicago", "houston": "America/Chicago",
    "dallas": "America/Chicago", "miami": "America/New_York", "atlanta": "America/New_York",
    "phoenix": "America/Phoenix", "la": "America/Los_Angeles", "washington": "America/New_York",
    "honolulu": "Pacific/Honolulu",
}


def _alternation(words: list[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


ZONE_RE = ("(?P<zone>" + _alternation(list(ZONES)) + r"|(?:" + _alternation(list(CITIES))
           + r")\s+time|(?:their|her|his)\s+time|my\s+time|local\s+time)")
CITY_RE = lazy(r"\b(" + _alternation(list(CITIES)) + r")\b")

_TOKEN = lazy(r"(?i:w/)(?=\s)|[^\W_]+(?:['’][^\W_]+)*|\S", re.UNICODE)


class Text(NamedTuple):
    """The raw input and its normalised form, with a character map between them."""

    raw: str
    norm: str
    starts: list[int]
    ends: list[int]

    def to_raw(self, a: int, b: int) -> tuple[int, int]:
        """The raw character range behind norm[a:b]."""
        if b <= a or a >= len(self.starts):
            pos = self.starts[a] if a < len(self.starts) else len(self.raw)
            return pos, pos
        return self.starts[a], self.ends[b - 1]

    def raw_slice(self, a: int, b: int) -> str:
        ra, rb = self.to_raw(a, b)
        return self.raw[ra:rb]


def normalise(raw: str) -> Text:
    """Lower-case, straighten quotes, expand shorthand and number words, keeping the
    character map."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for a, b, token in _compounds(_tokens(raw)):
        _emit_gap(raw, pos, a, parts, starts, ends)
        parts.append(token)
        starts.extend([a] * len(token))
        ends.extend([b] * len(token))
        pos = b
    _emit_gap(raw, pos, len(raw), parts, starts, ends)
    return Text(raw, "".join(parts), starts, ends)


Token = tuple[int, int, str, str]  # raw start, raw end, normalised form, lower-cased word


def _tokens(raw: str) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(raw):
        word = match.group().lower().replace("’", "'")
        token = TYPOS.get(word, word)
        if word == "@" and raw[match.end():match.end() + 1].isspace():
            token = "at"  # "lunch @ noon"; "@errands" stays a tag
        found.append((match.start(), match.end(), NUMBER_TOKENS.get(token, token), word))
    return _chat_to(found)


# Chat-speak "2" for "to" comes after these words and before a verb, never before a unit.
_BEFORE_TO = frozenset(("me", "need", "have", "got", "want", "going", "remember", "forget",
                        "how", "time", "us"))
_UNIT_WORDS = frozenset(("am", "pm", "a.m.", "p.m.", "hours", "hour", "minutes", "minute", "mins",
                    "min", "hrs", "hr", "h", "days", "day", "weeks", "week", "months", "month",
                    "years", "o'clock", "oclock", "times", "more", "of", "or", "and", "to", "-",
                    ":", "weekends", "nights", "p", "a"))


def _chat_to(tokens: list[Token]) -> list[Token]:
    """"remind me 2 call mom": that "2" is "to"."""
    out = list(tokens)
    for i in range(1, len(tokens) - 1):
        a, b, _, word = tokens[i]
        after = tokens[i + 1][3]
        counted = after.removesuffix("s")
        if (word == "2" and tokens[i - 1][3] in _BEFORE_TO and after.isalpha()
                and not {after, counted} & _UNIT_WORDS and counted not in WEEKDAYS
                and tokens[i + 1][0] > b):
            out[i] = (a, b, "to", word)
    return out


def _compounds(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Join "twenty" + "three" (or "twenty-third") into one token, "23" ("23rd")."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(tokens):
        a, b, token, word = tokens[i]
        step = 2 if i + 2 < len(tokens) and tokens[i + 1][2] == "-" else 1
        unit = tokens[i + step] if i + step < len(tokens) else None
        if (word in _TENS and unit is not None and unit[0] - b <= 1 and unit[3] != unit[2]
                and unit[2][0] in "123456789" and not unit[2][1:2].isdigit()):
            out.append((a, unit[1], str(_TENS[word] + int(unit[2][0])) + unit[2][1:]))
            i += step + 1
            continue
        out.append((a, b, token))
        i += 1
    return out

def _emit_gap(raw: str, a: int, b: int, parts: list[str], starts: list[int],
              ends: list[int]) -> None:
    # Whitespace runs become single-width spaces so regexes can use \s+ safely.
    for i in range(a, b):
        parts.append(" ")
        starts.append(i)
        ends.append(i + 1)
