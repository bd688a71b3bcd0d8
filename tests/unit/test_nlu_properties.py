"""Properties of `parse` over arbitrary text, moments and zones."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from core.nlu import parse
from core.timeutil import is_gap, zone

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney",
         "America/Los_Angeles", "UTC"]
# Words the recognisers react to, so generated text reaches the date code, not only chat.
WORDS = ["remind me", "in", "2", "hours", "tomorrow", "at", "2:30am", "next", "friday", "every",
         "other", "monday", "between", "and", "4pm", "p1", "#x", "@y", "project", "with", "Sara",
         "email", "a@b.co", "that", "the 31st", "feb 29", "end of the month", "this weekend",
         "noon", "midnight", "9am IST", "for 90 minutes", "half an hour", "daily", "3/12",
         "2026-03-29 02:30", "what's on", "free", "done:", "/todo", "9", "25/12", "?", "!"]
moments = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2099, 12, 30))
texts = st.one_of(st.text(max_size=80),
                  st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join))


@settings(max_examples=300, deadline=None)
@given(text=texts, now=moments, tz=st.sampled_from(ZONES))
def test_parse_never_raises_and_datetimes_are_real_instants(text: str, now: datetime,
                                                            tz: str) -> None:
    parsed = parse(text, now, tz)
    assert parsed.intent in {"task.add", "task.list", "task.complete", "event.add", "event.list",
                             "event.free", "reminder.add", "email.send", "email.search",
                             "brief", "chat"}
    for name, value in parsed.slots.items():
        if not isinstance(value, datetime):
            continue
        assert value.tzinfo is not None, name
        local = value.astimezone(zone(tz))
        # Round trip through UTC keeps the wall time: the instant is not inside a DST gap.
        back = local.astimezone(UTC).astimezone(zone(tz))
        assert back.replace(tzinfo=None) == local.replace(tzinfo=None)
        assert not is_gap(local.replace(tzinfo=None), zone(tz))


@settings(max_examples=100, deadline=None)
@given(now=moments, tz=st.sampled_from(ZONES), hours=st.integers(1, 48))
def test_in_n_hours_is_elapsed_time(now: datetime, tz: str, hours: int) -> None:
    parsed = parse(f"remind me in {hours} hours to stretch", now, tz)
    got = parsed.slots["remind_at"]
    assert isinstance(got, datetime)
    start = parse("remind me in 1 minutes to x", now, tz).slots["remind_at"]
    assert isinstance(start, datetime)
    # Subtract in UTC: two datetimes sharing a ZoneInfo subtract as wall times in Python.
    elapsed = got.astimezone(UTC) - start.astimezone(UTC)
    assert elapsed.total_seconds() == hours * 3600 - 60
