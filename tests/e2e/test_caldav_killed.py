"""A real `aurelius` process killed with SIGKILL in the middle of a sync (or right after the
server created an event for it) leaves no duplicate, and the next run completes the work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.e2e.conftest import Run
from tests.stubs.holding_proxy import HoldingProxy
from tests.stubs.radicale import DavUser, Radicale, _mkcalendar

EVENT = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:{uid}\r
DTSTAMP:20260101T000000Z\r
DTSTART:20260311T{hour:02d}0000Z\r
DTEND:20260311T{hour:02d}3000Z\r
SUMMARY:{title}\r
END:VEVENT\r
END:VCALENDAR\r
"""


def spawn(*args: str) -> subprocess.Popen[str]:
    """The installed command, in-process (AURELIUS_WARM=0: the process killed is the one
    doing the work, not a client of the warm server)."""
    command = str(Path(sys.executable).parent / "aurelius")
    env = {**os.environ, "AURELIUS_WARM": "0"}
    return subprocess.Popen(
        [command, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def kill_when_held(process: subprocess.Popen[str], proxy: HoldingProxy) -> None:
    assert proxy.reached.wait(timeout=60), process.communicate(timeout=5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    proxy.released.set()


def linked_titles(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT title FROM events WHERE calendar_id IS NOT NULL ORDER BY title")
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


def two_calendars(radicale: Radicale) -> DavUser:
    user = radicale.user()
    with user.client() as client:
        client.request("MKCALENDAR", f"/{user.username}/home/", content=_mkcalendar("Home"))
    home = DavUser(user.url, user.username, user.password, f"/{user.username}/home/")
    for number in range(3):
        for owner, prefix in ((user, "w"), (home, "h")):
            uid = f"{prefix}{number}"
            owner.put(f"{uid}.ics", EVENT.format(uid=uid, hour=8 + number, title=uid.upper()))
    return user


def test_a_sync_killed_half_way_resumes_without_duplicates(
    run: Run, radicale: Radicale, database_url: str
) -> None:
    user = two_calendars(radicale)
    with HoldingProxy(radicale.url) as proxy:
        run("connect", "caldav", proxy.url, "--username", user.username, "--password-stdin",
            input=user.password + "\n")  # fmt: skip
        for number in range(3, 5):  # new on both calendars since the first sync
            user.put(f"w{number}.ics", EVENT.format(uid=f"w{number}", hour=8, title=f"W{number}"))
        user.put("w0.ics", EVENT.format(uid="w0", hour=8, title="W0 changed"))
        proxy.hold("REPORT", nth=3)  # the second calendar's changes: the first is committed
        process = spawn("sync")
        kill_when_held(process, proxy)
        assert process.returncode == -signal.SIGKILL
        middle = linked_titles(database_url)
        finished = spawn("sync")
        _, err = finished.communicate(timeout=60)
        assert finished.returncode == 0, err
    before = sorted(["H0", "H1", "H2", "W0", "W1", "W2"])
    after = sorted(["H0", "H1", "H2", "W0 changed", "W1", "W2", "W3", "W4"])
    assert linked_titles(database_url) == after
    assert middle in (before, after)  # a calendar's batch is all in or all out


def test_a_create_killed_after_the_server_made_it_is_not_made_twice(
    run: Run, radicale: Radicale, database_url: str
) -> None:
    user = radicale.user()
    with HoldingProxy(radicale.url) as proxy:
        run("connect", "caldav", proxy.url, "--username", user.username, "--password-stdin",
            input=user.password + "\n")  # fmt: skip
        proxy.hold("PUT")  # Radicale has stored it; the reply never reaches Aurelius
        process = spawn("cal", "add", "Board meeting", "--start", "thu 10:00", "--calendar",
                        "Work", "--raw", "--yes")  # fmt: skip
        kill_when_held(process, proxy)
        assert linked_titles(database_url) == ["Board meeting"]  # committed, not yet sent
        finished = spawn("sync")
        out, err = finished.communicate(timeout=60)
        assert finished.returncode == 0, err
        assert "1 sent" in out
        again = spawn("sync")
        out, _ = again.communicate(timeout=60)
        assert "0 added, 0 updated" in out and "0 sent" in out  # the server's copy is known
    on_server = [t for t in user.hrefs().values() if "Board meeting" in t]
    assert len(on_server) == 1
    assert linked_titles(database_url) == ["Board meeting"]
