"""The offline provider: a `ChatModel` with no network, built on the offline parser.

It turns a request the parser understands into the same tool call a remote model would
make, and summarises the tool results afterwards; anything else gets a plain "a model is
needed" answer that says how to configure one. An add the parser doubts (`Parsed.doubts`)
is still offered, but held for the user's yes (see `needs_confirming`); a request of several
steps it cannot fully read is never guessed at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from core.ai.prompts import unquote
from core.ai.types import TOOL, USER, ChatRequest, ChatResult, Message, ToolCall
from core.nlu import Parsed, parse
from core.nlu.doubts import SEVERAL_STEPS, UNSURE_INTENT
from core.ports import Clock
from core.timeutil import add_elapsed, format_when

MODEL = "nlu"
ADDS = ("add_task", "add_reminder", "add_event")
NEEDS_MODEL = (
    "A model is needed to answer that. Set AURELIUS_ANTHROPIC_API_KEY (or "
    "AURELIUS_OPENAI_API_KEY, or AURELIUS_OPENAI_BASE_URL for a local OpenAI-compatible "
    "server) and ask again. Offline I can add and list tasks, events and reminders, "
    "complete tasks, find free time and give you a brief."
)
Builder = Callable[[dict[str, object]], dict[str, Any] | str]
# "what needs my reply?", "which mails should I answer?": the needs-reply list.
AWAITING_REPLY = re.compile(
    r"\b(?:needs?|needing|awaiting|waiting\s+(?:for|on))\s+(?:my\s+|a\s+|an\s+)?"
    r"(?:reply|replies|answer|response)\b|\b(?:should|must|do|have\s+to|need\s+to)\s+"
    r"(?:i\s+)?(?:reply|answer|respond)\b", re.IGNORECASE)


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, date | datetime) else None


def _task(slots: dict[str, object]) -> dict[str, Any] | str:
    due = slots.get("due") or slots.get("remind_at") or slots.get("start")
    args = {
        "title": slots.get("title"),
        "due": _iso(due),
        "priority": slots.get("priority"),
        "tags": slots.get("tags"),
        "project": slots.get("project"),
    }
    return {key: value for key, value in args.items() if value}


def _reminder(slots: dict[str, object]) -> dict[str, Any] | str:
    at = slots.get("remind_at") or slots.get("due") or slots.get("start")
    if not at:
        return "When should I remind you? Say it with a time, e.g. 'remind me at 5pm to …'."
    return {"text": slots.get("title") or "Reminder", "at": _iso(at)}


def _event(slots: dict[str, object]) -> dict[str, Any] | str:
    if not isinstance(slots.get("start"), datetime):
        return "When is it? Say it with a day and time, e.g. 'lunch with Sara friday 1pm'."
    args = {
        "title": slots.get("title") or "Event",
        "start": _iso(slots["start"]),
        "end": _iso(slots.get("end")),
        "location": slots.get("location"),
    }
    return {key: value for key, value in args.items() if value}


def _span(slots: dict[str, object]) -> dict[str, Any] | str:
    start = slots.get("start")
    end = slots.get("end")
    if not isinstance(start, datetime):
        return {"start": None, "end": None}
    end = end if isinstance(end, datetime) else start + timedelta(days=1)
    return {"start": start.isoformat(), "end": end.isoformat()}


def _free(slots: dict[str, object]) -> dict[str, Any] | str:
    """ "free friday afternoon" searches 12:00-17:00; "free friday at 3pm" from 15:00 on."""
    start, end = slots.get("start"), slots.get("end")
    minutes = int(str(slots.get("duration_minutes") or 30))
    if not isinstance(start, datetime):
        return {"date": None, "minutes": minutes}
    until = end if isinstance(end, datetime) else add_elapsed(start, timedelta(minutes=minutes))
    return {
        "date": start.date().isoformat(),
        "minutes": minutes,
        "from": start.isoformat(),
        "until": until.isoformat(),
    }


TOOL_FOR: dict[str, tuple[str, Builder]] = {
    "task.add": ("add_task", _task),
    "task.list": ("list_tasks", lambda slots: {}),
    "task.complete": ("complete_task", lambda slots: {"title": slots.get("title")}),
    "reminder.add": ("add_reminder", _reminder),
    "event.add": ("add_event", _event),
    "event.list": ("list_events", _span),
    "event.free": ("free_slots", _free),
    "brief": ("brief", lambda slots: {}),
    "reminder.list": ("list_reminders", lambda slots: {}),
    "email.search": ("email.search", lambda slots: {"query": slots.get("query") or ""}),
}


def understood(parsed: Parsed) -> bool:
    """True when the parser read the request well enough to act on it without a model."""
    return parsed.intent in TOOL_FOR and parsed.confident


def readable(parsed: Parsed) -> bool:
    """Offline can act on it, perhaps after asking: the intent is clear, and it is one step."""
    unsure = UNSURE_INTENT in parsed.doubts or SEVERAL_STEPS in parsed.doubts
    return parsed.intent in TOOL_FOR and not unsure and parsed.confidence > 0


def needs_confirming(parsed: Parsed, tool: str) -> bool:
    """An add from a doubtful reading is echoed and confirmed before it happens."""
    return tool in ADDS and not parsed.confident


def describe(tool: str, args: dict[str, Any], tz: str) -> str:
    """The held add in words: 'Remind "call Bob" on Thu 15 Aug 09:00 Europe/London'."""
    def when(key: str) -> str:
        value = str(args.get(key) or "")
        if not value:
            return "no date"
        moment = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
        return format_when(moment, tz)

    if tool == "add_reminder":
        return f'Remind "{args.get("text")}" on {when("at")}'
    if tool == "add_event":
        return f'Add event "{args.get("title")}" at {when("start")}'
    return f'Add task "{args.get("title")}" due {when("due")}'


class OfflineChatModel:
    provider = "offline"

    def __init__(self, clock: Clock, dayfirst: bool = False) -> None:
        self.clock, self.dayfirst = clock, dayfirst

    def complete(self, request: ChatRequest) -> ChatResult:
        last = request.messages[-1] if request.messages else Message(USER)
        if last.role == TOOL:
            return ChatResult(_summaries(request.messages), model=MODEL)
        if AWAITING_REPLY.search(last.content):
            return _call(request, "email.search", {"needs_reply": True})
        parsed = parse(last.content, self.clock.now(), request.timezone, dayfirst=self.dayfirst)
        if SEVERAL_STEPS in parsed.doubts:
            return ChatResult(f"That is several steps in one request. {NEEDS_MODEL}", model=MODEL)
        if not readable(parsed):
            return ChatResult(NEEDS_MODEL, model=MODEL)
        name, build = TOOL_FOR[parsed.intent]
        args = build(dict(parsed.slots))
        if isinstance(args, str):
            return ChatResult(args, model=MODEL)
        return _call(request, name, _fill_today(name, args, self.clock.now(), request.timezone))

    def stream(self, request: ChatRequest) -> Iterator[str | ChatResult]:
        result = self.complete(request)
        if result.text:
            yield result.text
        yield result


def _call(request: ChatRequest, name: str, args: dict[str, Any]) -> ChatResult:
    call = ToolCall(f"offline-{len(request.messages)}", name, args)
    return ChatResult("", (call,), model=MODEL, stop_reason="tool_use")


def _fill_today(name: str, args: dict[str, Any], now: datetime, tz: str) -> dict[str, Any]:
    """'What's on my calendar' and 'when am I free' without a day mean today."""
    from core.timeutil import day_bounds, local_today

    today = local_today(now, tz)
    if name == "list_events" and not args.get("start"):
        start, end = day_bounds(today, tz)
        return {"start": start.isoformat(), "end": end.isoformat()}
    if name == "free_slots" and not args.get("date"):
        return {**args, "date": today.isoformat()}
    return args


def _summaries(messages: tuple[Message, ...]) -> str:
    """The human summaries of the tool results since the last user message."""
    texts: list[str] = []
    for message in reversed(messages):
        if message.role != TOOL:
            break
        texts.append(_summary(message.content))
    return "\n".join(reversed(texts))


def _summary(content: str) -> str:
    try:
        found = json.loads(content)
        shown = unquote(found["data"]) if found.get("data") else ""
        return "\n".join(t for t in (str(found["summary"]), shown) if t)
    except (ValueError, KeyError, TypeError, AttributeError):
        return content
