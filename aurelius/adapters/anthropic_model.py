"""`ChatModel` on Anthropic's Messages API (official `anthropic` SDK, imported on first call).

SDK errors become core errors: 429/5xx/timeouts `ProviderUnavailable` (the gateway retries
and falls over), 400/401/403/404 `ConfigError` naming the setting to fix. The key is
never put into a message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from aurelius.adapters.provider_errors import translated
from core.ai.types import (
    ASSISTANT,
    TOOL,
    ChatRequest,
    ChatResult,
    Message,
    ToolCall,
    Usage,
    tool_name,
    wire_name,
)

KEY_SETTING = "AURELIUS_ANTHROPIC_API_KEY"


class AnthropicChatModel:
    provider = "anthropic"

    def __init__(self, api_key: str, base_url: str | None = None, timeout: float = 30.0) -> None:
        self._api_key, self._base_url, self._timeout = api_key, base_url, timeout
        self._client: Any = None

    def _sdk(self) -> Any:
        if self._client is None:
            import anthropic  # ~1 s to import: only when a model is really called

            # Retries are the gateway's job (it falls over to the next provider instead).
            self._client = anthropic.Anthropic(
                api_key=self._api_key, base_url=self._base_url, timeout=self._timeout, max_retries=0
            )
        return self._client

    def complete(self, request: ChatRequest) -> ChatResult:
        with _translated():
            return _result(self._sdk().messages.create(**_params(request)))

    def stream(self, request: ChatRequest) -> Iterator[str | ChatResult]:
        with _translated(), self._sdk().messages.stream(**_params(request)) as events:
            yield from events.text_stream
            final = _result(events.get_final_message())
        yield final


def _params(request: ChatRequest) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens,
        "system": request.system,
        "messages": _messages(request.messages),
    }
    if request.timeout is not None:
        params["timeout"] = request.timeout
    if request.tools:
        params["tools"] = [
            {"name": wire_name(t.name), "description": t.description,
             "input_schema": t.parameters}
            for t in request.tools
        ]
    return params


def _messages(messages: tuple[Message, ...]) -> list[dict[str, Any]]:
    """Anthropic wants tool results as `tool_result` blocks in a user turn, and
    consecutive results of one assistant turn merged into that single user turn."""
    out: list[dict[str, Any]] = []
    for message in messages:
        role, blocks = _blocks(message)
        if out and out[-1]["role"] == role == "user" and message.role == TOOL:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    return out


def _blocks(message: Message) -> tuple[str, list[dict[str, Any]]]:
    if message.role == TOOL:
        return "user", [
            {"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.content}
        ]
    blocks: list[dict[str, Any]] = []
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_use", "id": call.id, "name": wire_name(call.name),
             "input": call.arguments}
        )
    role = "assistant" if message.role == ASSISTANT else "user"
    return role, blocks or [{"type": "text", "text": "(empty)"}]


def _result(response: Any) -> ChatResult:
    texts, calls = [], []
    for block in response.content:
        if block.type == "text":
            texts.append(block.text)
        elif block.type == "tool_use":
            arguments = block.input if isinstance(block.input, dict) else json.loads(block.input)
            calls.append(ToolCall(block.id, tool_name(block.name), arguments))
    usage = response.usage
    return ChatResult(
        text="".join(texts),
        tool_calls=tuple(calls),
        usage=Usage(
            usage.input_tokens,
            usage.output_tokens,
            getattr(usage, "cache_read_input_tokens", None) or 0,
        ),
        model=response.model,
        stop_reason=response.stop_reason or "end_turn",
    )


def _translated() -> AbstractContextManager[None]:
    import anthropic

    return translated(
        "Anthropic",
        f"{KEY_SETTING} and AURELIUS_ANTHROPIC_BASE_URL",
        anthropic.APIStatusError,
        anthropic.APIConnectionError,
        anthropic.APIResponseValidationError,
    )
