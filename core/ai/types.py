"""Plain values exchanged with chat models: messages, tool specs, tool calls, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

USER, ASSISTANT, TOOL = "user", "assistant", "tool"


def wire_name(name: str) -> str:
    """A tool's name as the model APIs accept it (letters, digits, _ and -): email.search
    travels as email__search."""
    return name.replace(".", "__")


def tool_name(wire: str) -> str:
    return wire.replace("__", ".")


@dataclass(frozen=True)
class ToolSpec:
    """A tool the model may call; `parameters` is a JSON Schema object."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One turn. A `tool` message answers the call `tool_call_id`; `data_kind` says what
    personal data its content carries (tasks, events...) for the egress log."""

    role: str
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    data_kind: str | None = None


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0


@dataclass(frozen=True)
class ChatRequest:
    """What to ask; the gateway fills in `model` from the route."""

    system: str
    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    model: str = ""
    max_tokens: int = 1024
    temperature: float = 0.0
    timezone: str = "UTC"  # read by the offline provider; remote models get it in `system`
    timeout: float | None = None  # seconds this call may take (what is left of the turn)


@dataclass(frozen=True)
class ChatResult:
    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    usage: Usage = field(default_factory=Usage)
    model: str = ""
    stop_reason: str = "end_turn"
