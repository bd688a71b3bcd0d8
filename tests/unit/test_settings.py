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


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("smtp_port", "99999999", "less than or equal to 65535"),
        ("smtp_port", "0", "greater than or equal to 1"),
        ("workers", "0", "greater than or equal to 1"),
        ("tick_seconds", "nan", "finite"),
        ("tick_seconds", "inf", "finite"),
        ("tick_seconds", "-1", "greater than 0"),
        ("urgency_due", "nan", "finite"),
        ("ai_timeout", "-5", "greater than 0"),
        ("workday_end", "08:00", "after workday_start"),
        ("bot_onboarding", "everyone-lol", "'open', 'invite' or 'allowlist'"),
        ("plan", "platinum", "free, pro, team"),
        ("now", "yesterday-ish", "ISO 8601"),
        ("database_url", "not a url", "database URL"),
        ("redis_url", "cache-host:6379", "Redis URL"),
        ("notify_webhook_url", "ftp://example.org", "http"),
        ("smtp_from", "😀@example.org", "e-mail address"),
        ("timezone", "Mars/Base", "unknown time zone"),
        ("ai_tiers", '{"economy": ["claude"]}', "provider:model"),
        ("ai_tiers", "{oops", "JSON"),
    ],
)
def test_every_setting_is_checked_before_it_is_written(key: str, value: str, says: str) -> None:
    config_file.set_value("timezone", "Asia/Tokyo")
    before = config_path().read_bytes()
    with pytest.raises(Invalid, match=says) as refused:
        config_file.set_value(key, value)
    assert value not in str(refused.value)  # it may be a secret pasted into the wrong key
    assert config_path().read_bytes() == before
    assert load_settings().timezone == "Asia/Tokyo"


def test_values_round_trip_through_the_toml_writer() -> None:
    awkward = 'ids "1", 2\\3 \u00e9 😀 = [x] # not a comment'
    config_file.set_value("bot_allowlist", awkward)
    config_file.set_value("ai_tiers", '{"fast": ["openai:gpt-4.1-mini"]}')
    config_file.set_value("plan", "free")
    assert load_settings().bot_allowlist == awkward
    assert load_settings().ai_tiers == {"fast": ["openai:gpt-4.1-mini"]}
    assert not list(config_path().parent.glob("*.tmp"))  # the write was a rename


def test_a_broken_file_names_its_line_and_can_be_repaired() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text('timezone = "Asia/Tokyo"\nsmtp_from = 😀@example.org\n'
                             "workers = 0\n")
    with pytest.raises(ConfigError, match="line 2"):
        load_settings()
    settings, notes = config_file.readable()
    assert settings.timezone == "Asia/Tokyo"
    assert any("line 2" in note for note in notes) and any("line 3" in n for n in notes)
    change = config_file.set_value("smtp_from", "me@example.org")
    assert any(".broken" in note for note in change.notes)
    repaired = load_settings()
    assert (repaired.timezone, repaired.smtp_from, repaired.workers) == (
        "Asia/Tokyo", "me@example.org", 4)
    assert "😀" in config_path().with_name("config.toml.broken").read_text()


def test_unset_brings_back_the_default() -> None:
    config_file.set_value("workers", "2")
    assert config_file.unset("workers") and load_settings().workers == 4
    assert not config_file.unset("workers")


def test_environment_errors_name_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AURELIUS_TICK_SECONDS", "nan")
    with pytest.raises(ConfigError, match="AURELIUS_TICK_SECONDS: tick_seconds must be"):
        load_settings()
    monkeypatch.setenv("AURELIUS_TICK_SECONDS", "1")
    config_path().parent.mkdir(parents=True)
    config_path().write_text("\nworkers = 0\n")
    with pytest.raises(ConfigError, match=r"config\.toml line 2: workers"):
        load_settings()


def test_the_config_file_and_its_folder_are_private() -> None:
    config_file.set_value("timezone", "Asia/Tokyo")
    assert config_path().stat().st_mode & 0o777 == 0o600
    assert config_path().parent.stat().st_mode & 0o777 == 0o700
    config_file.set_value("openai_api_key", "sk-test")
    assert config_path().stat().st_mode & 0o077 == 0
    assert Settings().openai_api_key.get_secret_value() == "sk-test"  # type: ignore[union-attr]
