"""Access JWTs: issued for 15 minutes, HS256 pinned, `kid` in the header; `alg: none`, a
wrong key, an expired token, an ended session and a disabled user are all refused. Refresh
tokens rotate on every use, and a reused one ends the whole family."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest
from pydantic import SecretStr

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services
from aurelius.server.sessions import BadSession, session_tokens
from core.services.sessions import RefreshRefused


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_token_carries_the_claims_and_lasts_fifteen_minutes(
    services: Services, clock: FixedClock
) -> None:
    tokens = session_tokens(services)
    issued = tokens.issue(7, "sid-1", "member")
    header = jwt.get_unverified_header(issued.token)
    assert header["alg"] == "HS256" and header["kid"] == services.credentials.vault.newest
    claims = tokens.verify(issued.token)
    assert (claims.user_id, claims.session_id, claims.role) == (7, "sid-1", "member")
    assert claims.expires_at - claims.issued_at == 900 and claims.jti
    assert issued.expires_at == clock.now() + timedelta(minutes=15)
    clock.instant += timedelta(minutes=14, seconds=59)
    tokens.verify(issued.token)
    clock.instant += timedelta(seconds=1)
    with pytest.raises(BadSession, match="expired"):
        tokens.verify(issued.token)


def test_alg_none_a_wrong_key_and_tampering_are_refused(services: Services) -> None:
    tokens = session_tokens(services)
    good = tokens.issue(7, "sid-1", "member").token
    head, body, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    kid = services.credentials.vault.newest
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': kid})}.{_b64(claims)}."
    elevated = f"{head}.{_b64(claims | {'role': 'admin', 'sub': '1'})}.{signature}"
    wrong_key = jwt.encode(claims, "x" * 32, "HS256", headers={"kid": kid})
    unknown_kid = jwt.encode(claims, "x" * 32, "HS256", headers={"kid": "nope"})
    hs512 = jwt.encode(claims, tokens.keys[kid], "HS512", headers={"kid": kid})
    for forged in (unsigned, elevated, wrong_key, unknown_kid, hs512, "garbage", ""):
        with pytest.raises(BadSession):
            tokens.verify(forged)


def test_the_configured_secret_signs_instead_of_the_ring(services: Services) -> None:
    ring = session_tokens(services).issue(7, "sid", "member").token
    services.settings = services.settings.model_copy(
        update={"jwt_secret": SecretStr("s" * 40)})
    tokens = session_tokens(services)
    assert tokens.signing.startswith("s-")
    assert tokens.verify(tokens.issue(7, "sid", "member").token).user_id == 7
    with pytest.raises(BadSession, match="unknown key"):
        tokens.verify(ring)


def test_refresh_rotates_and_reuse_ends_the_family(services: Services) -> None:
    user = services.local_user_id()
    first = services.sessions.open(user, "google", "198.51.100.7")
    second = services.sessions.rotate(first.refresh_token)
    assert second.session_id == first.session_id
    assert second.refresh_token != first.refresh_token
    third = services.sessions.rotate(second.refresh_token)
    with pytest.raises(RefreshRefused, match="sign in again"):
        services.sessions.rotate(first.refresh_token, "203.0.113.9", "req-7")  # stolen copy
    # Everyone holding the family is out: the newest token and the access tokens too.
    with pytest.raises(RefreshRefused):
        services.sessions.rotate(third.refresh_token)
    assert services.sessions.holder(first.session_id, user) is None
    [entry] = [e for e in services.security_log.entries() if e.action == "refresh.reuse"]
    assert (entry.user_id, entry.ip, entry.request_id) == (user, "203.0.113.9", "req-7")
    assert entry.detail == {"session": first.session_id}


def test_refresh_tokens_expire_after_seven_days(services: Services, clock: FixedClock) -> None:
    opened = services.sessions.open(services.local_user_id(), "microsoft")
    clock.instant += timedelta(days=7)
    with pytest.raises(RefreshRefused):
        services.sessions.rotate(opened.refresh_token)
    with pytest.raises(RefreshRefused):
        services.sessions.rotate("rt_unknown")


def test_sign_out_ends_the_family(services: Services) -> None:
    user = services.local_user_id()
    opened = services.sessions.open(user, "google")
    assert services.sessions.close(refresh_token=opened.refresh_token) == user
    assert services.sessions.holder(opened.session_id, user) is None
    with pytest.raises(RefreshRefused):
        services.sessions.rotate(opened.refresh_token)
    assert services.sessions.close(session_id="unknown") is None
