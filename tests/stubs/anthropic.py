"""The Anthropic Messages API (`POST /v1/messages`), JSON and SSE streaming, with tool_use."""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.stubs.server import Scripted, StubServer, send_json, send_raw, send_sse


class AnthropicStub(StubServer):
    def respond(self, handler: BaseHTTPRequestHandler, path: str, body: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        reply = self.next_reply(path, body, headers)
        time.sleep(reply.delay)
        if reply.status != 200:
            error = {"type": "error", "error": {"type": "api_error", "message": "scripted"}}
            send_json(handler, reply.status, error)
            return
        if reply.raw is not None:
            send_raw(handler, reply.raw)
            return
        message = _message(reply, body.get("model", "claude-stub"), len(self.requests))
        if body.get("stream"):
            send_sse(handler, _events(message))
        else:
            send_json(handler, 200, message)


    def models_page(self) -> dict[str, Any]:
        model = {"type": "model", "id": "claude-stub", "display_name": "Claude Stub",
                 "created_at": "2026-01-01T00:00:00Z"}
        return {"data": [model], "has_more": False, "first_id": "claude-stub",
                "last_id": "claude-stub"}


def _message(reply: Scripted, model: str, number: int) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    if reply.text:
        content.append({"type": "text", "text": reply.text})
    for index, (name, arguments) in enumerate(reply.tool_calls):
        content.append({"type": "tool_use", "id": f"toolu_{number}_{index}", "name": name,
                        "input": arguments})
    return {
        "id": f"msg_{number}", "type": "message", "role": "assistant", "model": model,
        "content": content, "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens,
                  "cache_read_input_tokens": reply.cache_read_tokens,
                  "cache_creation_input_tokens": 0},
    }


def _events(message: dict[str, Any]) -> list[tuple[str | None, Any]]:
    start = {**message, "content": [], "stop_reason": None,
             "usage": {**message["usage"], "output_tokens": 0}}
    events: list[tuple[str | None, Any]] = [("message_start",
                                             {"type": "message_start", "message": start})]
    for index, block in enumerate(message["content"]):
        events.extend(_block_events(index, block))
    events.append(("message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
        "usage": {"output_tokens": message["usage"]["output_tokens"]},
    }))
    events.append(("message_stop", {"type": "message_stop"}))
    return events


def _block_events(index: int, block: dict[str, Any]) -> list[tuple[str | None, Any]]:
    if block["type"] == "text":
        empty: dict[str, Any] = {"type": "text", "text": ""}
        words = block["text"].split(" ")
        deltas = [{"type": "text_delta", "text": (" " if i else "") + w}
                  for i, w in enumerate(words)]
    else:
        empty = {**block, "input": {}}
        raw = json.dumps(block["input"])
        deltas = [{"type": "input_json_delta", "partial_json": raw[i:i + 7]}
                  for i in range(0, len(raw), 7)]
    return [
        ("content_block_start", {"type": "content_block_start", "index": index,
                                 "content_block": empty}),
        *(("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})
          for d in deltas),
        ("content_block_stop", {"type": "content_block_stop", "index": index}),
    ]
