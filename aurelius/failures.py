"""Expected failures as one line for a person: what went wrong and what to do.

Every door (CLI, bots, server, workers) meets the same failures — an error Aurelius raises on
purpose, a database or Redis that cannot be reached, a missing optional extra, input too
large or too deep to handle — and says the same thing about each. `explain` returns None for
anything else: that is a bug, and the door reports it as one.

Vendor exceptions are recognised by their class's module and name, so this module imports
no SDK (a missing SDK is one of the failures it explains).
"""

from __future__ import annotations

from collections.abc import Callable

from core.errors import AureliusError
from core.redaction import mask_credentials

# Top-level module of each lazily imported optional dependency -> the extra that installs it.
EXTRAS = {
    "telegram": "bots", "slack_bolt": "bots", "slack_sdk": "bots", "fastapi": "bots",
    "starlette": "bots", "uvicorn": "bots", "httpx": "bots",
    "redis": "redis", "rq": "redis",
    "anthropic": "ai", "openai": "ai",
    "authlib": "connect", "httpx2": "connect", "cryptography": "connect",
    "psycopg": "postgres", "psycopg2": "postgres", "pgvector": "postgres",
    "prometheus_client": "ops", "structlog": "ops", "sentry_sdk": "sentry",
}
OWN_PACKAGES = frozenset({"aurelius", "core", "cli", "bots", "migrations"})


def explain(error: BaseException) -> str | None:
    """One line for an expected failure (secrets masked), or None for a bug."""
    for explainer in _EXPLAINERS:
        line = explainer(error)
        if line:
            return mask_credentials(line)
    return None


def unexpected(error: BaseException, debug_variable: str) -> str:
    """The line for a bug: a reference that is also on the error tracker's event and in the
    log, so the report and the details meet."""
    import logging

    from aurelius import correlation, error_tracking

    with correlation.bound(correlation.reference()) as reference:
        if _logging():
            logging.getLogger(__name__).error("unexpected error", exc_info=error)
        error_tracking.report(error)
    return (f"Unexpected {type(error).__name__} (reference {reference}); this is a bug in "
            f"Aurelius. Run it again with {debug_variable}=1 to see the details, and report "
            "them with the reference.")


def _logging() -> bool:
    """Only a process that set up its logs writes the traceback there (a one-off command
    has no log, and Python's fallback would print the traceback on the terminal)."""
    import logging

    return bool(logging.getLogger().handlers)


def missing_extra(module: str) -> str | None:
    extra = EXTRAS.get(module.partition(".")[0])
    if extra is None:
        return None
    return f'This needs the optional "{extra}" extra: pip install "aurelius[{extra}]".'


def _ours(error: BaseException) -> str | None:
    return str(error) if isinstance(error, AureliusError) else None


def _module(error: BaseException) -> str | None:
    if not isinstance(error, ModuleNotFoundError) or not error.name:
        return None
    top = error.name.partition(".")[0]
    if top in OWN_PACKAGES:
        return None  # a module of Aurelius itself is missing: a bug
    return missing_extra(top) or (
        f"The installation is incomplete: the {top!r} module is missing. Reinstall "
        'Aurelius (pip install --force-reinstall "aurelius").'
    )


def _kind(error: BaseException) -> str:
    kind = type(error)
    return f"{kind.__module__.partition('.')[0]}.{kind.__name__}"


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


def _database(error: BaseException) -> str | None:
    kind = _kind(error)
    if kind == "sqlalchemy.IntegrityError":
        return _integrity(_first_line(error))
    if kind in {"sqlalchemy.OperationalError", "sqlalchemy.InterfaceError"}:
        reason = _first_line(error)
        if "locked" in reason:
            return "The database is busy with another write; try again in a moment."
        return (f"Cannot use the database ({reason}). Check AURELIUS_DATABASE_URL or "
                "`aurelius config show`, and that the server is running.")
    if kind == "sqlalchemy.DataError":
        return (f"A value is out of range for the database ({_first_line(error)}); "
                "use a smaller one.")
    if kind == "sqlalchemy.ArgumentError":
        return (f"The database URL is not valid ({_first_line(error)}); set database_url "
                "to e.g. sqlite:///path/aurelius.db or postgresql+psycopg://user@host/db.")
    return None


def _integrity(reason: str) -> str:
    lowered = reason.lower()
    if "foreign key" in lowered:
        return "That refers to an id that does not exist; check the ids you gave."
    if "unique" in lowered or "duplicate" in lowered:
        return "That already exists; nothing was changed."
    return f"The change was refused by the database ({reason}); nothing was changed."


def _redis(error: BaseException) -> str | None:
    if _kind(error) in {"redis.ConnectionError", "redis.TimeoutError", "redis.BusyLoadingError"}:
        return (f"Cannot reach Redis ({_first_line(error)}). Start it, fix "
                "AURELIUS_REDIS_URL, or unset it to use the embedded queue.")
    return None


def _rejected(error: BaseException) -> str | None:
    """A vendor refusing Aurelius's credentials (its message may quote them: not shown)."""
    if _kind(error) in {"telegram.InvalidToken", "slack_sdk.SlackApiError"} and (
        "slack" not in _kind(error) or "auth" in str(error)
    ):
        return ("The service rejected the token. Check the bot token setting "
                "(`aurelius config show`) and set the right one with `aurelius config set`.")
    return None


def _network(error: BaseException) -> str | None:
    vendor = _kind(error).partition(".")[0]
    if vendor in {"httpx", "telegram", "slack_sdk", "smtplib", "urllib"} or isinstance(
        error, ConnectionError | TimeoutError
    ):
        return (f"A service could not be reached ({_first_line(error)}); check that it "
                "is running and its URL or address is right, then try again.")
    return None


def _limits(error: BaseException) -> str | None:
    if isinstance(error, OverflowError):
        return "A number or date is too large; use a smaller value."
    if isinstance(error, RecursionError):
        return "The input is nested too deeply to read."
    if isinstance(error, UnicodeError):
        return "The input contains bytes that are not valid UTF-8 text; retype it."
    return None


def _files(error: BaseException) -> str | None:
    if isinstance(error, OSError) and error.filename:
        return (f"Cannot use {error.filename} ({error.strerror or type(error).__name__}); "
                "check the path and its permissions.")
    return None


_EXPLAINERS: tuple[Callable[[BaseException], str | None], ...] = (
    _ours, _module, _database, _redis, _limits, _files, _rejected, _network,
)
