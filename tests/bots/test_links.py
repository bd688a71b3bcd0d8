"""Linking codes, onboarding policies, de-duplication, and `aurelius link`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services
from core.errors import Invalid, PermissionDenied
from core.services.links import ALLOWLIST, INVITE, LinkService, Onboarding
from tests.e2e.conftest import Run


def test_codes_expire_and_work_once(services: Services, user_id: int) -> None:
    links = LinkService(services.db, services.clock)
    code = links.issue(user_id, "telegram")
    later = LinkService(services.db, FixedClock(services.clock.now() + timedelta(minutes=16)))
    with pytest.raises(Invalid):
        later.redeem("telegram", "7", code)
    with pytest.raises(Invalid):  # a telegram code does not link a slack account
        links.redeem("slack", "7", code)
    assert links.redeem("telegram", "7", code) == user_id
    assert links.user_for("telegram", "7") == user_id


def test_policies(services: Services) -> None:
    links = LinkService(services.db, services.clock)
    with pytest.raises(PermissionDenied):
        links.sign_up("slack", "U1", "Ada", "UTC", Onboarding(INVITE))
    allow = Onboarding(ALLOWLIST, frozenset({"U2"}))
    with pytest.raises(PermissionDenied):
        links.sign_up("slack", "U1", "Ada", "UTC", allow)
    first = links.sign_up("slack", "U2", "Bo", "UTC", allow)
    assert links.sign_up("slack", "U2", "Bo", "UTC", Onboarding(INVITE)) == first


def test_updates_are_seen_once(services: Services) -> None:
    links = LinkService(services.db, services.clock)
    assert links.first_time("telegram", "1") and not links.first_time("telegram", "1")
    assert links.first_time("slack", "1")
    assert links.forget_old_updates() == 0


def test_link_command_prints_a_code(run: Run) -> None:
    code = json.loads(run("link", "telegram", "--json").output)["code"]
    assert len(code) == 8
    assert "/aurelius link" in run("link", "slack").output
    missing = run("bot", "slack", ok=False)
    assert "AURELIUS_SLACK_" in missing.output
