"""The warm server, through real processes: same output and status as without it, stdin,
signals, job control, concurrency, several homes, `warm status|stop`, AURELIUS_WARM=0."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.warm_process import (
    AURELIUS,
    aurelius,
    children,
    env,
    gone,
    running_server,
    socket_path,
    spawn,
    status,
    wait_for,
)

pytestmark = [
    pytest.mark.slow,
    # One worker runs them all in turn: one of them changes a source file's mtime, which
    # (by design) retires every server running at that moment.
    pytest.mark.xdist_group("warm"),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]
SCRIPT = [
    ("task", "add", "Renew passport", "--due", "2026-12-01"),
    ("task", "add", "Call mom tomorrow 5pm p1 #family"),
    ("task", "list"),
    ("task", "list", "--explain"),
    ("task", "done", "42"),
    ("task", "list", "--json"),
    ("remind", "list"),
    ("--help",),
    ("task", "--help"),
    ("--version",),
    ("task", "add", "--priority", "9", "x"),
    ("task", "add", "--no-such-option", "x"),
]


def _comparable(result: subprocess.CompletedProcess[str]) -> tuple[int, str, str]:
    out = result.stdout
    if out.startswith("["):  # JSON: created_at is the real time of each run
        out = json.dumps([{k: v for k, v in row.items() if k != "created_at"}
                          for row in json.loads(out)])
    return result.returncode, out, result.stderr


def test_output_and_status_are_identical_with_and_without_the_server(tmp_path: Path) -> None:
    cold_home, warm_home = tmp_path / "cold", tmp_path / "warm"
    server = running_server(warm_home)
    codes = []
    for args in SCRIPT:
        cold, warm = aurelius(cold_home, *args, warm=False), aurelius(warm_home, *args)
        assert _comparable(warm) == _comparable(cold), args
        codes.append(warm.returncode)
    assert sorted(set(codes)) == [0, 1, 2]  # success, a user error, a usage error
    served = status()
    assert served["pid"] == server["pid"]
    assert served["requests"] - server["requests"] == len(SCRIPT)


def test_stdin_is_the_clients(isolated_home: Path) -> None:
    lines = "".join(json.dumps({"id": n, "text": text, "now": "2026-03-10T09:00",
                                "tz": "Europe/Berlin"}) + "\n"
                    for n, text in enumerate(["call mom tomorrow 5pm", "dentist friday 9am"]))
    running_server(isolated_home)
    warm = aurelius(isolated_home, "parse", "--batch", "-", stdin=lines)
    cold = aurelius(isolated_home, "parse", "--batch", "-", stdin=lines, warm=False)
    assert warm.returncode == 0 and len(warm.stdout.splitlines()) == 2
    assert (warm.stdout, warm.stderr) == (cold.stdout, cold.stderr)


def _waiting_child(home: Path) -> tuple[subprocess.Popen[str], int]:
    """A warm `parse --batch -` blocked on its (open) stdin, and its forked child's pid."""
    server = running_server(home)["pid"]
    client = spawn(home, "parse", "--batch", "-")
    child = wait_for(lambda: children(server) and children(server)[0])
    # Blocked reading the stdin pipe: past the handshake, the command itself is running.
    wait_for(lambda: "pipe_read" in Path(f"/proc/{child}/wchan").read_text())
    return client, child


def test_ctrl_c_reaches_the_child(isolated_home: Path) -> None:
    client, child = _waiting_child(isolated_home)
    client.send_signal(signal.SIGINT)
    wait_for(lambda: gone(child))  # before communicate() closes stdin (which would end it)
    _, err = client.communicate(timeout=30)
    # As in-process: Typer turns the KeyboardInterrupt into exit status 130, no traceback.
    assert client.returncode == 130 and "Traceback" not in err


def test_a_child_killed_by_a_signal_exits_128_plus_n(isolated_home: Path) -> None:
    client, child = _waiting_child(isolated_home)
    os.kill(child, signal.SIGKILL)
    client.communicate(timeout=30)
    assert client.returncode == 128 + signal.SIGKILL


