"""`aurelius doctor`: every check of an installation, what is wrong and the command that fixes it.

Checks read, never change: the database is opened without migrating it, a missing SQLite
file is not created, and vendors are asked only their cheapest question (who am I, which
models are there). A check that does not apply (no Redis, no bot) passes with a note, so a
fresh install is all green in well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aurelius.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""  # the command or step that repairs it, when not ok

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


Probe = Callable[["Settings"], Iterator[Check]]


def passed(name: str, detail: str) -> Check:
    return Check(name, True, detail)


def failed(name: str, detail: str, fix: str) -> Check:
    return Check(name, False, detail, fix)


def diagnose() -> list[Check]:
    """Every check; when the settings themselves are invalid, only that one."""
    from aurelius.doctor import config, processes, storage, vendors
    from aurelius.settings import load_settings
    from core.errors import ConfigError

    try:
        settings = load_settings()
    except ConfigError as error:
        return [failed("settings", str(error), "aurelius config show, then aurelius config set "
                                               "KEY VALUE (or fix the environment variable)")]
    found = [passed("settings", "valid")]
    probes: tuple[Probe, ...] = (storage.database, processes.redis_and_workers,
                                 processes.scheduler, storage.connections, vendors.keys,
                                 config.webhook_secrets, storage.disk, storage.permissions)
    try:
        for probe in probes:
            found.extend(_safely(probe, settings))
    finally:
        storage.release()
    return _masked(found, settings)


def _masked(checks: list[Check], settings: Settings) -> list[Check]:
    """Vendors quote the credential they refused: no configured secret is ever shown."""
    from dataclasses import replace

    from aurelius.logs import secret_values
    from core.redaction import mask_text

    secrets = secret_values(settings)
    return [replace(check, detail=mask_text(check.detail, secrets)) for check in checks]


def _safely(probe: Probe, settings: Settings) -> list[Check]:
    """A check that breaks is itself a finding, never a crash of the doctor."""
    from aurelius.failures import explain

    try:
        return list(probe(settings))
    except Exception as error:
        name = probe.__name__.replace("_", " ")
        return [failed(name, explain(error) or f"{type(error).__name__}: {error}",
                       "see the detail; run the command again with AURELIUS_DEBUG=1")]
