"""Every expected failure of the CLI is one line on stderr that says what to do, exit 1.

Each case below was a traceback (or a usage box in pydantic's words) before; the test runs the
real command through Typer's runner on every test database.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from aurelius.bootstrap import Services
from cli import context
from cli.main import app
from tests.e2e.conftest import Run

HUGE_ID = str(2**63)


def one_line_error(result: Result, code: int = 1) -> str:
    """The single `Error: ...` line of a failed command (and nothing that looks internal)."""
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output and "bug in Aurelius" not in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["task", "done", HUGE_ID], "TASK_IDS: that number is too large"),
        (["task", "edit", "99999999999999999999999", "--title", "t"], "too large"),
        (["cal", "rm", HUGE_ID], "too large"),
        (["remind", "cancel", HUGE_ID], "too large"),
        (["cal", "add", "x", "--start", "2026-12-01 10:00", "--duration", "99999999999999m"],
         "at most 366 days"),
        (["cal", "add", "x", "--start", "2026-12-01 10:00", "--duration", "999999999d"],
         "at most 366 days"),
        (["remind", "snooze", "1", "--for", "99999999999999m"], "at most 366 days"),
        (["task", "add", "x", "--due", "0001-01-01"], "between the years"),
        (["task", "add", "x", "--due", "9999-12-31 23:59"], "between the years"),
        (["remind", "add", "x", "--at", "9999-12-31T23:59"], "between the years"),
        (["cal", "add", "x", "--start", "0001-01-01 09:00"], "between the years"),
        (["cal", "free", "--on", "9999-12-31"], "between the years"),
        (["cal", "agenda", "--on", "0001-01-01"], "between the years"),
        (["remind", "add", "x", "--at", "2026-12-01 10:00", "--task", "999"], "No task #999"),
        (["parse", "--now", "garbage", "hello"], "Cannot read 'garbage'"),
        (["task", "add", "x", "--priority", "9"], "--priority: must be a whole number from 1 to 4"),
        (["cal", "import", "missing.ics"], "does not exist"),
        (["config", "set", "timezone", "Mars/Base"], "unknown time zone"),
        (["task", "add", "caf\udce9"], "not valid UTF-8"),
    ],
)
def test_user_mistakes_are_one_line(run: Run, args: list[str], says: str) -> None:
    assert says in one_line_error(run(*args, ok=False))


def test_cancelling_an_occurrence_twice_is_one_line(run: Run) -> None:
    run("cal", "add", "Standup", "--start", "2026-03-11 09:00", "--repeat", "FREQ=DAILY")
    run("cal", "rm", "1", "--occurrence", "2026-03-12")
    assert "already cancelled" in one_line_error(run("cal", "rm", "1", "--occurrence", "2026-03-12",
                                           ok=False))


def test_malformed_command_lines_exit_2_plainly(run: Run) -> None:
    for args in (["task", "add"], ["task", "add", "x", "--colour", "red"]):
        line = one_line_error(run(*args, ok=False), code=2)
        assert "--help" in line and "╭" not in line


def every_command_path(command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    children = getattr(command, "commands", {})
    found = [path]
    for name, child in children.items():
        found.extend(every_command_path(child, (*path, name)))
    return found


def test_help_names_values_not_python_types() -> None:
    from typer.main import get_command

    paths = every_command_path(get_command(app))
    assert len(paths) > 40
    for path in paths:
        shown = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"}).stdout
        assert not re.search(r"<[a-z_]+[^>]*>|\{[a-z_]+\}", shown), (path, shown)
    assert "task add [OPTIONS] TITLE" in CliRunner().invoke(app, ["task", "add", "--help"]).stdout


def test_one_deep_line_does_not_stop_a_batch(run: Run) -> None:
    good = '{"id": %d, "text": "call mom tomorrow", "now": "2026-03-10T09:00:00", "tz": "UTC"}'
    lines = "\n".join([good % 1, "[" * 100_000, good % 2]) + "\n"
    result = CliRunner().invoke(app, ["parse", "--batch", "-"], input=lines)
    answers = result.stdout.splitlines()
    assert result.exit_code == 0 and len(answers) == 3
    assert '"id": 1' in answers[0] and "nested too deeply" in answers[1]
    assert '"id": 2' in answers[2]


def test_explain_wraps_instead_of_cutting(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    run("task", "add", "Renew passport", "--due", "2026-03-09", "--priority", "1",
        "--tag", "admin", "--project", "home")
    monkeypatch.setenv("COLUMNS", "80")
    shown = run("task", "list", "--explain").stdout
    assert "…" not in shown and all(len(line) <= 80 for line in shown.splitlines())
    words = " ".join(shown.split())  # the wrapped column read back as one text
    assert "priority 6.00 + project 1.00 + tags 0.80" in words


# --- Failures of the environment, not of the input --------------------------------------


def invoke(*args: str) -> Result:
    context.services.cache_clear()
    try:
        return CliRunner().invoke(app, list(args))
    finally:
        if context.services.cache_info().currsize:
            context.services().close()
        context.services.cache_clear()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("AURELIUS_NOW", "garbage", "AURELIUS_NOW"),
        ("AURELIUS_DATABASE_URL", "not-a-url", "AURELIUS_DATABASE_URL"),
        ("AURELIUS_AI_TIERS", "{oops", "AURELIUS_AI_TIERS"),
        ("AURELIUS_TIMEZONE", "Mars/Base", "AURELIUS_TIMEZONE"),
        ("AURELIUS_WORKERS", "0", "AURELIUS_WORKERS"),
    ],
)
def test_bad_environment_values_are_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert says in one_line_error(invoke("task", "list"))


def test_unusable_sqlite_path_is_one_line(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AURELIUS_DATABASE_URL", f"sqlite:///{blocker}/aurelius.db")
    assert "a-file" in one_line_error(invoke("task", "list"))


def test_unreachable_postgres_is_one_line_without_the_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"postgresql+psycopg://aurelius:hunter2@127.0.0.1:{closed_port()}/aurelius"
    monkeypatch.setenv("AURELIUS_DATABASE_URL", url)
    line = one_line_error(invoke("task", "list"))
    assert "Cannot use the database" in line and "hunter2" not in line


def test_jobs_status_with_redis_down_says_so_without_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                 database_url: str) -> None:
    monkeypatch.setenv("AURELIUS_DATABASE_URL", database_url)
    monkeypatch.setenv("AURELIUS_REDIS_URL", f"redis://:hunter2@127.0.0.1:{closed_port()}/0")
    result = invoke("jobs", "status")  # the rest of the status still comes from the database
    assert result.exit_code == 0 and "Traceback" not in result.output
    assert "Redis at redis://" in result.stdout and "unreachable" in result.stdout
    assert "hunter2" not in result.output


@pytest.mark.parametrize(
    ("kind", "target", "settings"),
    [
        ("telegram", "42", {"TELEGRAM_BOT_TOKEN": "123:SECRET", "TELEGRAM_BASE_URL": "{url}/bot"}),
        ("slack", "C1", {"SLACK_BOT_TOKEN": "xoxb-SECRET", "SLACK_BASE_URL": "{url}/api/"}),
        ("email", "me@example.org", {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": "{port}"}),
        ("webhook", "{url}/hook", {}),
    ],
)
def test_notify_test_against_a_channel_that_is_down(
    monkeypatch: pytest.MonkeyPatch, database_url: str, kind: str, target: str,
    settings: dict[str, str],
) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AURELIUS_DATABASE_URL", database_url)
    for name, value in settings.items():
        monkeypatch.setenv(f"AURELIUS_{name}", value.format(url=url, port=port))
    line = one_line_error(invoke("notify", "test", kind, target.format(url=url)))
    assert f"The {kind} channel" in line and "SECRET" not in line


def test_a_reminder_cannot_point_at_another_users_task(services: Services) -> None:
    from core.errors import NotFound
    from tests.conftest import NOW

    owner = services.users.ensure("telegram", "1", "Ann", "UTC")
    other = services.users.ensure("telegram", "2", "Bob", "UTC")
    task = services.tasks.add(owner, "Ann's task")
    with pytest.raises(NotFound, match=f"No task #{task.id}"):
        services.reminders.add(other, "peek", NOW, task_id=task.id)
    assert services.reminders.add(owner, "mine", NOW, task_id=task.id).title == "mine"


def test_serve_on_an_address_it_cannot_bind_says_so_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = str(taken.getsockname()[1])
        line = one_line_error(invoke("serve", "--host", "127.0.0.1", "--port", busy))
    assert "Cannot listen on 127.0.0.1:" in line and "in use" in line
    line = one_line_error(invoke("serve", "--host", "no.such.host.invalid", "--port", "0"))
    assert "Cannot listen on no.such.host.invalid:0" in line