def test_ctrl_z_stops_and_fg_resumes_client_and_child(isolated_home: Path) -> None:
    client, child = _waiting_child(isolated_home)
    client.send_signal(signal.SIGTSTP)

    def state(pid: int) -> str:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]

    wait_for(lambda: state(child) == "T" and state(client.pid) == "T")
    client.send_signal(signal.SIGCONT)
    wait_for(lambda: state(child) == "S" and state(client.pid) == "S")
    out, _ = client.communicate('{"id": 1, "text": "lunch friday 1pm"}\n', timeout=30)
    assert client.returncode == 0 and '"id": 1' in out


def test_ten_clients_at_once(isolated_home: Path) -> None:
    server = running_server(isolated_home)
    # The first use migrates the new database: racing first uses fail with or without a
    # server (ten concurrent `alembic upgrade`s), so the database exists before the race.
    assert aurelius(isolated_home, "task", "list").returncode == 0
    clients = [spawn(isolated_home, "task", "add", f"Errand {n}") for n in range(10)]
    results = [(c.communicate(timeout=60), c.returncode) for c in clients]
    assert [code for _, code in results] == [0] * 10, results
    assert all(out.startswith("Added #") for (out, _), _ in results)
    listed = json.loads(aurelius(isolated_home, "task", "list", "--json").stdout)
    assert sorted(task["title"] for task in listed) == sorted(f"Errand {n}" for n in range(10))
    assert status()["requests"] - server["requests"] == 12


def test_one_server_serves_two_homes(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    server = running_server(first)
    assert aurelius(first, "task", "add", "Only in one").returncode == 0
    assert aurelius(second, "task", "list").stdout == "No tasks match.\n"
    assert "Only in one" in aurelius(first, "task", "list").stdout
    assert (second / "aurelius.db").exists()
    assert status()["pid"] == server["pid"] and status()["requests"] == server["requests"] + 3


def test_warm_status_and_stop(isolated_home: Path) -> None:
    server = running_server(isolated_home)
    shown = aurelius(isolated_home, "warm", "status").stdout
    assert f"pid       {server['pid']}" in shown and str(socket_path()) in shown
    assert "MiB resident" in shown and "after 30 min without a request" in shown
    stopped = aurelius(isolated_home, "warm", "stop")
    assert stopped.stdout == f"Stopped the warm server (pid {server['pid']}).\n"
    assert wait_for(lambda: gone(server["pid"]))
    assert aurelius(isolated_home, "warm", "status").stdout.startswith("No warm server is running")
    assert not socket_path().exists()


def test_warm_off_never_uses_or_starts_a_server(isolated_home: Path) -> None:
    result = aurelius(isolated_home, "task", "add", "Scripted", warm=False)
    assert result.returncode == 0 and result.stdout.startswith("Added #1 Scripted")
    assert not Path(f"{socket_path()}.starting").exists() and not socket_path().exists()
    server = running_server(isolated_home)
    assert aurelius(isolated_home, "task", "list", warm=False).returncode == 0
    assert status()["requests"] == server["requests"]


def test_aurelius_run_keeps_a_server_alive(isolated_home: Path) -> None:
    host = spawn(isolated_home, "run", AURELIUS_WARM_IDLE="0.001")  # no server yet: in-process
    try:
        kept = wait_for(lambda: (found := status())["running"] and found)
        assert wait_for(lambda: status().get("keepers") == [host.pid])
    finally:
        host.send_signal(signal.SIGINT)
        host.communicate(timeout=30)
    assert wait_for(lambda: gone(kept["pid"]))  # idle and keeper-less: it exits by itself


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_the_tui_runs_in_a_child_of_the_server_in_a_real_terminal(isolated_home: Path) -> None:
    server = running_server(isolated_home)["pid"]
    assert aurelius(isolated_home, "task", "add", "Water the plants").returncode == 0
    name = f"aurelius-warm-tui-{os.getpid()}"
    flags = [part for key in ("AURELIUS_HOME", "AURELIUS_TIMEZONE", "AURELIUS_NOW",
                              "XDG_RUNTIME_DIR")
             for part in ("-e", f"{key}={env(isolated_home)[key]}")]
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40", *flags,
                    f"{AURELIUS} tui"], check=True)
    try:
        wait_for(lambda: "Water the plants" in _pane(name))
        assert len(children(server)) == 1  # drawn by a forked child, on the client's tty
        subprocess.run(["tmux", "send-keys", "-t", name, "q"], check=True)
        wait_for(lambda: not children(server))
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)


def _pane(name: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                          text=True, check=False).stdout
