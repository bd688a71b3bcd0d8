"""Assembling the slots of each intent from the recognised pieces of a sentence."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from core.nlu import mail, recurrence, times
from core.nlu.intents import APPOINTMENT, ASK_REMINDER, BOOK_NOUN
from core.nlu.lazy import lazy
from core.nlu.lexicon import Text
from core.nlu.pieces import Context
from core.nlu.quickadd import Tokens
from core.nlu.temporal import POD_INSTANT, When
from core.nlu.titles import carve, extend_left, tidy

Slots = dict[str, object]


class Sentence(NamedTuple):
    """A sentence with everything recognised in it, ready for slot filling."""

    text: Text
    mask: str  # norm with quoted titles blanked
    start: int  # after a bot prefix / slash command
    ctx: Context
    when: When
    repeat: recurrence.Repeat | None
    tokens: Tokens
    quoted: list[tuple[int, int]]
    spans: list[tuple[int, int, str]]  # filled while slots are built


_COMMANDS = {
    "reminder.add": lazy(
        r"\b(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:set\s+(?:a\s+|an\s+|up\s+a\s+)?"
        r"(?:reminder|alarm)(?:\s+for\s+me)?|reminder\s*[:\-]?|(?:remind|ping|nudge|alert|"
        r"notify|buzz|text|message|wake)\s+me(?:\s+up\b)?|^\s*remember\s+me(?=\s+to\b)|"
        r"remind\s+(?:us|the\s+team|everyone)|give\s+me\s+"
        r"a\s+(?:reminder|nudge|ping|shout)|let\s+me\s+know|" + ASK_REMINDER
        + r"(?:\s+in\b)?(?:\s+for\s+me\b)?)\b\s*:?(?:\s*to\b(?=\s+[a-z]))?"),
    "task.add": lazy(
        r"^\s*(?:(?:please\s+)?add\s+(?:a\s+|new\s+)?(?:task|todo|to-do|to\s+do)\s*(?:to\s+)?|"
        r"new\s+(?:task|todo)|(?:create|make)\s+(?:a\s+|new\s+)?(?:task|todo)|task|todo(?!\s+list)|"
        r"to-?do|to\s+do(?=\s*:)|i\s+need(?=\s+[a-z]+\s)(?!\s+to\b)|"
        r"i\s+(?:need|have|got)\s+"
        r"to|(?:i\s+)?gotta|need\s+to|must|(?:don't|dont|do\s+not)\s+(?:let\s+me\s+)?forget"
        r"(?:\s+(?:to|about))?|remember\s+to|make\s+a\s+note\s+to|make\s+sure\s+(?:to|i)|note\s+to\s+self|i\s+should|"
        r"i\s+must|add|(?:put|stick|throw|pop)(?=.+\blist\b))\b\s*:?"),
    "task.complete": lazy(
        r"^\s*(?:(?:complete|close|finish)\s+(?:the\s+)?(?:task|todo)\b\s*:?|(?:(?:task|todo|to-?do)\s+)?"
        r"(?:(?:i'm|i\s+am)\s+)?(?:all\s+|finally\s+)?(?:done|completed?|finished|did)\s*[:\-–]?\s*"
        r"(?:with\b)?|(?:mark|set)\b|"
        r"(?:tick|check|cross|strike)(?:\s+off)?\b|(?:i\s+)?(?:just\s+)?(?:have\s+)?"
        r"(?:finished|completed|did)\b|(?:complete|close|finish)\s+(?:the\s+)?(?:task|todo)"
        r"\b\s*:?)|\s(?:as\s+)?(?:done|complete|completed|finished|off)(?:\s+(?:please|now))?"
        r"\s*[.!]*\s*$|\s(?:is|are)\s+(?:done|finished|completed)\b"),
    "event.add": lazy(
        r"^\s*(?:please\s+)?(?:schedule|set\s+up|arrange|organi[sz]e|"
        r"(?!" + BOOK_NOUN + r")book|block(?:\s+off|\s+out)?"
        r"|hold|reserve|pencil\s+in|put|add|create|make|set|plan|calendar)\b(?:\s+(?:an?\s+|new\s+)?"
        r"(?:event|calendar\s+event)\b\s*(?:for|called|:)?)?|^\s*(?:i\s+have|i've\s+got|i\s+got|"
        r"we\s+have|there\s+is|there's)\b|\b(?:on|to|in|into)\s+(?:(?:my|the|our)\s+)?"
        r"(?:calendar|schedule|diary)\b\s*:?|[.!]?\s*(?:please\s+)?(?:put|add|pop|enter)\s+"
        r"(?:it|this|that)\s+(?:in|on|into|to)\s+(?:my|the)\s+(?:calendar|diary|schedule)\b"),
}
_RESOURCE_FOR = lazy(r"^(?:book|reserve|block|hold)\b")


def build(intent: str, s: Sentence) -> Slots:
    builder = _BUILDERS.get(intent)
    return builder(s) if builder else {}


def _removed(s: Sentence, intent: str, durations: bool) -> list[tuple[int, int]]:
    dead: list[tuple[int, int]] = []
    for piece in s.when.pieces:
        if piece.kind == "duration" and not durations:
            continue
        dead.append((extend_left(s.mask, piece.start), piece.end))
        s.spans.append((piece.start, piece.end, piece.kind))
    if s.repeat:
        dead.append((extend_left(s.mask, s.repeat.start), s.repeat.end))
        if s.repeat.extra:
            dead.append(s.repeat.extra)
    dead.extend((a, b) for a, b, _ in s.tokens.spans)
    command = _COMMANDS.get(intent)
    if command:
        # Blank the bot prefix so the commands' ^ anchors see where the request starts.
        rest = " " * s.start + s.mask[s.start:]
        dead.extend(m.span() for m in command.finditer(rest))
    return dead


def title(s: Sentence, intent: str, durations: bool = False) -> str | None:
    if s.quoted:
        a, b = s.quoted[0]
        return s.text.raw_slice(a, b).strip() or None
    dead = _removed(s, intent, durations)
    value = tidy(carve(s.text, s.start, len(s.mask), dead), filler=True)
    if intent == "event.add" and _RESOURCE_FOR.search(s.mask[s.start:].lstrip()):
        # "book the conference room for a workshop": the event is what it is for.
        head, sep, tail = value.rpartition(" for ")
        # A number left before "for" ("hold friday 2-4 for prep") is kept so it can be doubted.
        resource = not APPOINTMENT.search(head) or APPOINTMENT.search(tail)
        booked = sep and tail and not re.search(r"\d", head) and resource
        value = tidy(tail, filler=True) if booked else value  # "book a lesson for Ellie" stays
    return value or None


def _common(s: Sentence) -> Slots:
    slots: Slots = {}
    if s.tokens.priority is not None:
        slots["priority"] = s.tokens.priority
    if s.tokens.tags:
        slots["tags"] = s.tokens.tags
    if s.tokens.project:
        slots["project"] = s.tokens.project
    return slots


def _moment(s: Sentence) -> date | datetime | None:
    """The item's date or time; for a repeat, its first occurrence."""
    point = s.when.point
    if s.repeat is None:
        return point
    wall = _wall(s, point)
    not_before = point if type(point) is date and point > s.ctx.today else None
    first = recurrence.first_occurrence(s.repeat.rule, s.ctx.now, wall, not_before)
    if first is None:
        return point
    return times.localize(first, s.ctx.tz) if wall else first.date()


