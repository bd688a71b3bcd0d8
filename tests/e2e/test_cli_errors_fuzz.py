"""Hostile argument values never make the CLI print a traceback, report a bug or hang.

Hypothesis puts odd values (huge numbers, far years, control and escape characters, bytes that
are not UTF-8, absurd durations, deep brackets) into the options of real commands, run in
process on a real SQLite file. Every answer must be success, or one `Error:` line with exit 1
(bad value) or 2 (malformed command line).
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from aurelius.settings import Settings
from cli import context
from cli.main import app
from tests.conftest import ZONE

HOSTILE = [
    "", " ", "0", "-0", "-1", "1e308", "nan", "inf", str(2**63), "9" * 40, "0001-01-01",
    "9999-12-31", "9999-12-31T23:59:59", "2026-02-30", "2026-13-01 25:61", "99999999999999m",
    "999999999d", "1.5e300h", "\x1b]0;owned\x07", "\x1b[2J", "caf\udce9", "[" * 500,
    "{" * 500, "'; DROP TABLE tasks; --", "%s%s%n", "../../etc/passwd", "é" * 200, "🙂" * 50,
    "\u202e", "tomorrow", "in 99999999 years", "friday 99pm", "P1Y2M", "-" * 3,
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
            max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
# Each command line has one slot (None) for a hostile value.
COMMANDS = [
    ["task", "add", None], ["task", "add", "x", "--due", None],
    ["task", "add", "x", "--priority", None], ["task", "done", None],
    ["task", "edit", None, "--title", "t"], ["task", "list", "--search", None],
    ["cal", "add", "x", "--start", None],
    ["cal", "add", "x", "--start", "2026-12-01 10:00", "--duration", None],
    ["cal", "agenda", "--on", None], ["cal", "free", "--on", None], ["cal", "rm", None],
    ["remind", "add", "x", "--at", None], ["remind", "snooze", "1", "--for", None],
    ["parse", "--now", None, "lunch friday"], ["parse", "--tz", None, "lunch friday"],
    ["config", "set", "workers", None], ["config", "set", "timezone", None],
    ["config", "set", "smtp_from", None], ["config", "set", None, "1"],
]
SECONDS_PER_COMMAND = 10


class Hang(BaseException):
    """Raised by the alarm; a BaseException so the CLI's error path cannot swallow it."""


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise Hang


@pytest.fixture
def sqlite_cli(tmp_path: Path, sqlite_template: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    database = tmp_path / "aurelius.db"
    shutil.copy(sqlite_template, database)
    monkeypatch.setenv("AURELIUS_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("AURELIUS_TIMEZONE", ZONE)
    monkeypatch.setenv("AURELIUS_NOW", "2026-03-10T09:00")
    previous = signal.signal(signal.SIGALRM, _alarm)
    yield CliRunner()
    signal.signal(signal.SIGALRM, previous)


FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def invoke_bounded(runner: CliRunner, args: list[str], env: dict[str, str] | None = None) -> Result:
    context.services.cache_clear()
    signal.alarm(SECONDS_PER_COMMAND)
    try:
        return runner.invoke(app, args, env=env)
    finally:
        signal.alarm(0)
        if context.services.cache_info().currsize:
            context.services().close()
        context.services.cache_clear()


def assert_one_line_or_success(result: Result, args: object) -> None:
    assert result.exit_code in (0, 1, 2), (args, result.output, result.exception)
    assert "Traceback" not in result.output and "bug in Aurelius" not in result.output, args
    if result.exit_code:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, result.stderr)


@FUZZ
@given(command=st.sampled_from(COMMANDS), value=VALUES)
def test_hostile_values_get_one_line_never_a_traceback(
    sqlite_cli: CliRunner, command: list[str | None], value: str
) -> None:
    args = [value if part is None else part for part in command]
    assert_one_line_or_success(invoke_bounded(sqlite_cli, args), args)


# Settings that a broken environment could carry (the database and clock stay usable).
SETTINGS = sorted(set(Settings.model_fields) - {"database_url", "now", "redis_url"})


@FUZZ
@given(name=st.sampled_from(SETTINGS), value=VALUES.filter(lambda v: "\udce9" not in v))
def test_hostile_environment_values_get_one_line(
    sqlite_cli: CliRunner, name: str, value: str
) -> None:
    env = {f"AURELIUS_{name.upper()}": value}
    assert_one_line_or_success(invoke_bounded(sqlite_cli, ["task", "list"], env), env)
