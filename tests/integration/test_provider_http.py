"""Provider calls: a 401 refreshes the token once, 429/5xx back off as `Retry-After` says."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from aurelius.adapters.provider_http import ProviderHttp
from core.errors import AuthExpired, ProviderUnavailable
from tests.stubs.provider import ProviderStub, Response


class Tokens:
    def __init__(self) -> None:
        self.current, self.refreshes = "t1", 0

    def token(self) -> str:
        return self.current

    def refreshed(self) -> str:
        self.refreshes += 1
        self.current = f"t{self.refreshes + 1}"
        return self.current


@pytest.fixture
def stub() -> Iterator[ProviderStub]:
    server = ProviderStub()
    server.route("GET", "/thing", lambda r: Response(payload={"token": r.bearer}))
    server.start()
    yield server
    server.stop()


def _http(tokens: Tokens, waits: list[float]) -> ProviderHttp:
    return ProviderHttp(httpx.Client(), tokens, "Google", sleep=waits.append)


def test_429_and_503_are_retried_after_the_wait_the_provider_asks(stub: ProviderStub) -> None:
    stub.fault("/thing", 429, headers={"Retry-After": "3"})
    stub.fault("/thing", 503)
    waits: list[float] = []
    http = _http(Tokens(), waits)
    assert http.call("GET", f"{stub.url}/thing").json() == {"token": "t1"}
    assert waits == [3.0, 2.0] and http.requests == 3


def test_a_refused_token_is_refreshed_once(stub: ProviderStub) -> None:
    tokens = Tokens()
    stub.fault("/thing", 401)
    assert _http(tokens, []).call("GET", f"{stub.url}/thing").json() == {"token": "t2"}
    stub.fault("/thing", 401, times=2)
    with pytest.raises(AuthExpired, match="Google refused"):
        _http(tokens, []).call("GET", f"{stub.url}/thing")


def test_an_outage_ends_in_one_line_without_the_url(stub: ProviderStub) -> None:
    stub.fault("/thing", 500, times=10)
    with pytest.raises(ProviderUnavailable, match=r"^Google answered HTTP 500") as caught:
        _http(Tokens(), []).call("GET", f"{stub.url}/thing?access_token=secret")
    assert "secret" not in str(caught.value)
    with pytest.raises(ProviderUnavailable, match="could not be reached"):
        _http(Tokens(), []).call("GET", "http://127.0.0.1:9/thing")
