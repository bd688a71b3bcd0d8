"""`aurelius serve` as a real process on loopback: a 200 MB body, declared or streamed, is
refused with 413 without the server's memory growing by more than a few megabytes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bots import conftest as bots
from tests.bots.conftest import SIGNING_SECRET
from tests.stubs.slack import SlackStub

slack_stub = bots.slack_stub
AURELIUS = Path(sys.executable).with_name("aurelius")
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, slack_stub: SlackStub) -> Iterator[tuple[int, int]]:
    """(port, pid) of a running `aurelius serve` with the Slack routes on."""
    port = free_port()
    env = os.environ | {"AURELIUS_HOME": str(tmp_path),
                        "AURELIUS_SLACK_BOT_TOKEN": slack_stub.token,
                        "AURELIUS_SLACK_BASE_URL": slack_stub.base_url,
                        "AURELIUS_SLACK_SIGNING_SECRET": SIGNING_SECRET}
    process = subprocess.Popen([str(AURELIUS), "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_up(port, process)
        yield port, process.pid
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_up(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("aurelius serve did not come up")


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def post_huge(port: int, chunked: bool, total: int = 200 * MB) -> bytes:
    """Offer `total` bytes to /slack/events; returns the status line the server sent."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
    head = (f"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n{framing}\r\n"
            "Content-Type: application/json\r\n\r\n").encode()
    chunk = b"x" * MB
    piece = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(head)
        try:
            for _ in range(total // MB):
                connection.sendall(piece)
        except OSError:
            pass  # the server answered and closed while we were still sending
        return connection.recv(200).split(b"\r\n")[0]


@pytest.mark.skipif(not AURELIUS.exists(), reason="needs the installed aurelius command")
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_body_is_refused_before_it_is_read(served: tuple[int, int],
                                                    chunked: bool) -> None:
    port, pid = served
    before = rss(pid)
    started = time.perf_counter()
    status = post_huge(port, chunked)
    elapsed = time.perf_counter() - started
    assert status == b"HTTP/1.1 413 Request Entity Too Large", status
    assert rss(pid) - before < 16 * MB
    assert elapsed < 20
