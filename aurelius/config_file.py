"""Reading and writing the TOML config file that `aurelius config set` maintains."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from aurelius.settings import SECRET_FIELDS, Settings, config_path
from core.errors import Invalid


def read() -> dict[str, Any]:
    path = config_path()
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def set_value(key: str, value: str) -> Any:
    """Validate `value` for setting `key`, store it in the config file, return the typed value."""
    name = key.replace("-", "_").lower()
    if name not in Settings.model_fields:
        known = ", ".join(sorted(Settings.model_fields))
        raise Invalid(f"Unknown setting {key!r}. Known settings: {known}.")
    typed = _validated(name, value)
    stored = {**read(), name: typed}
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{k} = {_toml(v)}\n" for k, v in sorted(stored.items())))
    if name in SECRET_FIELDS:
        path.chmod(0o600)
    return typed


def _validated(name: str, value: str) -> Any:
    from pydantic import TypeAdapter, ValidationError

    field = Settings.model_fields[name]
    assert field.annotation is not None
    try:
        typed = TypeAdapter(field.annotation).validate_python(value)
        Settings.model_validate({name: typed})  # field validators (e.g. the time zone check)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"]
        raise Invalid(f"Cannot set {name} to {value!r}: {reason}.") from None
    return typed.get_secret_value() if hasattr(typed, "get_secret_value") else typed


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string
