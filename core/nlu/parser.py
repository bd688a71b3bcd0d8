"""`parse(text, now, tz)`: one chat/terminal message to an intent with slots."""

from __future__ import annotations

import re
from datetime import datetime
from typing import NamedTuple

from core.errors import Invalid
from core.nlu import doubts, quickadd, recurrence, slots, temporal, times
from core.nlu.intents import SLASH, Signals, classify
from core.nlu.lazy import lazy
from core.nlu.lexicon import normalise
from core.nlu.pieces import Context
from core.nlu.titles import quoted_spans

MAX_CHARS = 2000  # longer input is cut: nobody types a command that long
_BOT = lazy(
    r"^\s*(?:(?:@aurelius|aurelius|hey\s+aurelius|hi\s+aurelius|ok\s+aurelius|yo\s+aurelius)"
    r"\b\s*[:,!-]?\s*)?(?:/(?P<cmd>\w+)(?:@\w+)?\b\s*)?(?:(?:hey|hi|hello|yo|ok|okay|gm|good\s+morning|"
    r"um+|uh+|erm|hmm+|so|heads\s+up|good\s+(?:afternoon|evening|day))\b\s*[,!.]*\s*(?=\S))?"
    # Courtesy that asks for nothing itself: "I would be grateful if you could remind me".
    r"(?:(?:i\s+would\s+be\s+(?:grateful|glad|thankful)\s+if|i\s+was\s+wondering\s+if|"
    r"i'd\s+appreciate\s+it\s+if)\s+you\s+(?:could|would|can)\s+)?"
    r"(?:(?:can|could|would|will)\s+you\s+)?(?:(?:please|pls|kindly)\b\s*,?\s*)?"
    r"(?:(?:note\s+that|help\s+me(?=\s+(?:add|schedule|set|create|put|book|make)\b))\s*)?")


class Parsed(NamedTuple):
    """The parser's reading of one message.

    slots hold `date` / aware `datetime` objects; spans are (start, end, label) character
    ranges of the input that were recognised; doubts are short reasons the reading may be
    wrong (each lowers `confidence`).
    """

    intent: str
    slots: dict[str, object]
    confidence: float
    spans: list[tuple[int, int, str]]
    doubts: tuple[str, ...] = ()

    @property
    def confident(self) -> bool:
        """True exactly when the offline path would act on this reading without asking."""
        return doubts.confident(self.intent, self.confidence, self.doubts)


def parse(text: str, now: datetime, tz: str, *, dayfirst: bool = False) -> Parsed:
    """Read `text` as of `now` in the IANA zone `tz`.

    `now` may be aware or naive (wall time in `tz`). `dayfirst=True` reads "3/12" as 3 December;
    the default (False) is month-first, so "3/12" is March 12. "25/12" (no 25th month) and
    dotted dates ("3.12.") are always day-first. Never raises for any text; an unknown
    `tz` raises `Invalid`.
    """
    try:
        times.zone(tz)
    except (ValueError, KeyError, OSError) as exc:
        raise Invalid(f"Unknown time zone {tz!r}; use an IANA name such as "
                      "Europe/Berlin or America/New_York.") from exc
    ctx = Context(times.aware_now(now, tz), tz, dayfirst)
    try:
        return _parse(str(text)[:MAX_CHARS], ctx)
    except Exception:  # the promise is "never raises": fall back to chat, not a crash
        return Parsed("chat", {}, 0.0, [], ("could not read this",))


def _parse(raw: str, ctx: Context) -> Parsed:
    text = normalise(raw)
    quoted = quoted_spans(text.norm)
    mask = _blank(text.norm, quoted)
    bot = _BOT.match(mask)
    start = bot.end() if bot else 0
    command = bot["cmd"] if bot else None
    repeat = _shifted(recurrence.find(mask[start:]), start)
    tmask = _blank(mask, _repeat_spans(repeat))
    when = temporal.extract(_blank(tmask, [(0, start)]), ctx)
    tokens = quickadd.find(text, _blank(mask, [(0, start)]))  # '@aurelius' is no tag
    intent, confidence = _intent(mask[start:], command, when, repeat, tokens)
    sentence = slots.Sentence(text, mask, start, ctx, when, repeat, tokens, quoted, [])
    filled = slots.build(intent, sentence)
    spans = [(*text.to_raw(a, b), label) for a, b, label in sentence.spans + tokens.spans]
    found = doubts.review(intent, filled, when.pieces, mask[start:], ctx, when.doubts,
                          when.names)
    if confidence < doubts.CONFIDENT:
        found.append(doubts.UNSURE_INTENT)
    return Parsed(intent, filled, doubts.calibrate(confidence, found), sorted(set(spans)),
                  tuple(found))


def _intent(rest: str, command: str | None, when: temporal.When,
            repeat: recurrence.Repeat | None, tokens: quickadd.Tokens) -> tuple[str, float]:
    if command and command.lower() in SLASH:
        return SLASH[command.lower()], 1.0
    has_clock = any(p.kind in ("time", "trange", "pod", "instant") for p in when.pieces)
    signals = Signals(
        has_when=bool(repeat) or any(p.kind != "duration" for p in when.pieces),
        has_clock=has_clock or bool(repeat and repeat.pod),
        has_tokens=tokens.priority is not None or bool(tokens.tags) or bool(tokens.project),
        has_range=any(p.kind == "trange" for p in when.pieces))
    cleaned = re.sub(r"\s+", " ", rest).strip()
    return classify(cleaned, signals)


def _shifted(repeat: recurrence.Repeat | None, by: int) -> recurrence.Repeat | None:
    if repeat is None:
        return None
    extra = (repeat.extra[0] + by, repeat.extra[1] + by) if repeat.extra else None
    return recurrence.Repeat(repeat.start + by, repeat.end + by, repeat.rule, repeat.pod, extra)


def _repeat_spans(repeat: recurrence.Repeat | None) -> list[tuple[int, int]]:
    if repeat is None:
        return []
    return [(repeat.start, repeat.end)] + ([repeat.extra] if repeat.extra else [])


def _blank(norm: str, ranges: list[tuple[int, int]]) -> str:
    chars = list(norm)
    for a, b in ranges:
        chars[a:b] = " " * (b - a)
    return "".join(chars)
