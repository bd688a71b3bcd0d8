"""`ChatModel` and `Embedder` on the OpenAI API (official `openai` SDK, imported on first
call). Any OpenAI-compatible server works through `AURELIUS_OPENAI_BASE_URL`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
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

KEY_SETTING = "AURELIUS_OPENAI_API_KEY"


class _Client:
    def __init__(self, api_key: str, base_url: str | None, timeout: float) -> None:
        self._api_key, self._base_url, self._timeout = api_key, base_url, timeout
        self._client: Any = None

    def _sdk(self) -> Any:
        if self._client is None:
            import openai

            # Retries are the gateway's job (it falls over to the next provider instead).
            self._client = openai.OpenAI(
                api_key=self._api_key, base_url=self._base_url, timeout=self._timeout, max_retries=0
            )
        return self._client


class OpenAIChatModel(_Client):
    provider = "openai"

    def complete(self, request: ChatRequest) -> ChatResult:
        with _translated():
            return _completion(self._sdk().chat.completions.create(**_params(request)))

    def stream(self, request: ChatRequest) -> Iterator[str | ChatResult]:
        params = {**_params(request), "stream": True, "stream_options": {"include_usage": True}}
        parts: list[str] = []
        calls: dict[int, dict[str, str]] = {}
        usage, model = Usage(), request.model
        with _translated():
            for chunk in self._sdk().chat.completions.create(**params):
                model = chunk.model or model
                usage = _usage(chunk.usage) if chunk.usage else usage
                for choice in chunk.choices:
                    if choice.delta.content:
                        parts.append(choice.delta.content)
                        yield choice.delta.content
                    _collect(calls, choice.delta.tool_calls or [])
            tool_calls = tuple(
                ToolCall(c["id"], tool_name(c["name"]), json.loads(c["arguments"] or "{}"))
                for _, c in sorted(calls.items())
            )
        yield ChatResult(
            "".join(parts), tool_calls, usage, model, "tool_use" if tool_calls else "end_turn"
        )


def _completion(response: Any) -> ChatResult:
    choice = response.choices[0]
    calls = tuple(
        ToolCall(c.id, tool_name(c.function.name), json.loads(c.function.arguments or "{}"))
        for c in choice.message.tool_calls or []
    )
    return ChatResult(
        choice.message.content or "",
        calls,
        _usage(response.usage),
        response.model,
        "tool_use" if calls else "end_turn",
    )


class OpenAIEmbedder(_Client):
    provider = "openai"

    def __init__(self, api_key: str, base_url: str | None, timeout: float, model: str) -> None:
        super().__init__(api_key, base_url, timeout)
        self.model = model

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        with _translated():
            response = self._sdk().embeddings.create(model=self.model, input=list(texts))
        return [list(item.embedding) for item in sorted(response.data, key=lambda d: d.index)]


def _collect(calls: dict[int, dict[str, str]], deltas: list[Any]) -> None:
    """Tool calls arrive in pieces: the id and name first, the arguments JSON in chunks."""
    for delta in deltas:
        call = calls.setdefault(delta.index, {"id": "", "name": "", "arguments": ""})
        call["id"] = delta.id or call["id"]
        if delta.function:
            call["name"] = delta.function.name or call["name"]
            call["arguments"] += delta.function.arguments or ""


def _params(request: ChatRequest) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": request.model,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "messages": [
            {"role": "system", "content": request.system},
            *(_message(m) for m in request.messages),
        ],
    }
    if request.timeout is not None:
        params["timeout"] = request.timeout
    if request.tools:
        params["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": wire_name(t.name),
                    "description": t.description,
                    "parameters": t.parameters,
                },
            }
            for t in request.tools
        ]
    return params


def _message(message: Message) -> dict[str, Any]:
    if message.role == TOOL:
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    out: dict[str, Any] = {
        "role": "assistant" if message.role == ASSISTANT else "user",
        "content": message.content,
    }
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": wire_name(c.name), "arguments": json.dumps(c.arguments)},
            }
            for c in message.tool_calls
        ]
    return out


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return Usage(usage.prompt_tokens - cached, usage.completion_tokens, cached)


def _translated() -> AbstractContextManager[None]:
    import openai

    return translated(
        "OpenAI",
        f"{KEY_SETTING} and AURELIUS_OPENAI_BASE_URL",
        openai.APIStatusError,
        openai.APIConnectionError,
        openai.APIResponseValidationError,
    )
