"""JSON-lines batch parsing (`aurelius parse --batch -`).

Each input line is {"id", "text", "now", "tz"} with `now` a naive wall time in `tz`;
each output line is {"id", "intent", "slots", "confidence", "doubts", "confident"}
(`confident`: the offline path would act on it without asking) or, for a line that cannot
be read, {"id", "error"}. Datetimes are ISO 8601 with the zone's UTC offset at that instant;
date-only values are YYYY-MM-DD.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from core.errors import Invalid
from core.nlu import times
from core.nlu.parser import Parsed, parse

_FIELDS = ("text", "now", "tz")


def run_batch(lines: Iterable[str]) -> Iterator[str]:
    """One output JSON line per non-blank input line, in order; never raises per line."""
    for line in lines:
        if not line.strip():
            continue
        yield json.dumps(_one(line), ensure_ascii=False)


def _one(line: str) -> dict[str, Any]:
    try:
        case = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"Line is not valid JSON ({exc.msg}); send one JSON "
                                     "object per line."}
    except RecursionError:
        return {"id": None, "error": "Line is nested too deeply; send one flat JSON object "
                                     "per line."}
    if not isinstance(case, dict):
        return {"id": None, "error": 'Each line must be a JSON object like {"id": ..., '
                                     '"text": ..., "now": ..., "tz": ...}.'}
    ident = case.get("id")
    try:
        text, now, tz = _fields(case)
        parsed = parse(text, now, tz)
    except Invalid as exc:
        return {"id": ident, "error": str(exc)}
    except Exception as exc:  # a batch must keep going whatever one line does
        return {"id": ident, "error": f"Could not parse this line: {exc}"}
    return {"id": ident, **reading(parsed, tz)}


def reading(parsed: Parsed, tz: str) -> dict[str, Any]:
    """The JSON form of a reading, shared by `--batch` and `aurelius parse --json`."""
    return {"intent": parsed.intent, "slots": serialise(parsed.slots, tz),
            "confidence": parsed.confidence, "doubts": list(parsed.doubts),
            "confident": parsed.confident}


def _fields(case: dict[str, Any]) -> tuple[str, datetime, str]:
    missing = [f for f in _FIELDS if not isinstance(case.get(f), str)]
    if missing:
        raise Invalid(f"Missing or non-string field(s): {', '.join(missing)}; each line "
                      'needs "text", "now" (e.g. "2026-03-10T09:00:00") and "tz".')
    try:
        times.zone(case["tz"])
    except (ValueError, KeyError, OSError):
        raise Invalid(f"Unknown time zone {case['tz']!r}; use an IANA name such as "
                      "Europe/Berlin.") from None
    try:
        now = datetime.fromisoformat(case["now"])
    except ValueError:
        raise Invalid(f"Cannot read now={case['now']!r}; use ISO local time such as "
                      "2026-03-10T09:00:00.") from None
    return case["text"], now, case["tz"]


def serialise(slots: dict[str, object], tz: str) -> dict[str, object]:
    """JSON-ready slots: datetimes in `tz` with their offset, dates as YYYY-MM-DD."""
    out: dict[str, object] = {}
    for name, value in slots.items():
        if isinstance(value, datetime):
            out[name] = value.astimezone(times.zone(tz)).isoformat(timespec="seconds")
        elif isinstance(value, date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out
