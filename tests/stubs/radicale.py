"""A real Radicale CalDAV server on loopback, one per test session (so one per xdist worker).

Plain htpasswd auth with no delay (else every new client pays ~1.4 s), storage in a temp
dir, rights from a file: each user owns `/{user}/` and may only read `/{user}/holidays/`.
Each test gets users of its own (`radicale.user()`), so tests never see each other's data.
Helpers change the server "behind Aurelius's back" with plain HTTP.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

RIGHTS = """\
[root]
user: .+
collection:
permissions: R

[principal]
user: .+
collection: {user}
permissions: RW

[holidays]
user: .+
collection: {user}/holidays
permissions: r

[calendars]
user: .+
collection: {user}/[^/]+
permissions: rw
"""
_numbers = itertools.count(1)


@dataclass
class DavUser:
    url: str  # the server's root, what a person types into `connect caldav`
    username: str
    password: str
    calendar: str  # href of their writable calendar "Work"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=(self.username, self.password), timeout=10)

    def put(self, name: str, ics: str, etag: str | None = None) -> str:
        """Store `ics` as `{calendar}{name}` (as another client would); its new etag."""
        headers = {"Content-Type": "text/calendar"} | ({"If-Match": etag} if etag else {})
        with self.client() as client:
            response = client.put(self.calendar + name, content=ics.encode(), headers=headers)
        response.raise_for_status()
        return response.headers["etag"]

    def delete(self, href: str) -> None:
        with self.client() as client:
            client.delete(href).raise_for_status()

    def hrefs(self, calendar: str | None = None) -> dict[str, str]:
        """Every resource of a calendar: href → its iCalendar text."""
        body = '<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>'
        with self.client() as client:
            listed = client.request(
                "PROPFIND", calendar or self.calendar, content=body, headers={"Depth": "1"}
            )
            found = {}
            for href in _hrefs(listed.text):
                if href.endswith(".ics"):
                    found[href] = client.get(href).text
        return found


@dataclass
class Radicale:
    url: str
    root: Path

    def user(self, password: str = "s3cret-pass") -> DavUser:
        name = f"user{os.getpid()}x{next(_numbers)}"
        with (self.root / "users").open("a") as users:
            users.write(f"{name}:{password}\n")
        calendar = f"/{name}/work/"
        with httpx.Client(base_url=self.url, auth=(name, password), timeout=10) as client:
            client.request("PROPFIND", f"/{name}/", headers={"Depth": "0"})  # makes the home
            made = client.request("MKCALENDAR", calendar, content=_mkcalendar("Work"))
            made.raise_for_status()
        return DavUser(self.url, name, password, calendar)

    def read_only_calendar(self, user: DavUser, ics: str) -> str:
        """A calendar `user` may read but not write ("Holidays"), written straight to storage."""
        folder = self.root / "collections" / "collection-root" / user.username / "holidays"
        folder.mkdir(parents=True, exist_ok=True)
        props = {"tag": "VCALENDAR", "D:displayname": "Holidays"}
        (folder / ".Radicale.props").write_text(json.dumps(props))
        (folder / "holiday.ics").write_text(ics)
        return f"/{user.username}/holidays/"


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    root = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    (root / "users").write_text("")
    (root / "rights").write_text(RIGHTS)
    (root / "config").write_text(_config(root, port))
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(root / "config")],
        stdout=subprocess.DEVNULL,
        stderr=(root / "log").open("w"),
    )
    try:
        _wait_for(port, process)
        yield Radicale(f"http://127.0.0.1:{port}", root)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _config(root: Path, port: int) -> str:
    return f"""\
[server]
hosts = 127.0.0.1:{port}
[auth]
type = htpasswd
htpasswd_filename = {root / "users"}
htpasswd_encryption = plain
delay = 0
[rights]
type = from_file
file = {root / "rights"}
[storage]
filesystem_folder = {root / "collections"}
[logging]
level = warning
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until Radicale accepts connections (it starts in ~0.15 s); fail if it died."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Radicale exited at start-up; see its log in the temp dir")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError("Radicale did not start within 20 s")


def _mkcalendar(name: str) -> bytes:
    return (
        '<?xml version="1.0"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        f"<D:set><D:prop><D:displayname>{name}</D:displayname></D:prop></D:set></C:mkcalendar>"
    ).encode()


def _hrefs(body: str) -> list[str]:
    import re

    return re.findall(r"<(?:\w+:)?href>([^<]+)</(?:\w+:)?href>", body)
