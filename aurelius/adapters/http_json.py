"""A JSON POST with the standard library, for senders that must not need the bots extra."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def post_json(
    url: str,
    body: dict[str, Any],
    *,
    vendor: str,
    timeout: float,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """POST `body` as JSON and return the JSON answer. An HTTP error becomes a
    ConnectionError naming only the status: the URL or headers may hold a token."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer: dict[str, Any] = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise ConnectionError(f"{vendor} answered HTTP {error.code}") from None
    return answer
