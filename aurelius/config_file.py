"""Reading and writing the TOML config file that `aurelius config set` maintains.

The file is written whole and atomically (a private temporary file renamed over it) by a TOML
writer, so no value can make it unreadable. A file broken by hand stays recoverable: normal
reads name the bad line, and `config show` / `config set` read around it (`salvage`).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aurelius.settings import config_path
from core.errors import ConfigError, Invalid

if TYPE_CHECKING:
    from aurelius.settings import Settings

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
_LINE = re.compile(r"at line (\d+)")


@dataclass
class Salvaged:
    """What could be read from the file, and a note for each line that could not."""

    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    text: str = ""


def read() -> dict[str, Any]:
    """The file's settings; a file that is not valid TOML is a ConfigError naming the line."""
    path = config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8", errors="replace"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"{path} line {_line(error)} cannot be read ({_reason(error)}). Fix or delete "
            "that line; `aurelius config show` and `aurelius config set` work around it."
        ) from None


def salvage() -> Salvaged:
    """Every setting that can be read, leaving out (and noting) the lines that cannot."""
    path = config_path()
    found = Salvaged(text=path.read_text(encoding="utf-8", errors="replace")
                     if path.exists() else "")
    lines = found.text.splitlines()
    for _attempt in range(len(lines) + 1):
        try:
            found.values = tomllib.loads("\n".join(lines))
            return found
        except tomllib.TOMLDecodeError as error:
            number = _line(error)
            found.notes.append(f"line {number} of {path} cannot be read ({_reason(error)})")
            if not 1 <= number <= len(lines) or not lines[number - 1].strip():
                break
            lines[number - 1] = ""
    found.values = {}
    return found


def readable() -> tuple[Settings, list[str]]:
    """The settings in force, reading around broken or invalid lines of the file (each
    named in the notes); an invalid environment variable is still a ConfigError."""
    from pydantic import ValidationError

    from aurelius.settings import config_problem, problems, read_settings

    found = salvage()
    values = dict(found.values)
    for _attempt in range(len(values) + 1):
        try:
            return read_settings(values), found.notes
        except ValidationError as exc:
            wrong = {name: reason for name, reason in problems(exc) if name in values}
            if not wrong or any(f"AURELIUS_{n.upper()}" in os.environ for n in wrong):
                raise ConfigError(config_problem(exc)) from None
            found.notes.extend(f"line {line_of(n)} of {config_path()}: {n} {reason}"
                               for n, reason in wrong.items())
            values = {k: v for k, v in values.items() if k not in wrong}
    raise ConfigError(f"{config_path()} cannot be read; delete it and set values again.")


def line_of(name: str) -> int | None:
    """The line of the config file that sets `name`, if any."""
    path = config_path()
    if not path.exists():
        return None
    pattern = re.compile(rf"\s*{re.escape(name)}\s*=")
    text = path.read_text(encoding="utf-8", errors="replace")
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


@dataclass(frozen=True)
class Change:
    name: str
    value: Any
    notes: list[str]


def set_value(key: str, value: str) -> Change:
    """Validate `value` for setting `key` and store it; other lines that cannot be read or
    are invalid are left out (the old file is kept beside it) and named in `notes`."""
    name = known_name(key)
    found = salvage()
    stored = _validated(found, name, _decoded(name, value))
    write(stored)
    if found.notes:
        backup = _keep_broken(found.text)
        found.notes.append(f"those lines were left out; the old file is kept as {backup}")
    return Change(name, stored[name], found.notes)


def unset(key: str) -> bool:
    """Remove setting `key` from the file; False when it was not set there."""
    name = known_name(key)
    found = salvage()
    if name not in found.values:
        return False
    write({k: v for k, v in found.values.items() if k != name})
    return True


def known_name(key: str) -> str:
    from aurelius.settings import Settings

    name = key.replace("-", "_").lower()
    if name not in Settings.model_fields:
        known = ", ".join(sorted(Settings.model_fields))
        raise Invalid(f"Unknown setting {_quoted(key)}. Known settings: {known}.")
    return name


def write(values: dict[str, Any]) -> None:
    """Replace the file atomically with `values`, private to this OS user."""
    import tomli_w

    path = config_path()
    make_private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "wb") as handle:
        tomli_w.dump(dict(sorted(values.items())), handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def make_private_dir(folder: Path) -> None:
    """Create `folder` (0700) if needed and keep it private to this OS user."""
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(PRIVATE_DIR)


def _validated(found: Salvaged, name: str, value: Any) -> dict[str, Any]:
    """The file's values with `name` set, validated together as the file alone would be."""
    from pydantic import ValidationError

    from aurelius.settings import problems, read_settings

    values = {**found.values, name: value}
    for _attempt in range(len(values)):
        try:
            settings = read_settings(values, environment=False)
        except ValidationError as exc:
            values = _without_invalid(found, values, problems(exc), name)
            continue
        return {**values, name: _plain(getattr(settings, name))}
    raise ConfigError(f"{config_path()} cannot be repaired; delete it and set values again.")


def _without_invalid(found: Salvaged, values: dict[str, Any],
                     wrong: list[tuple[str, str]], name: str) -> dict[str, Any]:
    for setting, reason in wrong:
        if setting == name:
            raise Invalid(f"Cannot set {name}: it {reason}.")
        if setting not in values:
            raise Invalid(f"Cannot set {name}: {setting} {reason}.")
        found.notes.append(f"{setting} in {config_path()} {reason}")
    return {k: v for k, v in values.items() if k not in {s for s, _ in wrong}}


def _decoded(name: str, value: str) -> Any:
    """Structured settings are given as JSON; every other value as typed."""
    from aurelius.settings import Settings

    annotation = str(Settings.model_fields[name].annotation)
    if not annotation.startswith(("dict", "list")):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise Invalid(f"Cannot set {name}: give it as JSON, e.g. "
                      f"aurelius config set {name} '{{\"key\": [\"value\"]}}'.") from None


def _plain(value: Any) -> Any:
    return value.get_secret_value() if hasattr(value, "get_secret_value") else value


def _keep_broken(text: str) -> Path:
    backup = config_path().with_name(config_path().name + ".broken")
    descriptor = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    return backup


def _line(error: tomllib.TOMLDecodeError) -> int:
    match = _LINE.search(str(error))
    return int(match[1]) if match else 0


def _reason(error: tomllib.TOMLDecodeError) -> str:
    return str(error).split(" (at ", 1)[0]


def _quoted(text: str) -> str:
    from core.redaction import shorten

    return repr(shorten(text, 30))
