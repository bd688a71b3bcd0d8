"""Fixtures' building blocks for sign-in tests: the Google and Microsoft identity stand-ins
(with their calendar APIs) on one loopback server each, and a browser that follows a
consent link."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.stubs import google_calendar, google_identity, microsoft_graph, microsoft_identity
from tests.stubs.google_calendar_state import GoogleCalendarState
from tests.stubs.microsoft_graph import GraphState
from tests.stubs.oauth_identity import IdentityState
from tests.stubs.provider import ProviderStub

LABELS = {"google": "Google", "microsoft": "Microsoft"}
PROVIDERS = list(LABELS)


@dataclass
class Stand:
    name: str
    stub: ProviderStub
    state: IdentityState

    @property
    def label(self) -> str:
        return LABELS[self.name]

    def settings(self) -> dict[str, str]:
        """The settings that point Aurelius at this stand-in."""
        key = self.name.upper()
        return {
            f"AURELIUS_{key}_BASE_URL": self.stub.url,
            f"AURELIUS_{key}_CLIENT_ID": self.state.client_id,
            f"AURELIUS_{key}_CLIENT_SECRET": self.state.client_secret,
        }


@contextmanager
def stand(name: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    stub = ProviderStub()
    state: IdentityState
    # The calendar API on the same server accepts exactly the tokens the sign-in issued.
    if name == "google":
        calendars = GoogleCalendarState()
        calendars.add_calendar("primary-id", "Ada", primary=True)
        state = google_identity.GoogleIdentityState(issued=calendars.tokens)
        google_identity.install(stub, state)
        google_calendar.install(stub, calendars)
    else:
        graph = GraphState()
        graph.add_calendar("Calendar", default=True)
        state = microsoft_identity.MicrosoftIdentityState(issued=graph.tokens)
        microsoft_identity.install(stub, state)
        microsoft_graph.install(stub, graph)
    stub.start()
    found = Stand(name, stub, state)
    for key, value in found.settings().items():
        monkeypatch.setenv(key, value)
    try:
        yield found
    finally:
        stub.stop()


def each(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    """The body of a fixture parametrized over `PROVIDERS`: each stand-in in turn."""
    with stand(request.param, monkeypatch) as found:
        yield found


def consent(url: str) -> str:
    """Play the browser on the consent page: where the provider sends it back."""
    answer = httpx.get(url, follow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
