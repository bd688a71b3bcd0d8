"""Sessions through `aurelius serve`: refresh rotation and reuse detection over HTTP, the
double-submit CSRF check on cookie writes, sign-out, and the 401s of a forged, expired or
disabled user's access token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import jwt
import pytest

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services
from tests.accounts.signing_in import Browser, browser
from tests.oauth_stands import stand


@pytest.fixture
def web(services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    with stand("google", monkeypatch) as found:
        yield browser(services, found)


def _tokens(web: Browser) -> dict[str, str]:
    body: dict[str, str] = web.sign_in(accept="application/json").json()  # type: ignore[attr-defined]
    return body


def _me(web: Browser, token: str) -> int:
    return web.client.get("/whoami", headers={"authorization": f"Bearer {token}"}).status_code


def test_refresh_rotates_and_a_reused_token_ends_the_family(web: Browser) -> None:
    first = _tokens(web)
    second = web.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    fresh = second.json()
    assert fresh["refresh_token"] != first["refresh_token"] and _me(web, fresh["access_token"]
                                                                   ) == 200
    stolen = web.client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]},
                             headers={"x-request-id": "req-reuse-1"})
    assert stolen.status_code == 401 and stolen.json()["detail"].endswith("sign in again.")
    assert stolen.headers["content-type"] == "application/problem+json"
    # The whole family is gone: the newest refresh token and the live access token too.
    assert web.client.post("/auth/refresh", json={"refresh_token": fresh["refresh_token"]}
                           ).status_code == 401
    assert _me(web, fresh["access_token"]) == 401
    entry = web.services.security_log.entries()[0]
    assert (entry.action, entry.request_id, entry.ip) == ("refresh.reuse", "req-reuse-1",
                                                          "testclient")
    assert "rt_" not in str(entry.to_json())


def test_cookie_writes_need_the_csrf_header(web: Browser) -> None:
    web.sign_in()
    csrf = web.client.cookies["aurelius_csrf"]
    assert web.client.get("/whoami").status_code == 200  # reads need no proof
    refused = web.client.post("/whoami")
    assert refused.status_code == 401 and "X-CSRF-Token" in refused.json()["error"]
    assert web.client.post("/whoami", headers={"x-csrf-token": "guess"}).status_code == 401
    assert web.client.post("/whoami", headers={"x-csrf-token": csrf}).status_code == 200
    assert web.client.post("/auth/refresh").status_code == 403
    old_access = web.client.cookies["aurelius_access"]
    renewed = web.client.post("/auth/refresh", headers={"x-csrf-token": csrf})
    assert renewed.status_code == 200 and "refresh_token" not in renewed.json()
    assert web.client.cookies["aurelius_access"] != old_access
    assert web.client.post("/auth/logout").status_code == 403
    out = web.client.post("/auth/logout", headers={"x-csrf-token": csrf})
    assert out.json() == {"signed_out": True} and "aurelius_access" not in web.client.cookies
    assert web.services.security_log.entries()[0].action == "sign_out"


def test_sign_out_with_the_access_token_ends_the_session(web: Browser) -> None:
    tokens = _tokens(web)
    bearer = {"authorization": f"Bearer {tokens['access_token']}"}
    assert web.client.post("/auth/logout", headers=bearer).json() == {"signed_out": True}
    assert _me(web, tokens["access_token"]) == 401
    assert web.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
                           ).status_code == 401


def test_forged_expired_and_disabled_access_tokens_get_401(
    web: Browser, clock: FixedClock, services: Services
) -> None:
    tokens = _tokens(web)
    access = tokens["access_token"]
    claims = jwt.decode(access, options={"verify_signature": False})
    kid = jwt.get_unverified_header(access)["kid"]
    unsigned = jwt.encode(claims | {"role": "admin"}, None, "none", headers={"kid": kid})
    wrong_key = jwt.encode(claims, "k" * 32, "HS256", headers={"kid": kid})
    for forged in (unsigned, wrong_key, access[:-3] + "abc"):
        assert _me(web, forged) == 401
    assert _me(web, access) == 200
    clock.instant += timedelta(minutes=15)
    expired = web.client.get("/whoami", headers={"authorization": f"Bearer {access}"})
    assert expired.status_code == 401 and "expired" in expired.json()["error"]
    fresh = web.client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert _me(web, fresh.json()["access_token"]) == 200
    bob = services.accounts.sign_in("google", "bob", "bob@example.com", True, "Bob")
    services.accounts.set_role(claims_user(claims), bob, "admin")
    services.accounts.disable(bob, claims_user(claims))
    assert _me(web, fresh.json()["access_token"]) == 401


def claims_user(claims: dict[str, object]) -> int:
    return int(str(claims["sub"]))

