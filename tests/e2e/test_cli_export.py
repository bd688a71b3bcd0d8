"""`aurelius export` / `import`: one person's data into a fresh install reproduces the same
listings, matches docs/export.schema.json, holds no secrets, and importing twice changes
nothing. Through the CLI runner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

from aurelius.backup.dumps import admin_execute
from aurelius.migrate import upgrade
from tests.e2e.conftest import Run

jsonschema = pytest.importorskip("jsonschema")
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs/export.schema.json")
                    .read_text())
LISTINGS = (("task", "list"), ("task", "list", "--done"), ("cal", "agenda", "--week"),
            ("remind", "list"), ("notify", "channels"))


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another, empty install's database on the same kind of server."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    base = make_url(database_url)
    name = f"{base.database}_fresh"
    admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                  f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill(run: Run) -> None:
    run("task", "add", "write the report", "--due", "2026-03-12", "--priority", "1", "--raw")
    run("task", "add", "file taxes #admin +home", "--yes")
    run("task", "add", "water the plants", "--raw")
    run("task", "done", "3")
    run("cal", "add", "standup", "--start", "2026-03-10 09:30", "--duration", "15m",
        "--repeat", "every weekday")
    run("cal", "rm", "1", "--occurrence", "2026-03-11")
    run("cal", "move", "1", "--to", "2026-03-12 11:00", "--occurrence", "2026-03-12")
    run("cal", "add", "dentist", "--start", "2026-03-13 15:00", "--location", "Main St 4")
    run("remind", "call mom", "--at", "2026-03-10 18:00")
    run("remind", "stretch", "--at", "2026-03-11 10:00", "--repeat", "every day")
    run("notify", "add", "webhook", "https://hooks.example.invalid/aurelius")
    run("notify", "quiet", "22:00", "07:00")


def listings(run: Run) -> list[str]:
    return [run(*command).stdout for command in LISTINGS]


def test_an_export_imported_elsewhere_lists_the_same(
    run: Run, fresh_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(run)
    before = listings(run)
    exported = tmp_path / "me.json"
    run("export", "--to", str(exported))
    document = json.loads(exported.read_text())
    jsonschema.validate(document, SCHEMA)
    assert len(document["events"][0]["exceptions"]) == 2
    monkeypatch.setenv("AURELIUS_DATABASE_URL", fresh_url)
    assert "Imported 3 tasks, 2 events, 2 reminders, 1 notification channels" in run(
        "import", str(exported)).stdout
    assert listings(run) == before
    assert "Nothing new" in run("import", str(exported)).stdout
    assert listings(run) == before
    run("export", "--to", str(tmp_path / "again.json"))
    again = json.loads((tmp_path / "again.json").read_text())
    assert {**again, "exported_at": None} == {**document, "exported_at": None}


def test_an_export_holds_no_secrets(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AURELIUS_TELEGRAM_BOT_TOKEN", "123456:SECRET-bot-token-value")
    run("task", "add", "something", "--raw")
    run("export", "--to", str(tmp_path / "me.json"))
    text = (tmp_path / "me.json").read_text()
    assert "SECRET" not in text and "credential" not in text and "connection" not in text


def test_bad_files_and_users_get_one_line(run: Run, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    assert "is not JSON" in run("import", str(tmp_path / "bad.json"), ok=False).stderr
    (tmp_path / "other.json").write_text('{"format": "something else"}')
    assert "not an Aurelius export" in run("import", str(tmp_path / "other.json"),
                                           ok=False).stderr
    assert "No user is called" in run("export", "--user", "nobody", "--to",
                                      str(tmp_path / "x.json"), ok=False).stderr
