"""`aurelius parse --batch -`: one output line per input line, errors never stop the batch."""

from __future__ import annotations

import json

from core.nlu.batch import run_batch


def run(lines: list[str]) -> list[dict[str, object]]:
    return [json.loads(out) for out in run_batch(lines)]


GOOD = json.dumps({"id": "a", "text": "remind me tomorrow at 9am to call",
                   "now": "2026-03-10T09:00:00", "tz": "Europe/Berlin"})


def test_good_line() -> None:
    [out] = run([GOOD])
    assert out["id"] == "a" and out["intent"] == "reminder.add"
    assert out["slots"] == {"title": "call", "remind_at": "2026-03-11T09:00:00+01:00"}


def test_errors_are_reported_per_line_and_the_batch_goes_on() -> None:
    lines = [
        "{not json",
        json.dumps({"id": "tz", "text": "x", "now": "2026-03-10T09:00:00", "tz": "Mars/Base"}),
        json.dumps({"id": "missing", "text": "x", "tz": "Europe/Berlin"}),
        json.dumps({"id": "now", "text": "x", "now": "yesterday-ish", "tz": "Europe/Berlin"}),
        json.dumps(["not", "an", "object"]),
        "",
        GOOD,
    ]
    out = run(lines)
    assert len(out) == 6  # the blank line gives no output
    for result, ident in zip(out[:5], [None, "tz", "missing", "now", None], strict=True):
        assert set(result) == {"id", "error"} and result["id"] == ident
        assert isinstance(result["error"], str) and result["error"]
    assert "now" in str(out[2]["error"])
    assert out[5]["intent"] == "reminder.add"


def test_date_only_and_datetime_serialisation() -> None:
    line = json.dumps({"id": 7, "text": "pay rent end of the month",
                       "now": "2026-03-10T09:00:00", "tz": "America/New_York"})
    [out] = run([line])
    assert out["slots"]["due"] == "2026-03-31"  # type: ignore[index]
