"""The httpx client authlib talks through: token endpoint answers 429/5xx are retried with the
backoff `provider_http` uses (honouring `Retry-After`), below authlib, so its own parsing of
the final answer is untouched.

authlib 1.9 runs on `httpx2` (falling back to `httpx`): `lib()` is whichever it uses, so the
transport and the errors caught are that library's."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any

from aurelius.adapters.provider_http import LONGEST_WAIT, RETRIED, retry_after

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

    from aurelius.adapters.oauth.providers import Provider

TIMEOUT = 20.0
ATTEMPTS = 4


def oauth_client(
    provider: Provider, sleep: Callable[[float], None] = time.sleep, **options: Any
) -> OAuth2Client:
    """authlib's client for `provider` (public client with PKCE when there is no secret)."""
    from authlib.integrations.httpx_client import OAuth2Client

    http = lib()

    class Retrying(http.HTTPTransport):  # type: ignore[misc,name-defined]
        def handle_request(self, request: Any) -> Any:
            for attempt in range(1, ATTEMPTS + 1):
                response = super().handle_request(request)
                if response.status_code not in RETRIED or attempt == ATTEMPTS:
                    return response
                response.read()
                wait = retry_after(response, attempt)
                if wait > LONGEST_WAIT:
                    return response
                response.close()
                sleep(wait)
            raise AssertionError("unreachable")  # pragma: no cover

    return OAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        token_endpoint_auth_method="client_secret_post" if provider.client_secret else "none",
        code_challenge_method="S256",
        transport=Retrying(),
        timeout=TIMEOUT,
        **options,
    )


def lib() -> ModuleType:
    try:
        import httpx2

        return httpx2
    except ImportError:  # pragma: no cover - authlib on plain httpx
        import httpx

        return httpx


def status_of(error: BaseException) -> str:
    response = getattr(error, "response", None)
    return f"HTTP {response.status_code}" if response is not None else type(error).__name__
