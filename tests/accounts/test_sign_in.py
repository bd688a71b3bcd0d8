"""Signing in through `aurelius serve` with Google and Microsoft (their stand-ins issue
signed id_tokens and publish a JWKS): cookies for browsers, JSON for API clients, the
signup policy at the door, every id_token check, and the security log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aurelius.bootstrap import Services
from tests.accounts.signing_in import Browser, browser
from tests.oauth_stands import PROVIDERS, Stand, each


@pytest.fixture(params=PROVIDERS)
def stand(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stand]:
    yield from each(request, monkeypatch)


@pytest.fixture
def web(services: Services, stand: Stand) -> Browser:
    return browser(services, stand)


def test_a_browser_signs_in_with_cookies_and_the_first_user_is_admin(web: Browser) -> None:
    web.next = {"next": "/whoami"}
    answer = web.sign_in()
    assert answer.status_code == 303 and answer.headers["location"] == "/whoami"
    cookies = {c.split("=", 1)[0]: c.lower() for c in answer.headers.get_list("set-cookie")}
    assert set(cookies) == {"aurelius_access", "aurelius_refresh", "aurelius_csrf"}
    for name in ("aurelius_access", "aurelius_refresh"):
        assert "httponly" in cookies[name] and "secure" in cookies[name]
        assert "samesite=lax" in cookies[name]
    assert "path=/auth/" in cookies["aurelius_refresh"] and "max-age=900" in cookies[
        "aurelius_access"]
    me = web.client.get("/whoami")
    assert me.json() | {"user": 0} == {"user": 0, "role": "admin", "via": "session",
                                       "admin": True}
    [user] = web.services.accounts.users()
    assert (user.email, user.email_verified, user.logins) == (
        "ada@example.com", True, [web.stand.name])
    [entry] = web.services.security_log.entries()
    assert (entry.action, entry.user_id, entry.ip) == ("sign_in", user.id, "testclient")
    assert entry.request_id and entry.detail["provider"] == web.stand.name


def test_an_api_client_gets_json_and_the_callback_works_once(web: Browser) -> None:
    answer = web.sign_in(accept="application/json")
    body = answer.json()
    assert answer.status_code == 200 and "set-cookie" not in answer.headers
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["refresh_expires_in"] == 7 * 86400 and body["refresh_token"].startswith("rt_")
    me = web.client.get("/whoami", headers={"authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["via"] == "session"
    replay = web.client.get(web.last_callback)
    assert replay.status_code == 400 and "already used" in replay.text


def test_a_second_person_is_a_member_and_an_outside_next_is_ignored(web: Browser) -> None:
    web.sign_in()
    web.stand.state.account.id, web.stand.state.account.email = "other-sub", "bob@example.com"
    web.next = {"next": "//evil.example/steal"}
    answer = web.sign_in()
    assert answer.status_code == 200 and "Signed in" in answer.text
    assert web.client.get("/whoami").json()["role"] == "member"


def test_invite_only_refuses_strangers_and_logs_the_failure(services: Services,
                                                           stand: Stand) -> None:
    web = browser(services, stand, signup="invite")
    refused = web.sign_in()
    assert refused.status_code == 403 and "aurelius admin invite ada@example.com" in refused.text
    assert "set-cookie" not in refused.headers
    [entry] = services.security_log.entries()
    assert entry.action == "sign_in.failed" and entry.detail["provider"] == stand.name
    assert services.accounts.users() == []
    services.accounts.invite(services.local_user_id(), "ada@example.com")
    assert web.sign_in().status_code == 200
    assert web.client.get("/whoami").json()["role"] == "member"  # the OS user is the admin


def test_an_unverified_email_does_not_sign_up(web: Browser) -> None:
    web.stand.state.account.email_verified = False
    answer = web.sign_in()
    assert answer.status_code == 403 and "did not confirm your email" in answer.text
    assert web.services.accounts.users() == []


@pytest.mark.parametrize("flaw", ["wrong_key", "audience", "issuer", "expired", "nonce"])
def test_an_id_token_that_does_not_verify_signs_nobody_in(web: Browser, flaw: str) -> None:
    web.stand.state.id_tokens.flaw = flaw
    answer = web.sign_in()
    assert answer.status_code == 400 and "did not verify" in answer.text
    assert "set-cookie" not in answer.headers and web.services.accounts.users() == []
    assert web.services.security_log.entries()[0].action == "sign_in.failed"


def test_without_an_id_token_userinfo_says_who_it_is(web: Browser) -> None:
    web.stand.state.id_tokens.flaw = "omit"
    answer = web.sign_in()
    if web.stand.name == "google":  # Google's userinfo says email_verified
        assert answer.status_code == 200
        assert [u.email for u in web.services.accounts.users()] == ["ada@example.com"]
    else:  # Graph's /me does not vouch for the address: no new account from it
        assert answer.status_code == 403 and "did not confirm" in answer.text


def test_a_denied_consent_and_a_forged_state_are_one_line(web: Browser) -> None:
    web.stand.state.deny = True
    assert "did not sign you in (access_denied)" in web.sign_in().text
    forged = web.client.get(f"/auth/{web.stand.name}/callback?state=x.y&code=z")
    assert forged.status_code == 400 and "not started by Aurelius" in forged.text
    assert web.client.get("/auth/yahoo/login").status_code == 404
