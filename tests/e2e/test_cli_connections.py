"""`aurelius connect google|microsoft`, `connections`, `disconnect` and `keys`, as a person runs
them: the installed command prints the consent link, the test plays the browser (follows the
link to the stand-in, which sends it back to the command's loopback port)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from aurelius.adapters.clock import FixedClock
from aurelius.adapters.vault import key_ring
from aurelius.settings import load_settings
from core.db import Database
from core.services.oauth_states import OAuthStates
from tests.conftest import NOW
from tests.e2e.conftest import Run, as_json
from tests.oauth_stands import PROVIDERS, Stand, consent, each, query, stand

PREFIX = "Open this link to connect {}: "


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    yield from each(request, monkeypatch)


@pytest.fixture
def google(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    """For what does not depend on the provider: one is enough (each run costs seconds)."""
    with stand("google", monkeypatch) as found:
        yield found


@pytest.fixture(autouse=True)
def ada(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's user is the OS login: Ada, unless a test switches to Bob."""
    monkeypatch.setenv("LOGNAME", "ada")


class Connecting:
    """`aurelius connect NAME --no-browser` running, its link read."""

    def __init__(self, name: str, label: str, login: str | None = None) -> None:
        executable = shutil.which("aurelius", path=str(Path(sys.executable).parent))
        assert executable
        self.process = subprocess.Popen(
            [executable, "connect", name, "--no-browser"], stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
            env={**os.environ, "LOGNAME": login or os.environ["LOGNAME"]},
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line.startswith(PREFIX.format(label)), line + self.process.stderr.read()
        self.url = line.removeprefix(PREFIX.format(label)).strip()
        self.redirect_uri = query(self.url)["redirect_uri"]

    def answer(self, back: str) -> tuple[int, str, str]:
        httpx.get(back, timeout=10)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err

    def finish(self) -> tuple[int, str, str]:
        return self.answer(consent(self.url))


def test_connect_links_the_account_and_secrets_stay_sealed(
    run: Run, provider: Stand, database_url: str
) -> None:
    code, out, err = Connecting(provider.name, provider.label).finish()
    assert code == 0, err
    assert re.fullmatch(rf"Connected {provider.label} account ada@example.com \(#1\); "
                        r"\d+ calendars\.", out.splitlines()[-1])
    assert provider.state.requests[0]["code_verifier"]  # PKCE, verified by the stand-in
    assert out.splitlines()[-2].startswith("Connection #1: ")  # the first sync's outcome
    [listed] = as_json(run("connections", "--json"))  # type: ignore[misc]
    # What the first sync found (calendars, last_sync, last_error) is the sync's to test.
    assert {k: listed[k] for k in ("id", "provider", "account", "status", "pending_writes")} == {
        "id": 1, "provider": provider.name, "account": "ada@example.com", "status": "active",
        "pending_writes": 0}
    assert set(listed) == {"id", "provider", "account", "status", "calendars", "last_sync",
                           "last_error", "pending_writes", "mail"}
    secrets = [*provider.state.issued, *provider.state.refresh_tokens,
               provider.state.client_secret]
    shown = run("connections").stdout + run("config", "show").stdout + out + err
    assert not [s for s in secrets if s in shown]
    assert not [s for s in secrets if s in _dump(database_url)]


def _dump(database_url: str) -> str:
    """Every value of every table, as text (the SQLite file's bytes too)."""
    if database_url.startswith("sqlite"):
        raw = Path(database_url.removeprefix("sqlite:///")).read_bytes()
        return raw.decode("latin-1")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        found = " ".join(str(row) for t in tables
                         for row in connection.execute(text(f'SELECT * FROM "{t}"')))
    engine.dispose()
    return found


def test_denied_consent_saves_nothing(run: Run, provider: Stand) -> None:
    provider.state.deny = True
    code, _, err = Connecting(provider.name, provider.label).finish()
    assert (code, err.strip()) == (
        1, f"Error: {provider.label} consent was denied in the browser; nothing was connected."
    )
    assert as_json(run("connections", "--json")) == []


def test_a_token_endpoint_outage_saves_nothing(run: Run, provider: Stand) -> None:
    provider.stub.fault("token", 500, times=10, headers={"Retry-After": "0"})
    code, _, err = Connecting(provider.name, provider.label).finish()
    assert code == 1 and err.strip() == (
        f"Error: {provider.label} sign-in failed (HTTP 500); nothing was connected. "
        "Try again later."
    )
    assert provider.stub.count("POST", "token") == 4  # retried, then given up
    assert as_json(run("connections", "--json")) == []


def test_forged_reused_and_expired_states_are_refused(
    run: Run, provider: Stand, database_url: str
) -> None:
    forged = Connecting(provider.name, provider.label)
    code, _, err = forged.answer(f"{forged.redirect_uri}?code=abc&state=made-up.AAAA")
    assert code == 1 and "not started by Aurelius" in err and "Traceback" not in err
    first = Connecting(provider.name, provider.label)
    back = consent(first.url)
    assert first.answer(back)[0] == 0
    again = Connecting(provider.name, provider.label)
    code, _, err = again.answer(f"{again.redirect_uri}?{back.partition('?')[2]}")
    assert (code, err.strip()) == (
        1, "Error: That sign-in link was already used; start again for a new one."
    )
    late = Connecting(provider.name, provider.label)
    old = _expired_state(database_url, provider.name, late.redirect_uri)
    code, _, err = late.answer(f"{late.redirect_uri}?code=abc&state={old}")
    assert code == 1 and "expired" in err
    assert len(as_json(run("connections", "--json"))) == 1  # type: ignore[arg-type]


def _expired_state(database_url: str, name: str, redirect_uri: str) -> str:
    """A genuine state issued eleven minutes before the command's clock."""
    db = Database(create_engine(database_url))
    clock = FixedClock(NOW - timedelta(minutes=11))
    with db.transaction() as session:
        user_id = session.execute(text("SELECT id FROM users")).scalars().first()
    state = OAuthStates(db, key_ring(load_settings()), clock).issue(
        int(user_id), name, "cli", redirect_uri, "verifier")
    db.dispose()
    return state


def test_ctrl_c_cancels_cleanly(run: Run, google: Stand) -> None:
    waiting = Connecting(google.name, google.label)
    waiting.process.send_signal(signal.SIGINT)
    _, err = waiting.process.communicate(timeout=30)
    assert waiting.process.returncode in (1, 130)
    assert err.strip() == f"Error: Cancelled: no {google.label} account was connected."
    assert as_json(run("connections", "--json")) == []


def test_disconnect_asks_revokes_and_deletes(run: Run, provider: Stand) -> None:
    assert Connecting(provider.name, provider.label).finish()[0] == 0
    refused = run("disconnect", "1", input="n\n", ok=False)
    assert "Nothing was disconnected." in refused.stderr
    assert len(as_json(run("connections", "--json"))) == 1  # type: ignore[arg-type]
    done = run("disconnect", "1", "--yes").stdout
    assert done.startswith("Disconnected ada@example.com (#1).")
    if provider.name == "google":
        assert provider.stub.count("POST", "/revoke") == 1 and not provider.state.refresh_tokens
        assert "Google revoked Aurelius's access." in done
    else:
        assert "myapps.microsoft.com" in done
    assert as_json(run("connections", "--json")) == []
    missing = run("disconnect", "1", "--yes", ok=False)
    assert missing.stderr.strip() == "Error: No connection #1. See `aurelius connections`."


def test_two_people_never_see_each_others_connections(run: Run, google: Stand,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert Connecting(google.name, google.label, "ada").finish()[0] == 0
    google.state.account = type(google.state.account)("2222", "bob@example.com")
    assert Connecting(google.name, google.label, "bob").finish()[0] == 0
    monkeypatch.setenv("LOGNAME", "bob")
    assert [c["account"] for c in as_json(run("connections", "--json"))] == [  # type: ignore[union-attr, index]
        "bob@example.com"
    ]
    refused = run("disconnect", "1", "--yes", ok=False)
    assert "No connection #1" in refused.stderr
    monkeypatch.setenv("LOGNAME", "ada")
    assert [c["account"] for c in as_json(run("connections", "--json"))] == [  # type: ignore[union-attr, index]
        "ada@example.com"
    ]


def test_keys_new_and_rotate(run: Run, google: Stand, monkeypatch: pytest.MonkeyPatch) -> None:
    first = run("keys", "new").stdout.strip()
    monkeypatch.setenv("AURELIUS_ENCRYPTION_KEYS", first)
    assert Connecting(google.name, google.label).finish()[0] == 0
    second = run("keys", "new").stdout.strip()
    assert second != first and len(second.partition(":")[2]) == 44
    monkeypatch.setenv("AURELIUS_ENCRYPTION_KEYS", f"{second},{first}")
    kid = second.partition(":")[0]
    assert run("keys", "rotate").stdout.strip() == f"Re-sealed 1 secrets with key {kid}."
    monkeypatch.setenv("AURELIUS_ENCRYPTION_KEYS", second)  # the old key can go now
    monkeypatch.delenv("AURELIUS_GOOGLE_CLIENT_ID")  # and even without the client...
    gone = run("disconnect", "1", "--yes").stdout
    assert gone.startswith("Disconnected ada@example.com") and "could not be told" in gone


def test_an_unconfigured_or_unknown_provider_is_one_line(run: Run) -> None:
    missing = run("connect", "google", "--no-browser", ok=False)
    assert missing.stderr.startswith("Error: AURELIUS_GOOGLE_CLIENT_ID is not set: create")
    assert len(missing.stderr.strip().splitlines()) == 1 and not missing.stdout
    unknown = run("connect", "yahoo", ok=False)
    assert unknown.exit_code == 2 and "yahoo" in unknown.stderr
