"""The OpenAI API: `POST /v1/chat/completions` (JSON and streaming, tool calls) and
`POST /v1/embeddings` (float lists or base64 little-endian float32)."""

from __future__ import annotations

import base64
import json
import struct
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.stubs.server import Scripted, StubServer, send_json, send_raw, send_sse

DIMENSIONS = 8


class OpenAIStub(StubServer):
    def respond(self, handler: BaseHTTPRequestHandler, path: str, body: dict[str, Any]) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        reply = self.next_reply(path, body, headers)
        time.sleep(reply.delay)
        if reply.status != 200:
            send_json(handler, reply.status, {"error": {"message": "scripted", "type": "x"}})
        elif reply.raw is not None:
            send_raw(handler, reply.raw)
        elif path.endswith("/embeddings"):
            send_json(handler, 200, _embeddings(body))
        elif body.get("stream"):
            send_sse(handler, [(None, c) for c in _chunks(reply, body["model"])]
                     + [(None, "[DONE]")])
        else:
            send_json(handler, 200, _completion(reply, body["model"], len(self.requests)))


    def models_page(self) -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "gpt-stub", "object": "model",
                                            "created": 1767225600, "owned_by": "stub"}]}


def vector(text: str) -> list[float]:
    """A deterministic toy embedding, so tests can predict it."""
    return [float((len(text) * (i + 1)) % 7) for i in range(DIMENSIONS)]


def _embeddings(body: dict[str, Any]) -> dict[str, Any]:
    texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
    data = []
    for index, text in enumerate(texts):
        values = vector(str(text))
        encoded: Any = values
        if body.get("encoding_format") == "base64":
            encoded = base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    return {"object": "list", "data": data, "model": body["model"],
            "usage": {"prompt_tokens": 5 * len(texts), "total_tokens": 5 * len(texts)}}


def _tool_calls(reply: Scripted, number: int) -> list[dict[str, Any]]:
    return [{"id": f"call_{number}_{i}", "type": "function",
             "function": {"name": name, "arguments": json.dumps(arguments)}}
            for i, (name, arguments) in enumerate(reply.tool_calls)]


def _usage(reply: Scripted) -> dict[str, Any]:
    total_in = reply.input_tokens + reply.cache_read_tokens
    return {"prompt_tokens": total_in, "completion_tokens": reply.output_tokens,
            "total_tokens": total_in + reply.output_tokens,
            "prompt_tokens_details": {"cached_tokens": reply.cache_read_tokens}}


def _completion(reply: Scripted, model: str, number: int) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.tool_calls:
        message["tool_calls"] = _tool_calls(reply, number)
    return {"id": f"chatcmpl-{number}", "object": "chat.completion", "created": 0,
            "model": model, "usage": _usage(reply),
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if reply.tool_calls else "stop"}]}


def _chunks(reply: Scripted, model: str) -> list[dict[str, Any]]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 0,
                "model": model, "choices": [{"index": 0, "delta": delta,
                                             "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": (" " if i else "") + w})
               for i, w in enumerate(reply.text.split(" ")) if reply.text]
    for i, call in enumerate(_tool_calls(reply, 0)):
        chunks.append(chunk({"tool_calls": [{"index": i, **call}]}))
    chunks.append(chunk({}, "tool_calls" if reply.tool_calls else "stop"))
    chunks.append({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 0,
                   "model": model, "choices": [], "usage": _usage(reply)})
    return chunks
