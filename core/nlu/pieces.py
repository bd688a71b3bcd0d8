"""The recognised fragments of a sentence and the context recognisers resolve against."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from core.nlu.lazy import Lazy, lazy


class Context(NamedTuple):
    """What a relative expression is relative to."""

    now: datetime  # aware, in tz
    tz: str
    dayfirst: bool = False

    @property
    def today(self) -> date:
        return self.now.date()


class Piece(NamedTuple):
    """One recognised fragment, `norm[start:end]`.

    kind: 'date' (a day, maybe with a part of day or a clock time), 'span' (a named
    stretch such as next week: day .. until, due on `due`), 'time' (a clock time),
    'pod' (a part of day), 'instant' (an exact moment), 'duration', 'drange' (day range)
    or 'trange' (clock-time range).
    """

    start: int
    end: int
    kind: str
    day: date | None = None
    until: date | None = None
    due: date | None = None
    hour: int | None = None
    minute: int = 0
    meridiem: str | None = None  # 'am' / 'pm' when written, '24' for 24-hour clock
    zone: str | None = None
    pod: str | None = None
    instant: datetime | None = None
    minutes: int | None = None
    second: Piece | None = None
    doubt: str | None = None  # read, but maybe not as meant (e.g. a weekday that disagrees)

    def moved(self, start: int, end: int) -> Piece:
        return self._replace(start=start, end=end)


Handler = Callable[[re.Match[str], Context], Piece | None]
Rule = tuple[Lazy, Handler, tuple[str, ...]]


def rule(pattern: str, *needs: str) -> Callable[[Handler], Rule]:
    """Decorator pairing a compiled pattern with the function that interprets it.

    `needs`: substrings one of which every match contains; a text without any of them skips
    the pattern (a substring test is far cheaper than a regex scan).
    """
    compiled = lazy(pattern)

    def wrap(handler: Handler) -> Rule:
        return compiled, handler, needs

    return wrap


def scan(rules: list[Rule], text: str, ctx: Context) -> list[Piece]:
    """Every match of every rule, interpreted; overlaps are resolved by the caller."""
    found: list[Piece] = []
    flat = " ".join(text.split())  # so that "end  of" still has "end of"
    for pattern, handler, needs in rules:
        if needs and not any(word in flat for word in needs):
            continue
        for match in pattern.finditer(text):
            try:
                piece = handler(match, ctx)
            except (ValueError, OverflowError):
                piece = None  # e.g. February 30: not a date, so not a piece
            if piece is not None:
                found.append(piece)
    return found


def choose(pieces: list[Piece]) -> list[Piece]:
    """Leftmost-longest non-overlapping selection, in text order."""
    chosen: list[Piece] = []
    for piece in sorted(pieces, key=lambda p: (p.start, -p.end)):
        if piece.end <= piece.start:
            continue
        if all(piece.start >= c.end or piece.end <= c.start for c in chosen):
            chosen.append(piece)
    return chosen
