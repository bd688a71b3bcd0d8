"""`aurelius parse`: how Aurelius understood a request (offline parser), one or in batch."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from cli import render

if TYPE_CHECKING:
    from aurelius.settings import Settings
    from core.nlu import Parsed

TIME_SLOTS = ("due", "start", "end", "remind_at")


def parse(
    text: Annotated[
        str | None, typer.Argument(help="The request, e.g. 'lunch with Sara friday 1pm'.")
    ] = None,
    now: Annotated[
        str | None, typer.Option(help="Pretend it is this local time (ISO 8601).")
    ] = None,
    tz: Annotated[
        str | None, typer.Option(help="IANA zone (default: your timezone setting).")
    ] = None,
    batch: Annotated[
        str | None, typer.Option(help="'-': read JSON lines {id,text,now,tz} from stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show how Aurelius understands a request: intent, slots and resolved times."""
    if batch is not None:
        _batch(batch)
        return
    if not text:
        raise typer.BadParameter("give a TEXT to parse, or --batch - to read JSON lines")
    from core.nlu import parse as understand

    settings = _settings()
    zone = tz or settings.timezone
    moment = _moment(now, zone)
    parsed = understand(text, moment, zone, dayfirst=settings.dayfirst)
    if as_json:
        from core.nlu.batch import reading

        render.write(json.dumps(reading(parsed, zone), ensure_ascii=False) + "\n")
        return
    _show(parsed, zone)


def _batch(source: str) -> None:
    from core.nlu.batch import run_batch

    if source != "-":
        raise typer.BadParameter("only '-' (standard input) is supported", param_hint="--batch")
    for line in run_batch(sys.stdin):
        render.write(line + "\n")


def _show(parsed: Parsed, zone: str) -> None:
    from core.timeutil import format_when

    verdict = "confident" if parsed.confident else "would ask first"
    render.say(f"intent      {parsed.intent}  (confidence {parsed.confidence:.2f}, {verdict})")
    for key, value in parsed.slots.items():
        if key in TIME_SLOTS and isinstance(value, date):
            shown = format_when(value, zone)
        elif isinstance(value, list):
            shown = ", ".join(map(str, value))
        else:
            shown = str(value)
        render.say(f"{key:<11} {shown}")
    for doubt in parsed.doubts:
        render.say(f"doubt       {doubt}")


def _moment(now: str | None, zone: str) -> datetime:
    """--now as an option value like any other (ISO 8601 or a phrase), read in `zone`."""
    from core.nlu.options import parse_when
    from core.timeutil import day_bounds

    if not now:
        return datetime.now().astimezone()
    value = parse_when(now, datetime.now().astimezone(), zone)
    return value if isinstance(value, datetime) else day_bounds(value, zone)[0]


def _settings() -> Settings:
    from aurelius.settings import load_settings

    return load_settings()
