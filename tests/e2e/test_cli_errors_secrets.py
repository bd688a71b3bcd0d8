"""Secrets stay out of output and errors, and Aurelius's files are private to their owner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from aurelius.settings import config_path
from cli import context
from cli.main import app
from tests.e2e.conftest import Run

PASSWORD = "hunter2-Secret"


def test_config_show_and_set_mask_passwords_in_urls() -> None:
    runner = CliRunner()
    url = f"redis://:{PASSWORD}@127.0.0.1:6379/0"
    answer = runner.invoke(app, ["config", "set", "redis_url", url])
    assert answer.exit_code == 0 and PASSWORD not in answer.output
    assert "redis://:***@127.0.0.1:6379/0" in answer.output
    runner.invoke(app, ["config", "set", "database_url",
                        f"postgresql+psycopg://me:{PASSWORD}@db.internal/aurelius"])
    shown = runner.invoke(app, ["config", "show", "--json"])
    values = json.loads(shown.stdout)
    assert PASSWORD not in shown.output
    assert values["redis_url"] == "redis://:***@127.0.0.1:6379/0"
    assert values["database_url"] == "postgresql+psycopg://me:***@db.internal/aurelius"


def test_a_secret_in_the_wrong_key_is_not_echoed() -> None:
    answer = CliRunner().invoke(app, ["config", "set", "timezone", f"sk-ant-{PASSWORD}"])
    assert answer.exit_code == 1 and PASSWORD not in answer.output
    assert answer.stderr.startswith("Error: Cannot set timezone")


def test_a_broken_config_file_still_shows_and_sets() -> None:
    config_path().parent.mkdir(parents=True)
    config_path().write_text('timezone = "Asia/Tokyo"\nsmtp_from = 😀@example.org\n')
    runner = CliRunner()
    failing = runner.invoke(app, ["task", "list"])
    assert failing.exit_code == 1 and "line 2" in failing.stderr
    shown = runner.invoke(app, ["config", "show"])
    assert shown.exit_code == 0 and "timezone = Asia/Tokyo" in shown.stdout
    assert "Warning: line 2" in shown.stderr
    fixed = runner.invoke(app, ["config", "set", "smtp_from", "me@example.org"])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(app, ["config", "show"]).stderr == ""


def test_data_dir_database_and_wal_are_private(isolated_home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    isolated_home.mkdir(mode=0o755)
    context.services.cache_clear()
    try:
        assert CliRunner().invoke(app, ["task", "add", "private"]).exit_code == 0
        database = isolated_home / "aurelius.db"
        assert isolated_home.stat().st_mode & 0o777 == 0o700
        for path in (database, database.with_name("aurelius.db-wal"),
                     database.with_name("aurelius.db-shm")):
            assert path.stat().st_mode & 0o777 == 0o600, path
    finally:
        context.services().close()
        context.services.cache_clear()


def test_link_codes_are_stored_as_hashes(run: Run, database_url: str) -> None:
    code = json.loads(run("link", "telegram", "--json").stdout)["code"]
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT code FROM link_codes")).scalars().all()
    engine.dispose()
    assert len(stored) == 1 and code not in stored[0] and len(stored[0]) == 32
    from core.services.links import LinkService

    services = context.services()
    try:
        user = LinkService(services.db, services.clock).redeem("telegram", "4242", code.lower())
        assert user == context.user_id()
    finally:
        services.close()
        context.services.cache_clear()


def test_vendor_errors_never_quote_tokens() -> None:
    from telegram.error import InvalidToken

    from aurelius.failures import explain

    token = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    line = explain(InvalidToken(f"The token `{token}` was rejected by the server."))
    assert line is not None and "rejected the token" in line and token not in line
    leaked = explain(ConnectionError(f"POST https://api.telegram.org/bot{token}/getMe failed"))
    assert leaked is not None and token not in leaked and "***" in leaked
    slack = explain(ConnectionError("refused for xoxb-1234-5678-abcdef and sk-ant-api03-xyzxyz"))
    assert slack is not None and "xoxb-1234" not in slack and "sk-ant" not in slack
