"""Every `aurelius …` example in the README's shell blocks runs, in README order, in one home.

An example may only fail the way a person would see it fail when it names an id that this
walk-through did not create ("No task #3 …"): one line, exit 1. Anything else — a traceback, a
usage box, an unknown option — means the README promises something the CLI does not do.
Long-running processes (run, worker, serve, bots, chat, the TUI) and examples that would reach
a real outside address are skipped by name below.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import context
from cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"
# Processes that run until stopped, or need a terminal, a browser or an outside server.
LONG_RUNNING = {"run", "worker", "scheduler", "serve", "bot", "chat", "tui", "connect", "sync"}
OUTSIDE = {("notify", "test"), ("--install-completion",)}
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]+$|…|\.\.\.|^<.*>$")
# An id, or a linked calendar's name, that this walk-through did not create.
UNKNOWN_ID = re.compile(r"^Error: (No [\w ]+ #\d+|No calendar '\w+'|The default_calendar)")
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//readme test//EN\r\nBEGIN:VEVENT\r\n"
    "UID:readme-1@example\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261203T100000Z\r\n"
    "DTEND:20261203T110000Z\r\nSUMMARY:Imported review\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def shell_blocks(text: str) -> Iterator[str]:
    for block in re.findall(r"```(?:bash|sh|console)\n(.*?)```", text, flags=re.S):
        yield from block.splitlines()


def commands(line: str) -> Iterator[list[str]]:
    """The `aurelius` commands of one README line, without comments, redirections, [options]."""
    line = re.sub(r"\s+#\s.*$", "", line)
    for part in line.split("&&"):
        part = re.sub(r"\[[^\]]*\]", "", part).split(">")[0].strip()
        part = re.sub(r"^(\S*/)?aurelius\b", "aurelius", part)
        if part.startswith("aurelius "):
            words = shlex.split(part)[1:]
            if words:
                yield words


def examples() -> list[list[str]]:
    found = [words for line in shell_blocks(README.read_text()) for words in commands(line)]
    return [words for words in found if runnable(words)]


def runnable(words: list[str]) -> bool:
    if words[0] in LONG_RUNNING or tuple(words[:2]) in OUTSIDE or tuple(words[:1]) in OUTSIDE:
        return False
    return not any(PLACEHOLDER.search(word) for word in words)


@pytest.fixture
def walk_home(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "aurelius.db"
    database.write_bytes(sqlite_template.read_bytes())
    monkeypatch.setenv("AURELIUS_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("AURELIUS_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("AURELIUS_NOW", "2026-11-30T09:00")  # a Monday before the README's dates
    monkeypatch.setenv("AURELIUS_WARM", "0")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "calendar.ics").write_text(CALENDAR)
    return tmp_path


def invoke(words: list[str]) -> tuple[int, str]:
    context.services.cache_clear()
    try:
        result = CliRunner().invoke(app, words, input="y\n" * 5)
    finally:
        if context.services.cache_info().currsize:
            context.services().close()
        context.services.cache_clear()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"aurelius {shlex.join(words)} raised {result.exception!r}")
    return result.exit_code, result.output


def test_the_readme_has_examples() -> None:
    assert len(examples()) >= 30


def test_every_readme_example_runs(walk_home: Path) -> None:
    failures = []
    for words in examples():
        status, output = invoke(words)
        lines = output.strip().splitlines()
        unknown_id = status == 1 and len(lines) == 1 and UNKNOWN_ID.match(lines[0])
        if status != 0 and not unknown_id:
            failures.append(f"aurelius {shlex.join(words)} -> exit {status}: {output.strip()}")
    assert not failures, "\n".join(failures)
