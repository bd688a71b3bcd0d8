"""Terminal output: Rich tables for people, JSON arrays for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from cli import context


class Jsonable(Protocol):
    def to_json(self) -> dict[str, Any]: ...


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False)


def print_json(items: Iterable[Jsonable] | Jsonable) -> None:
    payload = items.to_json() if hasattr(items, "to_json") else [i.to_json() for i in items]
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def when(value: date | datetime | None, *, zone: bool = True) -> str:
    """A time as the user should read it: weekday, date, time and (unless a table's title
    already names it) the zone."""
    from core.timeutil import format_when

    if value is None:
        return ""
    text = format_when(value, context.timezone(), context.now())
    return text if zone else text.removesuffix(f" {context.timezone()}")


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]], empty: str) -> None:
    from rich.table import Table
    from rich.text import Text

    rows = list(rows)
    if not rows:
        console().print(empty)
        return
    grid = Table(title=title, title_justify="left", header_style="bold")
    for name in columns:
        grid.add_column(name, overflow="fold")
    for row in rows:
        grid.add_row(*(Text(cell) for cell in row))  # titles are not markup
    console().print(grid)


def say(message: str) -> None:
    console().print(message, markup=False)