def _wall(s: Sentence, point: date | datetime | None) -> time | None:
    if isinstance(point, datetime):
        return point.astimezone(times.zone(s.ctx.tz)).time().replace(second=0, microsecond=0)
    if s.repeat and s.repeat.pod:
        return time(POD_INSTANT.get(s.repeat.pod, 9))
    return None


def _with_repeat(s: Sentence, slots: Slots) -> None:
    if s.repeat:
        slots["recurrence"] = s.repeat.rule
        s.spans.append((s.repeat.start, s.repeat.end, "recurrence"))


def _task_add(s: Sentence) -> Slots:
    return _titled_moment(s, "task.add", "due")


def _reminder(s: Sentence) -> Slots:
    return _titled_moment(s, "reminder.add", "remind_at")


def _titled_moment(s: Sentence, intent: str, when_slot: str) -> Slots:
    """A title, one point in time under `when_slot`, and a repeat: tasks and reminders."""
    slots = _common(s)
    name = title(s, intent)
    if name:
        slots["title"] = name
    moment = _moment(s)
    if moment is not None:
        slots[when_slot] = moment
    _with_repeat(s, slots)
    return slots


def _complete(s: Sentence) -> Slots:
    name = title(s, "task.complete")
    return {"title": name} if name else {}


def _event_add(s: Sentence) -> Slots:
    slots = _common(s)
    name = title(s, "event.add", durations=True)
    if name:
        slots["title"] = name
    start, end = _event_times(s)
    if start is not None:
        slots["start"] = start
    if end is not None and start is not None:
        slots["end"] = end
        slots["duration_minutes"] = int((end - start).total_seconds() // 60)
    elif s.when.duration:
        slots["duration_minutes"] = s.when.duration
    _with_repeat(s, slots)
    people = attendees(s)
    if people:
        slots["attendees"] = people
    return slots


def _event_times(s: Sentence) -> tuple[datetime | None, datetime | None]:
    if _blocks_part_of_day(s):
        return s.when.range_start, s.when.range_end
    moment = _moment(s)
    if moment is None:
        return None, None
    if not isinstance(moment, datetime):
        start = times.midnight(moment, s.ctx.tz)  # a whole-day event
        return start, times.midnight(moment + timedelta(days=1), s.ctx.tz)
    end = s.when.end
    if s.repeat is not None:  # the range was read for a day of its own: keep its length
        point = s.when.point
        length = end - point if end and isinstance(point, datetime) else None
        end = times.elapsed(moment, length, s.ctx.tz) if length else None
    if end is None and s.when.duration:
        end = times.elapsed(moment, timedelta(minutes=s.when.duration), s.ctx.tz)
    return moment, end


def _blocks_part_of_day(s: Sentence) -> bool:
    """"block off friday afternoon" reserves the whole afternoon (12:00-17:00)."""
    kinds = {p.kind for p in s.when.pieces}
    has_pod = "pod" in kinds or any(p.pod for p in s.when.pieces)
    return (bool(_RESOURCE_FOR.search(s.mask[s.start:].lstrip())) and has_pod
            and not kinds & {"time", "trange", "instant", "duration"}
            and s.when.range_end is not None and s.repeat is None)


def _range(s: Sentence) -> Slots:
    slots = _common(s)
    if s.when.range_start is not None:
        slots["start"] = s.when.range_start
    if s.when.range_end is not None:
        slots["end"] = s.when.range_end
    for piece in s.when.pieces:
        s.spans.append((piece.start, piece.end, piece.kind))
    return slots


def _free(s: Sentence) -> Slots:
    slots = _range(s)
    if s.when.duration:
        slots["duration_minutes"] = s.when.duration
    elif found := _FREE_UNIT.search(s.mask, s.start):
        slots["duration_minutes"] = 30 if found[1] else 60  # "my next free hour"
    return slots


_FREE_UNIT = lazy(r"\bfree\s+(half\s+)?hour\b")


def _send(s: Sentence) -> Slots:
    return mail.send_slots(s.text, s.mask, s.start)


def _search(s: Sentence) -> Slots:
    dead = [(p.start, p.end) for p in s.when.pieces if p.kind != "duration"]
    query = mail.search_query(s.text, s.mask, s.start, dead)
    return {"query": query} if query else {}


_NAME_END = lazy(r"\b(?:about|re|regarding|to|for|at|on|in|from|every|by|via|over|who|"
                       r"that|tomorrow|today|tonight|next|this|and\s+(?:discuss|talk|go))\b"
                       r"|[:;!?(]|\.(?!\w)")


def attendees(s: Sentence) -> list[str]:
    """People after "with": "with Sara and Tom" -> [Sara, Tom]."""
    m = re.search(r"\bwith\s+", s.mask[s.start:])
    if m is None:
        return []
    begin = s.start + m.end()
    stop = _NAME_END.search(s.mask, begin)
    end = stop.start() if stop else len(s.mask)
    for piece in s.when.pieces:
        if piece.start >= begin:
            end = min(end, extend_left(s.mask, piece.start))
    people: list[str] = []
    for part in re.finditer(r"[^,&]+", s.mask[begin:end]):
        for name in re.split(r"\s+and\s+", part[0]):
            a = begin + part.start() + part[0].find(name)
            raw = s.text.raw_slice(a, a + len(name.rstrip())).strip()
            if raw and len(raw.split()) <= 4:
                people.append(raw)
    return people


_BUILDERS = {
    "task.add": _task_add, "reminder.add": _reminder, "task.complete": _complete,
    "event.add": _event_add, "event.list": _range, "task.list": _range, "brief": _range,
    "event.free": _free, "email.send": _send, "email.search": _search,
}
