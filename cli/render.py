"""Terminal output: Rich tables for people, JSON arrays for scripts.

Everything written here passes `core.sanitize.printable` first: titles and imported text
can hold escape sequences that would retitle or clear the person's terminal."""

from __future__ import annotations

import json
import os
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from cli import context
from core.sanitize import printable


class Jsonable(Protocol):
    def to_json(self) -> dict[str, Any]: ...


def print_json(items: Iterable[Jsonable] | Jsonable) -> None:
    payload = items.to_json() if hasattr(items, "to_json") else [i.to_json() for i in items]
    print_raw(payload)


def print_raw(payload: object) -> None:
    """JSON escapes C0 controls itself; `printable` adds DEL, C1 and bidi controls, as
    `\\uXXXX` escapes that decode to the same characters."""
    say(json.dumps(payload, indent=2, ensure_ascii=False, default=str))


def when(value: date | datetime | None, *, zone: bool = True) -> str:
    """A time as the user should read it: weekday, date, time and (unless a table's title
    already names it) the zone."""
    if value is None:
        return ""
    from core.timeutil import format_when, local_today

    tz_name, now = context.timezone(), context.now()
    # A listing shows the same few due dates a thousand times: each is formatted once per
    # local day (the only thing of `now` the label depends on is the year it leaves out).
    key = (value, tz_name, local_today(now, tz_name), zone)
    text = _WHEN.get(key)
    if text is None:
        text = format_when(value, tz_name, now)
        text = text if zone else text.removesuffix(f" {tz_name}")
        if len(_WHEN) > 10_000:  # a TUI left open for weeks
            _WHEN.clear()
        _WHEN[key] = text
    return text


_WHEN: dict[tuple[date | datetime, str, date, bool], str] = {}


def clock(value: datetime) -> str:
    """Just the local time of day, in the user's zone."""
    from core.timeutil import zone

    return f"{value.astimezone(zone(context.timezone())):%H:%M}"


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> None:
    """Aligned columns that fit the terminal; the widest column is cut with an ellipsis.

    Hand-rolled rather than a Rich table: Rich needs ~0.7 s to lay out 1,000 rows.
    """
    rows = [[printable(str(cell), one_line=True) for cell in row] for row in rows]
    columns = [printable(str(column), one_line=True) for column in columns]
    if not rows:
        say(empty)
        return
    sizes = [[_width(cell) for cell in row] for row in rows]  # measured once per cell
    widths = [max(column) for column in zip([_width(c) for c in columns], *sizes, strict=True)]
    _fit(widths, shutil.get_terminal_size((100, 24)).columns - 2 * (len(widths) - 1))
    bold, plain = ("\x1b[1m", "\x1b[0m") if _styled() else ("", "")
    lines = [
        f"{bold}{printable(title, one_line=True)}{plain}",
        _line(columns, widths),
        _line(["─" * w for w in widths], widths),
    ]
    for row, size in zip(rows, sizes, strict=True):
        lines.extend(_wrapped(row, widths, size))
    sys.stdout.write("\n".join(lines) + "\n")


def _wrapped(cells: Sequence[str], widths: Sequence[int], sizes: Sequence[int]) -> list[str]:
    """One row; a last column that is too wide goes on over the next lines (words kept
    whole), so an explanation is never cut off."""
    import textwrap

    *first, last = cells
    if sizes[-1] <= widths[-1]:
        return [_line(cells, widths, sizes)]
    pieces = textwrap.wrap(last, widths[-1]) or [last]
    blank = [""] * len(first)
    return [_line([*first, pieces[0]], widths), *(_line([*blank, p], widths) for p in pieces[1:])]


def _fit(widths: list[int], room: int) -> None:
    widest = max(range(len(widths)), key=widths.__getitem__)
    excess = sum(widths) - room
    if excess > 0:
        widths[widest] = max(widths[widest] - excess, 8)


def _line(cells: Sequence[str], widths: Sequence[int], sizes: Sequence[int] = ()) -> str:
    """`sizes`: the cells' display widths, when already measured."""
    sizes = sizes or [_width(cell) for cell in cells]
    return "  ".join(
        cell + " " * (width - size) if size <= width else _clip(cell, width)
        for cell, width, size in zip(cells, widths, sizes, strict=True)
    ).rstrip()


def _clip(text: str, width: int) -> str:
    size = _width(text)
    if size > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
        size = _width(text)
    return text + " " * (width - size)


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _styled() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def say(message: str) -> None:
    write(message + "\n")


def write(text: str) -> None:
    """Text as it comes (a streamed reply's pieces), made safe for the terminal."""
    sys.stdout.write(printable(text))
