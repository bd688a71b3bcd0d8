"""The CLI's loopback redirect listener: one answer, other requests refused, a time limit."""

from __future__ import annotations

import threading

import httpx

from aurelius.adapters.oauth.loopback import Loopback


def test_the_first_answer_is_handed_back_and_other_paths_are_refused() -> None:
    with Loopback("Google") as loopback:
        assert loopback.redirect_uri.startswith("http://127.0.0.1:")
        got: list[dict[str, str] | None] = []
        waiter = threading.Thread(target=lambda: got.append(loopback.wait(patience=10)))
        waiter.start()
        assert httpx.get(loopback.redirect_uri + "favicon.ico").status_code == 404
        page = httpx.get(loopback.redirect_uri, params={"code": "c1", "state": "s1"})
        waiter.join(10)
    assert page.status_code == 200 and "close this tab" in page.text
    assert got == [{"code": "c1", "state": "s1"}]


def test_no_answer_in_time_is_none() -> None:
    with Loopback("Microsoft") as loopback:
        assert loopback.wait(patience=0.3) is None
