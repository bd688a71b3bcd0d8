"""Backups that restore: through the CLI on SQLite and PostgreSQL, encrypted, damaged,
from an older or newer schema, made while another connection writes, and the drill."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from aurelius.adapters.vault import KeyRing
from aurelius.backup import archive, retention
from aurelius.backup.service import Backups
from aurelius.migrate import current_revision, upgrade
from aurelius.settings import Settings
from core.db import make_engine
from core.errors import ConfigError, Invalid
from migrations import HEAD
from tests.e2e.conftest import Run

KEYS = "k1:" + base64.b64encode(bytes(range(32))).decode()
ROOT = Path(__file__).resolve().parents[2]


def titles(run: Run) -> str:
    return run("task", "list").stdout


def test_restore_brings_back_the_backed_up_tasks(run: Run, tmp_path: Path) -> None:
    run("task", "add", "before the backup", "--raw")
    made = run("backup", "--to", str(tmp_path / "one.backup")).stdout
    assert "not encrypted" in made and f"schema {HEAD}" in made
    run("task", "add", "after the backup", "--raw")
    refused = run("restore", str(tmp_path / "one.backup"), ok=False, input="n\n")
    assert "Nothing restored" in refused.stderr and "after the backup" in titles(run)
    run("restore", str(tmp_path / "one.backup"), "--yes")
    listing = titles(run)
    assert "before the backup" in listing and "after the backup" not in listing


def test_backup_list_and_prune_in_the_backup_dir(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AURELIUS_BACKUP_DIR", str(tmp_path / "dated"))
    assert "No backups" in run("backup", "list").stdout
    run("backup")
    (tmp_path / "dated" / "aurelius-20200101T000000Z.backup").write_text("old and broken")
    listed = run("backup", "list").stdout.splitlines()
    assert "DAMAGED" in listed[0] and listed[1].endswith("ok") and " UTC " in listed[1]
    monkeypatch.setenv("AURELIUS_BACKUP_KEEP_DAILY", "1")
    monkeypatch.setenv("AURELIUS_BACKUP_KEEP_WEEKLY", "0")
    assert "aurelius-20200101T000000Z.backup" in run("backup", "prune").stdout
    assert len(run("backup", "list").stdout.splitlines()) == 1
    assert "Nothing to remove" in run("backup", "prune").stdout


def test_an_encrypted_backup_needs_its_key(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("task", "add", "a secret plan", "--raw")
    monkeypatch.setenv("AURELIUS_ENCRYPTION_KEYS", KEYS)
    run("backup", "--to", str(tmp_path / "sealed.backup"))
    body = (tmp_path / "sealed.backup").read_bytes()
    assert b"a secret plan" not in body and b"SQLite format 3" not in body
    monkeypatch.delenv("AURELIUS_ENCRYPTION_KEYS")
    assert "AURELIUS_ENCRYPTION_KEYS" in run(
        "restore", str(tmp_path / "sealed.backup"), "--yes", ok=False).stderr
    monkeypatch.setenv("AURELIUS_ENCRYPTION_KEYS", KEYS)
    run("task", "add", "not in the backup", "--raw")
    run("restore", str(tmp_path / "sealed.backup"), "--yes")
    assert "not in the backup" not in titles(run) and "a secret plan" in titles(run)


def test_a_damaged_backup_is_refused_and_nothing_changes(run: Run, tmp_path: Path) -> None:
    run("task", "add", "keep me", "--raw")
    path = tmp_path / "damaged.backup"
    run("backup", "--to", str(path))
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF
    path.write_bytes(bytes(data))
    run("task", "add", "me too", "--raw")
    error = run("restore", str(path), "--yes", ok=False).stderr
    assert "checksum does not match" in error and len(error.strip().splitlines()) == 1
    assert "me too" in titles(run)
    path.write_text("not a backup")
    assert "not an Aurelius backup" in run("restore", str(path), "--yes", ok=False).stderr


def test_a_newer_schema_is_refused(run: Run, tmp_path: Path) -> None:
    run("task", "list")
    path = tmp_path / "newer.backup"
    run("backup", "--to", str(path))
    magic, manifest, body = path.read_bytes().split(b"\n", 2)
    fields = json.loads(manifest) | {"schema_revision": "9999"}
    path.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + body)
    assert "newer than this Aurelius" in run("restore", str(path), "--yes", ok=False).stderr


def test_a_failed_restore_leaves_the_current_data(run: Run, tmp_path: Path) -> None:
    """A backup whose checksum holds but whose dump is garbage fails in the staging copy."""
    run("task", "add", "still here", "--raw")
    url = os.environ["AURELIUS_DATABASE_URL"]
    kind = "sqlite" if url.startswith("sqlite") else "postgresql"
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"PGDMP" + os.urandom(5000))
    archive.write(garbage, tmp_path / "bad.backup", revision=HEAD, database=kind,
                  created_at=datetime.now(UTC).isoformat(), ring=None)
    assert run("restore", str(tmp_path / "bad.backup"), "--yes", ok=False).stderr
    assert "still here" in titles(run)


def test_an_older_schema_is_migrated_forward(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{old}")
    upgrade(engine, "0005")
    engine.dispose()
    path, manifest = Backups(_settings(old)).create(tmp_path / "old.backup")
    assert manifest.schema_revision == "0005"
    target = tmp_path / "new.db"
    Backups(_settings(target)).restore(path)
    engine = create_engine(f"sqlite:///{target}")
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_backup_under_concurrent_writes_is_a_consistent_snapshot(tmp_path: Path) -> None:
    live = tmp_path / "live.db"
    engine = make_engine(f"sqlite:///{live}")  # WAL, as Aurelius runs it
    upgrade(engine)
    engine.dispose()
    written, stop = [0], threading.Event()

    def write() -> None:
        connection = sqlite3.connect(live, timeout=10)
        while not stop.is_set():
            with connection:
                connection.execute("INSERT INTO leases (name, holder, expires_at) VALUES "
                                   "(?, 'w', '2030-01-01')", (f"lease {written[0]}",))
            written[0] += 1
        connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        counts = [_leases_in(_restored(live, tmp_path, n), written) for n in range(3)]
    finally:
        stop.set()
        thread.join()
    assert counts == sorted(counts) and counts[-1] > 0


def _leases_in(restored: Path, written: list[int]) -> int:
    connection = sqlite3.connect(restored)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    names = {name for (name,) in connection.execute("SELECT name FROM leases")}
    connection.close()
    assert names == {f"lease {n}" for n in range(len(names))}  # a prefix: nothing torn
    assert len(names) <= written[0]
    return len(names)


def _restored(live: Path, tmp_path: Path, number: int) -> Path:
    path, _ = Backups(_settings(live)).create(tmp_path / f"snap{number}.backup")
    target = tmp_path / f"restored{number}.db"
    Backups(_settings(target)).restore(path)
    return target


def test_daily_backups_are_made_once_a_day_and_pruned(tmp_path: Path) -> None:
    database = tmp_path / "aurelius.db"
    engine = create_engine(f"sqlite:///{database}")
    upgrade(engine)
    engine.dispose()
    day = datetime(2026, 3, 1, 3, tzinfo=UTC)
    clock = [day]
    backups = Backups(_settings(database, backup_keep_daily=2, backup_keep_weekly=1),
                      now=lambda: clock[0])
    for offset in range(5):
        clock[0] = day + timedelta(days=offset)
        assert backups.daily() is not None
        assert backups.daily() is None  # the same day again: nothing to do
    names = [path.name for _, path in backups.scheduled()]
    assert names == ["aurelius-20260304T030000Z.backup", "aurelius-20260305T030000Z.backup"]
    assert all(item.manifest is not None for item in backups.listed())


def test_retention_keeps_the_newest_per_day_and_per_week() -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday; two backups a day until Tue 3 Feb
    stamps = [start + timedelta(hours=12 * n) for n in range(60)]
    kept = retention.keep([(s, s) for s in stamps], daily=7, weekly=4)
    days = sorted(s.strftime("%a %d %b %H") for s in sorted(kept))
    last_week = [f"{d} 12" for d in ("Wed 28 Jan", "Thu 29 Jan", "Fri 30 Jan", "Sat 31 Jan")]
    # the last 7 days (their 12:00), then Sundays 18 and 25 Jan as their ISO weeks' newest
    assert sorted(days) == sorted([*last_week, "Sun 01 Feb 12", "Mon 02 Feb 12",
                                   "Tue 03 Feb 12", "Sun 18 Jan 12", "Sun 25 Jan 12"])


def test_large_bodies_are_sealed_in_chunks_that_cannot_be_reordered(tmp_path: Path) -> None:
    ring = KeyRing(lambda: [("k1", bytes(range(32)))])
    dump = tmp_path / "dump"
    dump.write_bytes(os.urandom(archive.CHUNK * 3 + 12345))
    manifest = archive.write(dump, tmp_path / "big.backup", revision=HEAD, database="sqlite",
                             created_at="now", ring=ring)
    assert manifest.encryption == {"cipher": "AES-256-GCM", "key_id": "k1",
                                   "chunk_bytes": archive.CHUNK}
    archive.extract(tmp_path / "big.backup", tmp_path / "out", ring)
    assert (tmp_path / "out").read_bytes() == dump.read_bytes()
    whole = (tmp_path / "big.backup").read_bytes()
    magic, manifest_line, body = whole.split(b"\n", 2)
    last = _record_starts(body)[-1]
    _rewrite(tmp_path / "cut.backup", magic, manifest_line, body[:last])  # the last chunk gone
    with pytest.raises(Invalid, match="does not decrypt"):
        archive.extract(tmp_path / "cut.backup", tmp_path / "out2", ring)


def _record_starts(body: bytes) -> list[int]:
    starts, at = [], 0
    while at < len(body):
        starts.append(at)
        at += 4 + int.from_bytes(body[at : at + 4], "big")
    return starts


def _rewrite(path: Path, magic: bytes, manifest_line: bytes, body: bytes) -> None:
    """A file whose checksum matches its body, so only the chunks' own seals can tell."""
    import hashlib

    fields = json.loads(manifest_line) | {"sha256": hashlib.sha256(body).hexdigest(),
                                          "size": len(body)}
    path.write_bytes(magic + b"\n" + json.dumps(fields).encode() + b"\n" + body)


def test_postgres_backup_without_the_client_tools_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aurelius.backup import dumps

    monkeypatch.setattr(dumps, "CLIENT_DIRS", tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ConfigError, match=r"pg_dump is not installed.*postgresql-client"):
        dumps.pg_tool("pg_dump")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_restore_drill_passes(backend: str) -> None:
    server = os.environ.get("AURELIUS_TEST_DATABASE_URL")
    if backend == "postgresql" and not server:
        pytest.skip("AURELIUS_TEST_DATABASE_URL is not set")
    args = [server] if backend == "postgresql" else []
    result = subprocess.run(
        ["bash", str(ROOT / "scripts/restore-drill.sh"), *args, "--seed", "50"],
        capture_output=True, text=True, timeout=300, check=False,
        env=os.environ | {"AURELIUS_PYTHON": sys.executable})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "drill: ok" in result.stdout and "MISMATCH" not in result.stdout
    assert "backup:" in result.stdout and "restore:" in result.stdout


def _settings(path: Path, **values: object) -> Settings:
    return Settings(database_url=f"sqlite:///{path}", timezone="UTC", **values)  # type: ignore[arg-type]
