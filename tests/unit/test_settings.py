"""Settings come from AURELIUS_* variables, then the config file, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from aurelius import config_file
from aurelius.settings import Settings, config_path, load_settings
from core.errors import ConfigError, Invalid


def test_defaults_live_under_aurelius_home(isolated_home: Path) -> None:
    settings = load_settings()
    assert settings.effective_database_url == f"sqlite:///{isolated_home / 'aurelius.db'}"
    assert config_path() == isolated_home / "config.toml"
    assert settings.redis_url is None and settings.anthropic_api_key is None


def test_environment_beats_file_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    config_file.set_value("timezone", "Asia/Tokyo")
    config_file.set_value("urgency-due", "3.5")
    assert load_settings().timezone == "Asia/Tokyo"
    assert load_settings().urgency_due == 3.5
    monkeypatch.setenv("AURELIUS_TIMEZONE", "Europe/Berlin")
    assert load_settings().timezone == "Europe/Berlin"


def test_vendor_standard_key_names_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-standard")
    assert load_settings().anthropic_api_key.get_secret_value() == "from-standard"  # type: ignore[union-attr]
    monkeypatch.setenv("AURELIUS_ANTHROPIC_API_KEY", "from-aurelius")
    assert load_settings().anthropic_api_key.get_secret_value() == "from-aurelius"  # type: ignore[union-attr]
    assert "from-aurelius" not in repr(load_settings())


def test_bad_values_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURELIUS_TIMEZONE", "Nowhere/Land")
    with pytest.raises(ConfigError, match="timezone"):
        load_settings()
    monkeypatch.delenv("AURELIUS_TIMEZONE")
    with pytest.raises(Invalid, match="Unknown setting"):
        config_file.set_value("colour", "blue")
    with pytest.raises(Invalid, match="workday_start"):
        config_file.set_value("workday_start", "25:99")


def test_secrets_in_the_file_are_private() -> None:
    config_file.set_value("openai_api_key", "sk-test")
    assert config_path().stat().st_mode & 0o077 == 0
    assert Settings().openai_api_key.get_secret_value() == "sk-test"  # type: ignore[union-attr]
