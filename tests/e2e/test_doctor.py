"""`aurelius doctor`: green on a fresh install; every failure provoked for real says what is
wrong and the command that fixes it, and makes the exit status 1."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.e2e.conftest import Run
from tests.e2e.test_cli_errors import closed_port
from tests.stubs.anthropic import AnthropicStub
from tests.stubs.openai import OpenAIStub
from tests.stubs.slack import SlackStub
from tests.stubs.telegram import TelegramStub

REDIS_URL = os.environ.get("AURELIUS_TEST_REDIS_URL")


def doctor(monkeypatch: pytest.MonkeyPatch | None = None, **env: str) -> tuple[int, dict[
        str, dict[str, Any]]]:
    """Exit status and the checks by name, through the CLI runner."""
    for name, value in env.items():
        assert monkeypatch is not None
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["doctor", "--json"], catch_exceptions=False)
    report = json.loads(result.stdout)
    assert report["ok"] is (result.exit_code == 0)
    return result.exit_code, {check["name"]: check for check in report["checks"]}


def failing(checks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: check for name, check in checks.items() if not check["ok"]}


def test_a_fresh_install_is_all_green_and_fast(isolated_home: Path) -> None:
    executable = shutil.which("aurelius", path=str(Path(sys.executable).parent))
    assert executable
    env = {**os.environ, "AURELIUS_HOME": str(isolated_home)}
    env.pop("AURELIUS_DATABASE_URL", None)
    shown = subprocess.run([executable, "doctor"], capture_output=True, text=True, env=env,
                           timeout=60, check=False)
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert shown.stdout.strip().endswith("All checks passed.")
    assert not (isolated_home / "aurelius.db").exists()  # the doctor creates nothing
    started = time.perf_counter()
    code, checks = doctor()
    assert time.perf_counter() - started < 1.0
    assert code == 0 and not failing(checks)


def test_invalid_settings_are_the_one_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    code, checks = doctor(monkeypatch, AURELIUS_TICK_SECONDS="-1")
    assert code == 1 and list(checks) == ["settings"]
    assert "AURELIUS_TICK_SECONDS" in checks["settings"]["detail"]
    assert "aurelius config" in checks["settings"]["fix"]


def test_a_database_of_another_schema_and_an_old_one_need_db_upgrade(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from aurelius.migrate import upgrade
    from core.db import make_engine

    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    foreign.chmod(0o600)
    code, checks = doctor(monkeypatch, AURELIUS_DATABASE_URL=f"sqlite:///{foreign}")
    assert code == 1 and checks["database"]["ok"]
    assert "nothing (no Aurelius tables)" in checks["migrations"]["detail"]
    assert checks["migrations"]["fix"] == "aurelius db upgrade"
    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine, "0005")
    engine.dispose()
    _, checks = doctor(monkeypatch, AURELIUS_DATABASE_URL=f"sqlite:///{old}")
    assert checks["migrations"]["detail"].startswith("the schema is at 0005")


def test_an_unreachable_database_and_redis_are_named_without_their_passwords(
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, checks = doctor(
        monkeypatch,
        AURELIUS_DATABASE_URL=f"postgresql+psycopg://a:hunter2@127.0.0.1:{closed_port()}/x",
        AURELIUS_REDIS_URL=f"redis://:hunter2@127.0.0.1:{closed_port()}/0")
    assert code == 1
    assert set(failing(checks)) == {"database", "redis"}
    assert "AURELIUS_DATABASE_URL" in checks["database"]["fix"]
    assert "start Redis" in checks["redis"]["fix"]
    assert "hunter2" not in json.dumps(checks)


@pytest.mark.skipif(not REDIS_URL, reason="AURELIUS_TEST_REDIS_URL is not set")
def test_no_worker_and_no_scheduler_at_scale(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from redis import Redis
    from rq import Queue, Worker

    from aurelius.adapters.rq_queue import QUEUE

    connection = Redis.from_url(str(REDIS_URL))
    connection.flushdb()
    code, checks = doctor(monkeypatch, AURELIUS_REDIS_URL=str(REDIS_URL))
    assert code == 1 and checks["redis"]["ok"]
    assert set(failing(checks)) == {"workers", "scheduler"}
    assert checks["workers"]["fix"].startswith("aurelius worker")
    assert "aurelius scheduler" in checks["scheduler"]["fix"]
    worker = Worker([Queue(QUEUE, connection=connection)], connection=connection)
    worker.register_birth()
    try:
        _, checks = doctor()
    finally:
        worker.register_death()
    assert checks["workers"]["ok"] and checks["workers"]["detail"] == "1 RQ worker(s) alive"


def test_scheduled_reminders_need_a_scheduler_and_the_leader_is_named(
        run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from aurelius.bootstrap import build_services
    from aurelius.workers.scheduler import Scheduler

    run("remind", "call the bank", "--at", "tomorrow 9am")
    code, checks = doctor()
    assert code == 1 and set(failing(checks)) == {"scheduler"}
    monkeypatch.delenv("AURELIUS_NOW")  # the lease runs on the real clock, as the doctor's
    services = build_services()
    try:
        Scheduler(services, "host-a:42").fire()
    finally:
        services.close()
    code, checks = doctor()
    assert code == 0 and checks["scheduler"]["detail"] == "one leader: host-a:42"


def test_a_connection_that_lost_its_grant_says_how_to_reconnect(run: Run) -> None:
    from aurelius.bootstrap import build_services
    from core.models.connection import Connection

    services = build_services()
    try:
        user = services.local_user_id()
        with services.db.transaction() as session:
            session.add(Connection(user_id=user, provider="google", account_id="sub-1",
                                   account_email="ada@example.com", status="needs_reauth",
                                   last_error="invalid_grant: Token has been revoked"))
    finally:
        services.close()
    code, checks = doctor()
    [name] = failing(checks)
    assert code == 1 and name.startswith("connection ")
    assert "google is needs_reauth: invalid_grant" in checks[name]["detail"]
    assert checks[name]["fix"] == "reconnect it: aurelius connect google"
    assert "ada@example.com" not in json.dumps(checks)


@pytest.fixture
def vendors() -> Iterator[tuple[AnthropicStub, OpenAIStub, SlackStub, TelegramStub]]:
    stubs = (AnthropicStub().start(), OpenAIStub().start(), SlackStub().start(),
             TelegramStub("999:RIGHT").start())
    yield stubs
    for stub in stubs:
        stub.stop()


def test_each_key_and_token_is_asked_and_refusals_are_told_apart(
        monkeypatch: pytest.MonkeyPatch,
        vendors: tuple[AnthropicStub, OpenAIStub, SlackStub, TelegramStub]) -> None:
    anthropic, openai, slack, telegram = vendors
    anthropic.fail(401)
    code, checks = doctor(
        monkeypatch, AURELIUS_ANTHROPIC_API_KEY="sk-ant-revoked-key-0001",
        AURELIUS_ANTHROPIC_BASE_URL=anthropic.url, AURELIUS_OPENAI_API_KEY="sk-good-key-0002",
        AURELIUS_OPENAI_BASE_URL=f"{openai.url}/v1", AURELIUS_SLACK_BOT_TOKEN="xoxb-wrong-1",
        AURELIUS_SLACK_APP_TOKEN="xapp-socket-mode", AURELIUS_SLACK_BASE_URL=slack.base_url,
        AURELIUS_TELEGRAM_BOT_TOKEN="999:WRONG", AURELIUS_TELEGRAM_BASE_URL=telegram.base_url)
    assert code == 1 and set(failing(checks)) == {"anthropic", "slack", "telegram"}
    assert checks["anthropic"]["fix"] == "aurelius config set anthropic_api_key NEW_VALUE"
    assert "refused" in checks["slack"]["detail"] and "refused" in checks["telegram"]["detail"]
    assert checks["openai"]["detail"] == "key accepted (1 model(s) listed)"
    assert [request["path"] for request in anthropic.requests] == ["/v1/models?limit=1"]
    shown = json.dumps(checks)
    assert "sk-ant-revoked-key-0001" not in shown and "999:WRONG" not in shown
    monkeypatch.setenv("AURELIUS_SLACK_BOT_TOKEN", slack.token)
    monkeypatch.setenv("AURELIUS_TELEGRAM_BOT_TOKEN", "999:RIGHT")
    _, checks = doctor()
    assert checks["slack"]["ok"] and checks["telegram"]["ok"], checks
    assert checks["anthropic"]["ok"]  # the stub's one scripted 401 is spent


def test_a_vendor_that_is_down_is_not_a_refused_key(monkeypatch: pytest.MonkeyPatch) -> None:
    code, checks = doctor(monkeypatch, AURELIUS_OPENAI_API_KEY="sk-some-key-0003",
                          AURELIUS_OPENAI_BASE_URL=f"http://127.0.0.1:{closed_port()}/v1")
    assert code == 1 and "cannot reach the service" in checks["openai"]["detail"]


def test_webhook_routes_without_their_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    code, checks = doctor(monkeypatch, AURELIUS_TELEGRAM_BOT_TOKEN="1:x",
                          AURELIUS_TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed_port()}/bot",
                          AURELIUS_PUBLIC_URL="https://aurelius.example.com",
                          AURELIUS_SLACK_BOT_TOKEN="xoxb-1",
                          AURELIUS_SLACK_BASE_URL=f"http://127.0.0.1:{closed_port()}/api/")
    assert code == 1
    assert "aurelius config set telegram_webhook_secret" in checks["telegram webhook"]["fix"]
    assert "aurelius config set slack_signing_secret" in checks["slack events"]["fix"]
    monkeypatch.setenv("AURELIUS_TELEGRAM_WEBHOOK_SECRET", "guessable9")
    _, checks = doctor()
    assert "shorter than 16" in checks["telegram webhook"]["detail"]


def test_loose_file_permissions_and_a_full_disk(monkeypatch: pytest.MonkeyPatch,
                                                isolated_home: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["config", "set", "timezone", "Europe/Berlin"], catch_exceptions=False)
    config = isolated_home / "config.toml"
    key = isolated_home / "vault.key"
    key.write_bytes(b"k" * 32)
    config.chmod(0o644)
    key.chmod(0o640)
    code, checks = doctor(monkeypatch, AURELIUS_DOCTOR_MIN_FREE_MB=str(10**12))
    assert code == 1
    assert set(failing(checks)) == {"permissions config.toml", "permissions vault.key", "disk"}
    assert checks["permissions config.toml"]["fix"] == f"chmod 600 {config}"
    assert "-rw-r--r--" in checks["permissions config.toml"]["detail"]
    config.chmod(0o600)
    key.chmod(0o600)
    monkeypatch.delenv("AURELIUS_DOCTOR_MIN_FREE_MB")
    code, checks = doctor()
    assert code == 0, failing(checks)
