"""How a model provider's SDK errors become Aurelius errors (shared by every SDK adapter)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import ConfigError, ProviderUnavailable

# What reading a reply that is not the documented shape raises (a 200 with an HTML page,
# JSON of another API, fields missing): the SDKs build responses without validating them.
MALFORMED = (ValueError, TypeError, AttributeError, KeyError, IndexError)


@contextmanager
def translated(
    vendor: str,
    settings: str,
    status_error: type[Exception],
    connection_error: type[Exception],
    response_error: type[Exception],
) -> Iterator[None]:
    """Turn SDK errors raised inside the block (which also reads the reply) into the error
    tree: 429 and 5xx, time-outs and replies that cannot be read are worth a try elsewhere
    (offline at the latest); 4xx are configuration mistakes whose message names `settings`
    to check (never the key itself)."""
    try:
        yield
    except status_error as error:
        raise status_to_error(vendor, int(getattr(error, "status_code", 0)), settings) from None
    except connection_error:  # includes time-outs
        raise ProviderUnavailable(f"{vendor} did not answer (connection or timeout).") from None
    except (response_error, *MALFORMED) as error:
        raise ProviderUnavailable(
            f"{vendor} answered with something that is not a model reply "
            f"({type(error).__name__}); check AURELIUS_{vendor.upper()}_BASE_URL."
        ) from None


def status_to_error(vendor: str, status: int, settings: str) -> Exception:
    if status in (401, 403):
        return ConfigError(f"{vendor} rejected the API key ({status}); check {settings}.")
    if status == 429 or status >= 500:
        return ProviderUnavailable(f"{vendor} is unavailable right now ({status}).")
    return ConfigError(
        f"{vendor} refused the request ({status}); check {settings} and the "
        "model names in AURELIUS_AI_TIERS."
    )
