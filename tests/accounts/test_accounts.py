"""The signup policies, the first user as admin, linking by verified email only, roles and
disabling, and the security log, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from aurelius.bootstrap import Services
from core.errors import ConfigError, Conflict, PermissionDenied
from core.services.accounts import Accounts


def accounts(services: Services, signup: str) -> Accounts:
    return Accounts(services.db, services.clock, signup)


def test_invite_is_the_default_and_lets_in_only_invited_addresses(services: Services) -> None:
    admin = services.local_user_id()
    policy = services.accounts
    assert policy.signup == "invite"
    with pytest.raises(PermissionDenied, match=r"aurelius admin invite bob@example\.com"):
        policy.sign_in("google", "g-bob", "bob@example.com", True, "Bob")
    invited = policy.invite(admin, "Bob@Example.com")
    assert invited.email == "bob@example.com" and invited.logins == []
    bob = policy.sign_in("google", "g-bob", "BOB@example.com", True, "Bob")
    assert bob == invited.id
    view = policy.find("bob@example.com")
    assert view.email_verified and view.logins == ["google"] and view.role == "member"
    assert view.last_sign_in == services.clock.now()


def test_open_signup_makes_the_first_user_admin_and_links_by_verified_email(
    services: Services,
) -> None:
    policy = accounts(services, "open")
    ada = policy.sign_in("google", "g-1", "ada@example.com", True, "Ada")
    bob = policy.sign_in("google", "g-2", "bob@example.com", True, "Bob")
    assert [(u.id, u.role) for u in policy.users()] == [(ada, "admin"), (bob, "member")]
    # Microsoft says the same verified address: the same person, a second login.
    assert policy.sign_in("microsoft", "m-1", "ada@example.com", True, "Ada L") == ada
    assert policy.find(str(ada)).logins == ["google", "microsoft"]
    # The same subject signs in again whatever its email says now.
    assert policy.sign_in("google", "g-1", "other@example.com", False, "Ada") == ada


def test_an_unverified_email_never_links_or_creates(services: Services) -> None:
    policy = accounts(services, "open")
    ada = policy.sign_in("google", "g-1", "ada@example.com", True, "Ada")
    with pytest.raises(PermissionDenied, match="did not confirm your email"):
        policy.sign_in("microsoft", "m-evil", "ada@example.com", False, "Mallory")
    with pytest.raises(PermissionDenied, match="did not confirm"):
        policy.sign_in("microsoft", "m-new", "new@example.com", False, "New")
    assert [u.id for u in policy.users()] == [ada]
    assert policy.find(str(ada)).logins == ["google"]


def test_domain_signup_accepts_only_that_domain(services: Services) -> None:
    policy = accounts(services, "domain:example.com")
    assert policy.sign_in("google", "g-1", "ada@example.com", True, "Ada")
    with pytest.raises(PermissionDenied, match=r"Only addresses at example\.com"):
        policy.sign_in("google", "g-2", "eve@example.com.evil.org", True, "Eve")
    with pytest.raises(PermissionDenied):
        policy.sign_in("google", "g-3", "eve@sub.example.com", True, "Eve")


@pytest.mark.parametrize("bad", ["closed", "domain:", "domain:localhost", "open:x"])
def test_a_bad_signup_policy_is_a_config_error(services: Services, bad: str) -> None:
    with pytest.raises(ConfigError, match="AURELIUS_SIGNUP must be"):
        accounts(services, bad)


def test_roles_and_disabling_need_an_admin_and_keep_one(services: Services) -> None:
    policy = accounts(services, "open")
    admin = services.local_user_id()  # the OS user: the first user
    bob = policy.sign_in("google", "g-2", "bob@example.com", True, "Bob")
    with pytest.raises(PermissionDenied, match="Only an admin"):
        policy.set_role(bob, bob, "admin")
    with pytest.raises(Conflict, match="no admin"):
        policy.set_role(admin, admin, "member")
    assert policy.set_role(admin, bob, "admin").role == "admin"
    assert policy.disable(bob, admin).disabled
    with pytest.raises(PermissionDenied, match="Only an admin"):  # a disabled admin is none
        policy.set_role(admin, admin, "admin")
    with pytest.raises(Conflict, match="no admin"):
        policy.disable(bob, bob)


def test_disabling_ends_the_users_sessions(services: Services) -> None:
    policy = accounts(services, "open")
    admin = services.local_user_id()
    bob = policy.sign_in("google", "g-2", "bob@example.com", True, "Bob")
    opened = services.sessions.open(bob, "google")
    assert services.sessions.holder(opened.session_id, bob) == "member"
    policy.disable(admin, bob)
    assert services.sessions.holder(opened.session_id, bob) is None
    with pytest.raises(PermissionDenied, match="disabled"):
        policy.sign_in("google", "g-2", "bob@example.com", True, "Bob")


def test_the_security_log_keeps_facts_and_never_secrets(services: Services) -> None:
    admin = services.local_user_id()
    services.security_log.record("token.created", actor_id=admin, user_id=admin,
                                 ip="203.0.113.5", request_id="req-1",
                                 detail={"token": "aur_secret", "name": "phone", "id": 3})
    services.security_log.record("sign_in", user_id=admin)
    newest, older = services.security_log.entries()
    assert newest.action == "sign_in" and older.action == "token.created"
    assert (older.actor_id, older.ip, older.request_id) == (admin, "203.0.113.5", "req-1")
    assert older.detail == {"token": "***", "name": "phone", "id": 3}
    assert older.at == services.clock.now()
    assert len(services.security_log.entries(limit=1)) == 1
