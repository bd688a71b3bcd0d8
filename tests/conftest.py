"""Shared fixtures: every database test runs on SQLite and, when configured, on PostgreSQL.

Set AURELIUS_TEST_DATABASE_URL (scripts/test.sh does) to add the PostgreSQL run; schemas
always come from the Alembic migrations.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services, build_services
from aurelius.migrate import upgrade
from aurelius.settings import Settings
from core.timeutil import localize

POSTGRES_URL = os.environ.get("AURELIUS_TEST_DATABASE_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
ZONE = "Europe/Berlin"
# Tue 10 Mar 2026, 09:00 in Berlin: a fixed "now" shared by the service and CLI tests.
NOW = localize(datetime(2026, 3, 10, 9, 0), ZONE)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No test reads or writes the real config or data dir, or inherits AURELIUS_* values."""
    for name in list(os.environ):
        if name.startswith("AURELIUS_") and not name.startswith("AURELIUS_TEST_"):
            monkeypatch.delenv(name)
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "TZ"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    monkeypatch.setenv("AURELIUS_HOME", str(home))
    # Every `aurelius` a test spawns gets this test's own warm server, stopped afterwards.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    yield home
    if (tmp_path / "run").exists():
        _stop_warm_servers()


def _stop_warm_servers() -> None:
    """Stop the test's warm server; kill it and its children if one of them hangs."""
    import contextlib
    import signal

    from aurelius.warm.control import stop

    server = stop(wait=10.0)
    tree = Path(f"/proc/{server}/task/{server}/children")
    if server and tree.exists():
        for pid in [*map(int, tree.read_text().split()), server]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test gets a copy (migrating per test is slow)."""
    path = tmp_path_factory.mktemp("template") / "aurelius.db"
    engine = create_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    if not POSTGRES_URL:
        pytest.skip("AURELIUS_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return POSTGRES_URL


def _truncate_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "aurelius.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_migrated")
    _truncate_postgres(url)
    return url


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def services(database_url: str, clock: FixedClock) -> Iterator[Services]:
    built = build_services(Settings(database_url=database_url, timezone=ZONE), clock=clock)
    yield built
    built.close()


@pytest.fixture
def user_id(services: Services) -> int:
    return services.local_user_id()
