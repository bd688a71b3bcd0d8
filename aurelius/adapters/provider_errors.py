"""How a model provider's SDK errors become Aurelius errors (shared by every SDK adapter)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import ConfigError, ProviderUnavailable


@contextmanager
def translated(
    vendor: str, settings: str, status_error: type[Exception], connection_error: type[Exception]
) -> Iterator[None]:
    """Turn `status_error` / `connection_error` raised inside the block into the error tree:
    429 and 5xx and time-outs are worth a retry elsewhere; 4xx are configuration mistakes
    whose message names `settings` to check (never the key itself)."""
    try:
        yield
    except status_error as error:
        raise status_to_error(vendor, int(getattr(error, "status_code", 0)), settings) from None
    except connection_error:  # includes time-outs
        raise ProviderUnavailable(f"{vendor} did not answer (connection or timeout).") from None


def status_to_error(vendor: str, status: int, settings: str) -> Exception:
    if status in (401, 403):
        return ConfigError(f"{vendor} rejected the API key ({status}); check {settings}.")
    if status == 429 or status >= 500:
        return ProviderUnavailable(f"{vendor} is unavailable right now ({status}).")
    return ConfigError(
        f"{vendor} refused the request ({status}); check {settings} and the "
        "model names in AURELIUS_AI_TIERS."
    )
