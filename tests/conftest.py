"""Shared fixtures: every database test runs on SQLite and, when configured, on PostgreSQL.

Set AURELIUS_TEST_DATABASE_URL (scripts/test.sh does) to add the PostgreSQL run; schemas
always come from the Alembic migrations.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
from tests.stubs.radicale import radicale  # noqa: F401  (a session fixture for CalDAV tests)


def _per_worker_services() -> str | None:
    """Under pytest-xdist every worker gets its own PostgreSQL database and Redis db number.

    Runs at import, before any test module reads the AURELIUS_TEST_* variables; returns the
    URL of the database that was configured (where each worker's own database is created).
    """
    configured = os.environ.get("AURELIUS_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return configured
    index = int(worker.removeprefix("gw"))
    if configured:
        os.environ["AURELIUS_TEST_DATABASE_URL"] = f"{configured}_{worker}"
    redis_url = os.environ.get("AURELIUS_TEST_REDIS_URL")
    if redis_url:
        prefix, _, number = redis_url.rpartition("/")
        database = (int(number or 0) + 8 + index) % 16  # clear of the unsharded run's db
        os.environ["AURELIUS_TEST_REDIS_URL"] = f"{prefix}/{database}"
    return configured


CONFIGURED_POSTGRES_URL = _per_worker_services()
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
    # Every `aurelius` a test spawns gets this test's own warm server, stopped afterwards. The
    # dir is short: a unix socket's path may not exceed 107 bytes, and pytest's tmp paths can.
    runtime = Path(tempfile.mkdtemp(prefix="aur-run-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    yield home
    if (runtime / "aurelius").exists():
        _stop_warm_servers()
    shutil.rmtree(runtime, ignore_errors=True)


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
    if POSTGRES_URL != CONFIGURED_POSTGRES_URL:
        _create_database(str(CONFIGURED_POSTGRES_URL), POSTGRES_URL.rpartition("/")[2])
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()
    return POSTGRES_URL


def _create_database(server_url: str, name: str) -> None:
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


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
