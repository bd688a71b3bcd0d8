"""The real constraints of settings, as annotated types for `aurelius.settings.Settings`.

A value that breaks one is refused before it is stored or used, with a reason that never
repeats the value (it may be a secret pasted into the wrong key).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Annotated

from pydantic import AfterValidator, Field, SecretStr

_DATABASE = re.compile(r"(sqlite|postgresql)(\+\w+)?://.*", re.IGNORECASE)
_REDIS = re.compile(r"(rediss?|unix)://[^\s]*", re.IGNORECASE)
_HTTP = re.compile(r"https?://[^\s/?#]+[^\s]*", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+")
_MODEL_REF = re.compile(r"[a-z][a-z0-9_]*:[^\s]+")
_SIGNUP = re.compile(r"open|invite|domain:[a-z0-9-]+(\.[a-z0-9-]+)+")


def database_url(value: str) -> str:
    if value and not _DATABASE.fullmatch(value):
        raise ValueError("must be a database URL such as sqlite:///path/aurelius.db or "
                         "postgresql+psycopg://localhost/aurelius")
    return value


def redis_url(value: str | None) -> str | None:
    if value and not _REDIS.fullmatch(value):
        raise ValueError("must be a Redis URL such as redis://localhost:6379/0")
    return value


def http_url(value: str | None) -> str | None:
    if value and not _HTTP.fullmatch(value):
        raise ValueError("must be an http:// or https:// URL")
    return value


def email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError("must be a plain e-mail address such as aurelius@example.org")
    return value


def signup(value: str) -> str:
    if not _SIGNUP.fullmatch(value.strip().lower()):
        raise ValueError("must be open, invite or domain:example.com")
    return value.strip().lower()


def clock_time(value: str) -> str:
    try:
        time.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a time of day such as 09:00") from None
    return value


def pinned_now(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be an ISO 8601 time such as 2026-12-01T09:00 "
                         "(or unset it to use the real clock)") from None
    if not 1900 <= moment.year <= 2999:
        raise ValueError("must be a time between the years 1900 and 2999")
    return value


def time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        raise ValueError("names an unknown time zone; use an IANA name such as "
                         "Europe/Berlin or America/New_York") from None
    return value


def model_chains(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for tier, chain in value.items():
        if not chain or not all(_MODEL_REF.fullmatch(ref) for ref in chain):
            raise ValueError(f"tier {tier!r} must list provider:model names, "
                             "e.g. anthropic:claude-haiku-4-5")
    return value


def after(start: str, end: str) -> None:
    if time.fromisoformat(end) <= time.fromisoformat(start):
        raise ValueError(f"must be after workday_start ({start})")


Port = Annotated[int, Field(ge=1, le=65535)]
AtLeastOne = Annotated[int, Field(ge=1, le=10_000)]
Minutes = Annotated[int, Field(ge=0, le=10_080)]
Retries = Annotated[int, Field(ge=0, le=10)]
Seconds = Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)]
Days = Annotated[int, Field(ge=1, le=36_500)]
DatabaseUrl = Annotated[str, AfterValidator(database_url)]
RedisUrl = Annotated[str | None, AfterValidator(redis_url)]
HttpUrl = Annotated[str | None, AfterValidator(http_url)]
RequiredHttpUrl = Annotated[str, AfterValidator(http_url)]
Email = Annotated[str, AfterValidator(email)]
Signup = Annotated[str, AfterValidator(signup)]
# HS256 wants a key at least as long as its 256-bit hash (RFC 7518 §3.2).
JwtSecret = Annotated[SecretStr | None, Field(min_length=32)]
ClockTime = Annotated[str, AfterValidator(clock_time)]
PinnedNow = Annotated[str | None, AfterValidator(pinned_now)]
TimeZone = Annotated[str, AfterValidator(time_zone)]
ModelChains = Annotated[dict[str, list[str]], AfterValidator(model_chains)]
Prices = dict[str, list[Annotated[float, Field(ge=0, allow_inf_nan=False)]]]
