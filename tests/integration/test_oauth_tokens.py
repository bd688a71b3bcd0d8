"""Signing in and keeping tokens fresh against the identity stand-ins: PKCE, refresh ahead of
expiry, Microsoft's refresh-token rotation, and a revoked grant ending in `needs_reauth`
with one notification."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aurelius.adapters.clock import FixedClock
from aurelius.adapters.oauth.flow import SignIn
from aurelius.adapters.oauth.tokens import OAuthTokens
from aurelius.bootstrap import Services
from core.errors import AuthExpired, Invalid, ProviderUnavailable
from core.models import Connection, Delivery
from core.services.oauth_states import OAuthStates
from tests.oauth_stands import PROVIDERS, Stand, consent, each, query

REDIRECT = "http://127.0.0.1:9/"


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    yield from each(request, monkeypatch)


@pytest.fixture
def linked(provider: Stand, services: Services) -> Services:
    """Services built after the stand-in's settings are in the environment."""
    return services


def sign_in(services: Services, name: str, **options: object) -> int:
    flow = SignIn(services, name, **options)  # type: ignore[arg-type]
    url = flow.start(services.local_user_id(), REDIRECT, "cli")
    return flow.finish("cli", query(consent(url))).connection_id


def test_the_code_is_swapped_with_the_pkce_verifier(linked: Services, provider: Stand) -> None:
    connection_id = sign_in(linked, provider.name)
    form = provider.state.requests[0]
    assert form["grant_type"] == "authorization_code" and len(form["code_verifier"]) >= 43
    view = linked.connections.list(linked.local_user_id())[0]
    assert (view.id, view.account, view.status) == (connection_id, "ada@example.com", "active")
    with linked.db.transaction() as session:
        assert session.get(Connection, connection_id).scopes  # type: ignore[union-attr]


def test_a_wrong_verifier_is_refused_and_nothing_is_linked(
    linked: Services, provider: Stand
) -> None:
    flow = SignIn(linked, provider.name)
    url = flow.start(linked.local_user_id(), REDIRECT, "cli")
    back = query(consent(url))
    next(iter(provider.state.codes.values())).challenge = "not-the-challenge"
    with pytest.raises(Invalid, match=r"refused the sign-in \(invalid_grant\)"):
        flow.finish("cli", back)
    assert linked.connections.list(linked.local_user_id()) == []


def test_tokens_refresh_ahead_of_expiry_and_rotation_is_kept(
    linked: Services, provider: Stand, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = OAuthTokens(linked, sign_in(linked, provider.name))
    first = tokens.token()
    assert first in provider.state.issued and provider.stub.count("POST", "token") == 1
    clock.instant += timedelta(minutes=56)  # within five minutes of the hour's expiry
    second = tokens.token()
    assert second != first and second in provider.state.issued
    clock.instant += timedelta(minutes=56)
    third = tokens.refreshed()  # the rotated refresh token (Microsoft) was stored
    assert third not in (first, second) and provider.stub.count("POST", "token") == 3
    assert len(provider.state.refresh_tokens) == 1
    secrets = [*provider.state.issued, *provider.state.refresh_tokens,
               *(form.get("refresh_token", "") for form in provider.state.requests)]
    assert caplog.records and not [s for s in secrets if s and s in caplog.text]


def test_a_revoked_grant_needs_reauth_and_is_told_once(
    linked: Services, provider: Stand, clock: FixedClock
) -> None:
    connection_id = sign_in(linked, provider.name)
    provider.state.revoke_everything()
    for _ in range(2):
        with pytest.raises(AuthExpired, match=f"reconnect with `aurelius connect {provider.name}`"):
            OAuthTokens(linked, connection_id).refreshed()
    assert provider.stub.count("POST", "token") == 2  # the lapse is not asked about twice
    view = linked.connections.list(linked.local_user_id())[0]
    assert view.status == "needs_reauth" and "invalid_grant" in (view.last_error or "")
    with linked.db.transaction() as session:
        notes = session.scalars(select(Delivery).where(Delivery.kind == "reauth")).all()
        assert len(notes) == 1
        assert f"aurelius connect {provider.name}" in notes[0].payload["body"]
    sent = linked.deliveries.send_batch(linked.deliveries.ready())
    assert list(sent.values()) == ["sent"]


def test_token_endpoint_outages_are_retried_as_retry_after_says(
    linked: Services, provider: Stand
) -> None:
    waits: list[float] = []
    provider.stub.fault("token", 429, headers={"Retry-After": "3"})
    provider.stub.fault("token", 503)
    sign_in(linked, provider.name, sleep=waits.append)
    assert waits == [3.0, 2.0]
    provider.stub.fault("token", 500, times=10)
    with pytest.raises(ProviderUnavailable, match=r"sign-in failed \(HTTP 500\)"):
        sign_in(linked, provider.name, sleep=waits.append)
    assert len(linked.connections.list(linked.local_user_id())) == 1


def test_states_are_signed_bound_expiring_and_single_use(
    linked: Services, provider: Stand, clock: FixedClock
) -> None:
    user = linked.local_user_id()
    states = OAuthStates(linked.db, linked.credentials.vault, clock)
    state = states.issue(user, provider.name, "cli", REDIRECT, "verifier")
    nonce, _, signature = state.partition(".")
    forged = f"{nonce}.{signature[:-2]}AA"
    for bad in (forged, "nonsense", f"{nonce}"):
        with pytest.raises(Invalid, match="not started by Aurelius"):
            states.redeem(bad, provider.name, "cli")
    with pytest.raises(Invalid, match="not started by Aurelius"):
        states.redeem(state, provider.name, "web")  # bound to its flow
    assert states.redeem(state, provider.name, "cli").verifier == "verifier"
    with pytest.raises(Invalid, match="already used"):
        states.redeem(state, provider.name, "cli")
    late = states.issue(user, provider.name, "cli", REDIRECT)
    clock.instant += timedelta(minutes=10, seconds=1)
    with pytest.raises(Invalid, match="expired"):
        states.redeem(late, provider.name, "cli")
    with linked.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0


def test_two_workers_refresh_once(linked: Services, provider: Stand, clock: FixedClock) -> None:
    """The second waits for the first's refresh and uses its token: a rotated refresh token
    is never spent twice."""
    from concurrent.futures import ThreadPoolExecutor

    connection_id = sign_in(linked, provider.name)
    clock.instant += timedelta(hours=2)
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda _: OAuthTokens(linked, connection_id).token(), range(2)))
    assert got[0] == got[1] and provider.stub.count("POST", "token") == 2
