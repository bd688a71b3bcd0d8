"""Calling a provider's JSON API with httpx: a bearer token refreshed once on 401, and 429
and 5xx answers retried with backoff that honours `Retry-After`.

Errors leave as Aurelius errors that name the provider and the status, never the URL (it may
carry a token) or the body: `AuthExpired` when the grant is gone, `ProviderUnavailable` for
outages and exhausted retries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from core.errors import AuthExpired, ProviderUnavailable
from core.ports import AccessTokens

if TYPE_CHECKING:
    import httpx

RETRIED = frozenset({429, 500, 502, 503, 504})
LONGEST_WAIT = 60.0  # a Retry-After beyond this is an outage: give up and let the job retry


@dataclass
class ProviderHttp:
    """One provider's HTTP calls for one connection; `requests` counts what was sent."""

    client: httpx.Client
    tokens: AccessTokens
    provider: str
    attempts: int = 4
    sleep: Callable[[float], None] = time.sleep
    requests: int = field(default=0, init=False)

    def call(self, method: str, url: str, **options: Any) -> httpx.Response:
        """The provider's answer to the request (any status but 401/429/5xx is returned)."""
        token, refreshed = self.tokens.token(), False
        for attempt in range(1, self.attempts + 1):
            response = self._send(method, url, token, options)
            if response.status_code == 401 and not refreshed:
                token, refreshed = self.tokens.refreshed(), True
                continue
            if response.status_code == 401:
                raise AuthExpired(f"{self.provider} refused a fresh access token.")
            if response.status_code not in RETRIED:
                return response
            wait = retry_after(response, attempt)
            if attempt == self.attempts or wait > LONGEST_WAIT:
                break
            self.sleep(wait)
        raise ProviderUnavailable(
            f"{self.provider} answered HTTP {response.status_code}; Aurelius will retry later."
        )

    def _send(self, method: str, url: str, token: str, options: dict[str, Any]) -> httpx.Response:
        import httpx

        headers = {**options.get("headers", {}), "Authorization": f"Bearer {token}"}
        self.requests += 1
        try:
            return self.client.request(method, url, **{**options, "headers": headers})
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                f"{self.provider} could not be reached ({type(exc).__name__})."
            ) from None


def retry_after(response: httpx.Response, attempt: int) -> float:
    """Seconds to wait: the provider's `Retry-After` (seconds or an HTTP date), else 2^n."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return float(min(2 ** (attempt - 1), 30))
