"""`FakeChatModel`: scripted replies and a call history, for unit tests at the port."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from core.ai.types import ChatRequest, ChatResult, ToolCall, Usage
from core.errors import AureliusError


class FakeChatModel:
    def __init__(self, provider: str = "fake") -> None:
        self.provider = provider
        self.script: deque[ChatResult | AureliusError] = deque()
        self.calls: list[ChatRequest] = []

    def enqueue(self, text: str = "", *tools: tuple[str, dict[str, object]],
                input_tokens: int = 1000, output_tokens: int = 100) -> FakeChatModel:
        calls = tuple(ToolCall(f"call{len(self.script)}_{i}", name, dict(args))
                      for i, (name, args) in enumerate(tools))
        self.script.append(ChatResult(text, calls, Usage(input_tokens, output_tokens)))
        return self

    def fail(self, error: AureliusError, times: int = 1) -> FakeChatModel:
        self.script.extend([error] * times)
        return self

    def complete(self, request: ChatRequest) -> ChatResult:
        self.calls.append(request)
        item = self.script.popleft() if self.script else ChatResult(
            "fake reply", usage=Usage(1000, 100))
        if isinstance(item, AureliusError):
            raise item
        return ChatResult(item.text, item.tool_calls, item.usage, request.model,
                          item.stop_reason)

    def stream(self, request: ChatRequest) -> Iterator[str | ChatResult]:
        result = self.complete(request)
        yield from result.text.split(" ") if result.text else []
        yield result
