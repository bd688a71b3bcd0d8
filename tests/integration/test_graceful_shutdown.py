"""Every process stops cleanly on SIGTERM, as Kubernetes and compose stop them: the server
finishes the request in flight, a worker finishes its job, the scheduler hands back its lease,
and `aurelius run` stops. Real processes, real signals; each step waits on what it can see
(a log line, a file, a database row), never on a timer."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty, Queue

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
AURELIUS = Path(sys.executable).with_name("aurelius")
REDIS_URL = os.environ.get("AURELIUS_TEST_REDIS_URL")


class Process:
    """An `aurelius` subprocess whose output lines can be waited for."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [str(AURELIUS), *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self.lines: Queue[str] = Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line)

    def wait_for_line(self, fragment: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(fragment in line for line in self.seen):
            try:
                self.seen.append(self.lines.get(timeout=max(deadline - time.monotonic(), 0)))
            except Empty:
                raise AssertionError(f"no {fragment!r} in: {''.join(self.seen)}") from None

    def terminate_and_wait(self) -> int:
        self.popen.send_signal(signal.SIGTERM)
        return self.popen.wait(timeout=60)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(10)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    database = tmp_path / "aurelius.db"
    return os.environ | {"AURELIUS_HOME": str(tmp_path / "home"), "AURELIUS_WARM": "0",
                         "AURELIUS_DATABASE_URL": f"sqlite:///{database}",
                         "AURELIUS_TIMEZONE": "UTC", "PYTHONPATH": str(ROOT)} | values


def lease_holder(env: dict[str, str]) -> str | None:
    engine = create_engine(env["AURELIUS_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT holder FROM leases WHERE name = 'scheduler'")).scalar()
    except Exception:  # the schema may not exist yet while the process starts
        return None
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", ["scheduler", "run"])
def test_the_scheduler_hands_back_its_lease_on_sigterm(tmp_path: Path, command: str) -> None:
    env = environment(tmp_path)
    process = Process(command, env=env)
    try:
        wait_until(lambda: (lease_holder(env) or "").endswith(f":{process.popen.pid}"),
                   "the lease")
        if command == "run":  # the embedded runner makes the day's backup as soon as it leads
            backups = tmp_path / "home" / "backups"
            wait_until(lambda: any(backups.glob("aurelius-*.backup")), "the daily backup")
        assert process.terminate_and_wait() == 0
    finally:
        process.stop()
    assert lease_holder(env) is None  # the next scheduler takes over at once
    if command == "run":
        process.wait_for_line("Stopped.")


def test_the_server_finishes_the_request_in_flight(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = Process("serve", "--port", str(port), env=environment(tmp_path))
    try:
        process.wait_for_line("Uvicorn running")
        listening = _sockets(process.popen.pid)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            body = b'{"update_id": 1}'
            client.sendall(b"POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: "
                           b"application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
                           + body[:5])
            wait_until(lambda: _sockets(process.popen.pid) > listening, "the accepted connection")
            process.popen.send_signal(signal.SIGTERM)
            process.wait_for_line("Waiting for connections to close")
            client.sendall(body[5:])
            answer = client.recv(4096)
        assert answer.startswith(b"HTTP/1.1 ")  # answered after SIGTERM: drained, not cut
        # uvicorn re-raises the signal once it has drained, so the status says why it stopped
        assert process.popen.wait(timeout=60) in (0, -signal.SIGTERM)
        process.wait_for_line("Finished server process")
    finally:
        process.stop()


def _sockets(pid: int) -> int:
    """How many sockets the process holds: one more once it has accepted our connection."""
    links = Path(f"/proc/{pid}/fd").iterdir()
    return sum(os.readlink(link).startswith("socket:") for link in links)


@pytest.mark.skipif(not REDIS_URL, reason="AURELIUS_TEST_REDIS_URL is not set")
def test_a_worker_finishes_its_job_before_it_stops(tmp_path: Path) -> None:
    from redis import Redis
    from rq import Queue as RQQueue

    from aurelius.adapters.rq_queue import QUEUE

    connection = Redis.from_url(str(REDIS_URL))
    connection.flushdb()
    job = RQQueue(QUEUE, connection=connection).enqueue(
        "tests.integration.held_job.hold", str(tmp_path), job_timeout=120)
    process = Process("worker", env=environment(tmp_path, AURELIUS_REDIS_URL=str(REDIS_URL)))
    try:
        wait_until((tmp_path / "started").exists, "the job to start")
        process.popen.send_signal(signal.SIGTERM)
        process.wait_for_line("warm shut down requested")
        assert process.popen.poll() is None  # still there: the job is not done
        (tmp_path / "release").touch()
        assert process.popen.wait(timeout=60) == 0
    finally:
        process.stop()
        connection.close()
    assert (tmp_path / "done").exists()
    job.refresh()
    assert job.get_status() == "finished"
    shutil.rmtree(tmp_path / "home", ignore_errors=True)
