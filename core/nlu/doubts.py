"""Why a reading may be wrong: the checks behind `Parsed.doubts` and a calibrated confidence.

The intent rules say what the request is; these checks say whether the whole sentence was
read. Each finding is one short reason, and each lowers the confidence, so an action the
parser is unsure of is echoed and confirmed (offline) or sent to a model (online).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from core.nlu.lazy import lazy
from core.nlu.lexicon import MONTHS, WD
from core.nlu.pieces import Context, Piece

CONFIDENT = 0.7  # at or above, with no doubts, the offline path acts without asking
PENALTY = 0.6  # each doubt multiplies the confidence: one is enough to fall below CONFIDENT
# The intents the offline path carries out itself; the rest need a model anyway.
ACTIONABLE = frozenset({"task.add", "task.list", "task.complete", "reminder.add", "event.add",
                        "event.list", "event.free", "brief"})
UNSURE_INTENT = "not sure what you want done"
SEVERAL_STEPS = "several steps in one request"
_TITLED = ("task.add", "reminder.add", "event.add")
_NEW_ITEM = {"task.add": "due", "reminder.add": "remind_at", "event.add": "start"}

# Words that belong to a date or time: left in a title they mean part of one was missed.
_MONTH = "(?:" + "|".join(m for m in MONTHS if m != "may") + ")"  # "I may" is no date
_TEMPORAL = lazy(
    r"(?<![#@])\b(?:" + _MONTH + r"\b|" + WD + r"s?\b|\d+(?:st|nd|rd|th)|(?:first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|twentieth|thirtieth)(?=\s*$|\s+(?:of\b|"
    + WD + "|"
    + _MONTH + r"))|[ap]\.?\s?m\b\.?|o'?clock|\d{1,2}h(?:\d\d)?|"
    r"(?<![$€£.,])\d{1,2}[.:][0-5]\d\b(?![.,]\d)|\d{1,2}\s+(?:past|to)\s+\d{1,2}\b|\d{1,2}\s*[-–]\s*\d{1,2}\b(?![-/])|\d{3,4}(?=\s*$)|"
    r"yesterday|ago|hence|fortnight|tonight|tomorrow|today|noon|midnight|easter|christmas|"
    r"(?:minute|hour|day|week|month|year)s?\s+(?:before|after|from)|"
    r"(?<!the\s)(?<!this\s)(?<!next\s)(?<!my\s)\b(?:day|week|month|year)(?=\s*$)|(?:quarter|half)\s+(?:past|to)|"
    r"\d{1,2}(?=\s*$)|\d{1,2}(?=\s+(?:in\s+the|this|tomorrow|tonight|in\b))|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?=\s*$))",
    re.IGNORECASE)
_ALARM = lazy(r"\b(?:wake|alarm)\b")
_PM_BARE = frozenset((1, 2, 3, 4, 5, 6, 12))  # bare hours read as afternoon (or noon)
# Several actions in one sentence, or a change to something that exists: no single reading.
_STEPS = lazy(r"\b(?:and\s+then|then\s+(?:remind|add|book|schedule|send)|and\s+(?:also\s+)?"
              r"(?:remind|add|schedule|book|move|tell|send|invite)|move\s+(?:my|the|our)\s+(?:\w+\s+)?(?:appointment|meeting|call|event|"
              r"lunch|dinner|session|interview|flight)s?|"
              r"reschedule|postpone|push\s+back|bring\s+forward|same\s+time)\b")


def review(intent: str, slots: dict[str, object], pieces: list[Piece], text: str,
           ctx: Context, found: list[str], names: list[str]) -> list[str]:
    """Reasons to doubt this reading, in the order found.

    `found` comes from the grammar; `names` are day names that may be part of a title.
    """
    doubts = list(found)
    title = slots.get("title")
    if intent in _TITLED and isinstance(title, str):
        doubts.extend(_leftovers(title, bool(pieces)) + names)
    doubts.extend(_conflicts(pieces))
    if intent in _NEW_ITEM:
        doubts.extend(_past(slots.get(_NEW_ITEM[intent]), ctx))
    if intent in ("task.add", "event.add") and not slots.get("title"):
        doubts.append("nothing named to add")
    if intent in ("reminder.add", "event.add") and slots.get(_NEW_ITEM[intent]) is None:
        doubts.append("no time given")  # offline asks for one rather than acting
    if intent == "reminder.add" and _ALARM.search(text) and any(
            p.kind == "time" and p.meridiem is None and (p.hour or 0) in _PM_BARE for p in pieces):
        doubts.append("an alarm at a bare hour: am or pm?")  # "wake me at 6" is not 18:00
    if intent == "event.add" and _length_lost(slots, pieces):
        doubts.append("a length but no start time")
    if intent in ACTIONABLE and _STEPS.search(text):
        doubts.append(SEVERAL_STEPS)
    return list(dict.fromkeys(doubts))


def calibrate(confidence: float, doubts: list[str]) -> float:
    return round(confidence * PENALTY ** len(doubts), 2)


def confident(intent: str, confidence: float, doubts: tuple[str, ...]) -> bool:
    return intent in ACTIONABLE and confidence >= CONFIDENT and not doubts


def _leftovers(title: str, timed: bool) -> list[str]:
    # A bare number is part of the title ("read chapter 3") unless a time was read next to it.
    words = [m[0] for m in _TEMPORAL.finditer(title) if timed or not m[0].isdigit()]
    return [f"unread date or time words in the title: {' '.join(words)}"] if words else []


# The hours (24-hour, start inclusive, end exclusive) a part of the day can name.
_POD_HOURS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (16, 24), "night": (18, 29),
              "tonight": (17, 29)}


def _conflicts(pieces: list[Piece]) -> list[str]:
    doubts = _misfit_parts_of_day(pieces)
    for kind, label in (("time", "two different times"), ("date", "two different days")):
        same = [p for p in pieces if p.kind == kind]
        if len(same) > 1 and len({(p.day, p.hour, p.minute) for p in same}) > 1:
            doubts.append(label)
    return doubts


def _misfit_parts_of_day(pieces: list[Piece]) -> list[str]:
    """"the 3pm meeting tomorrow morning": a written clock time outside the part of day."""
    hours = [_hour24(p) for p in pieces if p.kind == "time" and p.meridiem]
    for pod in (p.pod for p in pieces if p.pod and p.kind in ("pod", "date")):
        low, high = _POD_HOURS.get(pod or "", (0, 29))
        if any(not (low <= h < high or low <= h + 24 < high) for h in hours):
            return ["the time does not fit the part of the day"]
    return []


def _hour24(piece: Piece) -> int:
    hour = piece.hour or 0
    if piece.meridiem == "pm" and hour < 12:
        return hour + 12
    return 0 if piece.meridiem == "am" and hour == 12 else hour


def _length_lost(slots: dict[str, object], pieces: list[Piece]) -> bool:
    """"block 2 hours friday": the event would fill the whole day, not the two hours asked."""
    asked = [p.minutes for p in pieces if p.kind == "duration"]
    return bool(asked) and slots.get("duration_minutes") != asked[0]


def _past(value: object, ctx: Context) -> list[str]:
    if isinstance(value, datetime) and value < ctx.now:
        return ["that time has already passed"]
    if type(value) is date and value < ctx.today:
        return ["that day has already passed"]
    return []


def about_reading(found: tuple[str, ...]) -> list[str]:
    """The doubts that remain when the user has said what to create (`task add`, `remind`)."""
    return [d for d in found if d != UNSURE_INTENT]
