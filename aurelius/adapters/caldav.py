"""A CalDAV account (RFC 4791) over httpx: Nextcloud, Fastmail, iCloud, Radicale, ...

Discovery follows RFC 6764/5397: current-user-principal → calendar-home-set → the
calendars in it (display name, colour, components, the user's privileges: without a write
privilege a calendar is read-only). Changes come from RFC 6578 `sync-collection` when the
calendar offers it, else from comparing the collection's ctag and its members' etags (the
cursor then holds the etags seen). Events are fetched with `calendar-multiget` and read and
written by the same iCalendar reader and exporter as .ics files. Writes are conditional:
`If-None-Match: *` on create (the resource is named after the UID Aurelius chose, so a
retried create finds the first one) and `If-Match` on update and delete (412 → conflict).

Errors never carry the URL or the credentials.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import Any

import httpx

from aurelius.adapters import caldav_xml as xml
from core.errors import AuthExpired, CursorExpired, EtagConflict, Invalid, ProviderUnavailable
from core.ports import RemoteCalendar, RemoteEvent, SyncBatch
from core.services.ical_remote import read_resource, write_resource
from core.services.remote_events import Malformed

BATCH = 100  # hrefs per calendar-multiget
_SAFE = re.compile(r"[^A-Za-z0-9._@-]")
_TZID = re.compile(r"^TZID:(.+?)\r?$", re.MULTILINE)


class NotCalDav(Invalid):
    pass


@dataclass
class _Collection:
    name: str
    ctag: str | None
    sync_token: str | None
    timezone: str | None


class CalDavCalendar:
    def __init__(
        self,
        server_url: str,
        username: str,
        password: str,
        client: httpx.Client | None = None,
        *,
        use_sync_collection: bool = True,
    ) -> None:
        self.base = httpx.URL(server_url)
        if self.base.scheme not in ("http", "https") or not self.base.host:
            raise Invalid("A CalDAV address starts with https:// (or http://) and names a host.")
        self.client = client or httpx.Client(timeout=30.0, follow_redirects=True)
        self.auth = httpx.BasicAuth(username, password)
        self.use_sync_collection = use_sync_collection
        self.collections: dict[str, _Collection] = {}
        self.requests = 0

    def calendars(self) -> list[RemoteCalendar]:
        home = self._home()
        found, _ = self._multistatus("PROPFIND", home, xml.propfind(*xml.CALENDAR_PROPS), 1)
        calendars = []
        for response in found:
            if _is_event_calendar(response):
                calendar = _calendar(response)
                self.collections[calendar.remote_id] = _describe(response, calendar)
                calendars.append(calendar)
        if calendars:
            calendars[0] = replace(calendars[0], primary=True)
        return calendars

    def changes(self, calendar_id: str, cursor: str | None) -> SyncBatch:
        collection = self.collections.get(calendar_id) or self._collection(calendar_id)
        before = self.requests
        if self.use_sync_collection and collection.sync_token is not None:
            batch = self._sync_collection(calendar_id, cursor)
        else:
            batch = self._by_etags(calendar_id, collection, cursor)
        batch.requests = self.requests - before
        return batch

    def create(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        href = f"{calendar_id.rstrip('/')}/{_resource_name(event.ical_uid)}"
        response = self._put(href, event, {"If-None-Match": "*"})
        if response.status_code == 412:  # made by an earlier try: that one is ours
            return self._get(href, event)
        return replace(event, remote_id=href, etag=response.headers.get("etag"))

    def update(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        headers = {"If-Match": event.etag} if event.etag else {}
        response = self._put(event.remote_id, event, headers)
        if response.status_code in (404, 412):
            raise EtagConflict("The event was changed or removed at the CalDAV server.")
        return replace(event, etag=response.headers.get("etag"))

    def delete(self, calendar_id: str, remote_id: str, etag: str | None) -> None:
        headers = {"If-Match": etag} if etag else {}
        response = self._send("DELETE", remote_id, headers=headers)
        if response.status_code == 412:
            raise EtagConflict("The event was changed at the CalDAV server.")
        _expect(response, (200, 204, 404))

    # discovery

    def _home(self) -> str:
        principal = self._single_href(str(self.base), "d:current-user-principal")
        return self._single_href(principal, "c:calendar-home-set")

    def _single_href(self, url: str, prop: str) -> str:
        found, _ = self._multistatus("PROPFIND", url, xml.propfind(prop), 0)
        hrefs = [href for response in found for href in response.hrefs(prop)]
        if not hrefs:
            raise NotCalDav("That address is a WebDAV server but offers no CalDAV calendars.")
        return hrefs[0]

    def _collection(self, calendar_id: str) -> _Collection:
        found, _ = self._multistatus("PROPFIND", calendar_id, xml.propfind(*xml.CALENDAR_PROPS), 0)
        if not found:
            raise ProviderUnavailable("The CalDAV server did not describe the calendar.")
        collection = _describe(found[0], _calendar(found[0]))
        self.collections[calendar_id] = collection
        return collection

    # reading changes

    def _sync_collection(self, calendar_id: str, cursor: str | None) -> SyncBatch:
        token = cursor.removeprefix("sync:") if cursor and cursor.startswith("sync:") else ""
        response = self._send("REPORT", calendar_id, xml.sync_collection(token), depth=1)
        if response.status_code in (403, 409, 412) and token:
            raise CursorExpired("The CalDAV server no longer accepts the sync token.")
        found, new_token = self._read(response)
        changed = [r.href for r in found if r.status != 404 and _is_member(r, calendar_id)]
        batch = SyncBatch(
            deleted=[r.href for r in found if r.status == 404],
            cursor=f"sync:{new_token or ''}",
            complete=not token,
        )
        self._fetch(calendar_id, changed, batch)
        return batch

    def _by_etags(self, calendar_id: str, collection: _Collection, cursor: str | None) -> SyncBatch:
        seen = _etag_state(cursor)
        if seen is not None and collection.ctag and seen.get("ctag") == collection.ctag:
            return SyncBatch(cursor=cursor)  # the collection did not change
        found, _ = self._multistatus("PROPFIND", calendar_id, xml.propfind("d:getetag"), 1)
        members = {r.href: r.text("d:getetag") or "" for r in found if _is_member(r, calendar_id)}
        before: dict[str, str] = seen.get("etags", {}) if seen else {}
        batch = SyncBatch(
            deleted=[href for href in before if href not in members],
            cursor="etag:" + json.dumps({"ctag": collection.ctag, "etags": members}),
            complete=seen is None,
        )
        changed = [href for href, etag in members.items() if before.get(href) != etag]
        self._fetch(calendar_id, changed, batch)
        return batch

    def _fetch(self, calendar_id: str, hrefs: list[str], batch: SyncBatch) -> None:
        floating = self.collections[calendar_id].timezone or "UTC"
        name = self.collections[calendar_id].name
        for start in range(0, len(hrefs), BATCH):
            body = xml.multiget(hrefs[start : start + BATCH])
            found, _ = self._multistatus("REPORT", calendar_id, body, 1)
            for response in found:
                data = response.text("c:calendar-data")
                if data is None:
                    continue
                try:
                    event = read_resource(
                        data.encode(), response.href, response.text("d:getetag"), floating
                    )
                except Malformed as exc:
                    batch.skipped.append(f"{name}: skipped {response.href}: {exc}")
                    continue
                if event is not None:
                    batch.events.append(event)

    # writing

    def _put(self, href: str, event: RemoteEvent, headers: dict[str, str]) -> httpx.Response:
        try:
            body = write_resource(event)
        except Malformed as exc:
            raise Invalid(f"The event {event.title!r} cannot be written: {exc}") from None
        headers = {"Content-Type": "text/calendar; charset=utf-8", **headers}
        response = self._send("PUT", href, body, headers=headers)
        _expect(response, (200, 201, 204, 404, 412))
        return response

    def _get(self, href: str, event: RemoteEvent) -> RemoteEvent:
        response = self._send("GET", href)
        _expect(response, (200,))
        floating = event.timezone
        found = read_resource(response.content, href, response.headers.get("etag"), floating)
        return found or replace(event, remote_id=href, etag=response.headers.get("etag"))

    # HTTP

    def _multistatus(
        self, method: str, url: str, body: bytes, depth: int
    ) -> tuple[list[xml.Response], str | None]:
        return self._read(self._send(method, url, body, depth=depth))

    def _read(self, response: httpx.Response) -> tuple[list[xml.Response], str | None]:
        status = response.status_code
        if status != 207:
            if (status >= 500 and status != 501) or status == 429:  # 501: no PROPFIND at all
                _expect(response, ())
            raise NotCalDav(f"That address does not answer like a CalDAV server (HTTP {status}).")
        try:
            return xml.parse(response.content)
        except xml.NotMultistatus:
            raise NotCalDav("That address does not answer like a CalDAV server.") from None

    def _send(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        depth: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent: dict[str, Any] = dict(headers or {})
        if depth is not None:
            sent["Depth"] = str(depth)
        if body is not None and "Content-Type" not in sent:
            sent["Content-Type"] = "application/xml; charset=utf-8"
        self.requests += 1
        try:
            response = self.client.request(
                method, self.base.join(url), content=body, headers=sent, auth=self.auth
            )
        except httpx.InvalidURL:
            raise Invalid("That CalDAV address is not a valid URL.") from None
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                f"The CalDAV server cannot be reached ({type(exc).__name__}); try again later."
            ) from None
        if response.status_code == 401:
            raise AuthExpired("The CalDAV server refused the username or password.")
        return response


def _expect(response: httpx.Response, ok: tuple[int, ...]) -> None:
    status = response.status_code
    if status in ok:
        return
    if status >= 500 or status == 429:
        raise ProviderUnavailable(f"The CalDAV server answered {status}; try again later.")
    if status == 403:
        raise Invalid("The CalDAV server does not allow that (403); is the calendar read-only?")
    raise NotCalDav(f"The CalDAV server answered {status} where CalDAV expects another answer.")


def _is_event_calendar(response: xml.Response) -> bool:
    components = response.components()
    return "calendar" in response.children("d:resourcetype") and (
        not components or "VEVENT" in components
    )


def _is_member(response: xml.Response, calendar_id: str) -> bool:
    return response.href.rstrip("/") != calendar_id.rstrip("/") and not response.href.endswith("/")


def _calendar(response: xml.Response) -> RemoteCalendar:
    href = response.href
    privileges = response.children("d:current-user-privilege-set")
    colour = response.text("a:calendar-color")
    zone = _TZID.search(response.text("c:calendar-timezone") or "")
    return RemoteCalendar(
        remote_id=href,
        name=response.text("d:displayname") or href.rstrip("/").rpartition("/")[2] or href,
        colour=colour[:7] if colour else None,
        timezone=zone.group(1).strip() if zone else None,
        writable=not privileges or any(p in privileges for p in xml.WRITE_PRIVILEGES),
    )


def _describe(response: xml.Response, calendar: RemoteCalendar) -> _Collection:
    return _Collection(
        calendar.name, response.text("cs:getctag"), _token(response), calendar.timezone
    )


def _token(response: xml.Response) -> str | None:
    offered = "sync-collection" in response.children("d:supported-report-set")
    token = response.text("d:sync-token")
    return token if token is not None or offered else None


def _etag_state(cursor: str | None) -> dict[str, Any] | None:
    if not cursor or not cursor.startswith("etag:"):
        return None
    try:
        state = json.loads(cursor.removeprefix("etag:"))
    except ValueError:
        return None
    return state if isinstance(state, dict) else None


def _resource_name(uid: str) -> str:
    """A path segment for the UID; a UID that needs changing gets a digest to stay unique."""
    safe = _SAFE.sub("_", uid)[:120]
    if safe != uid:
        safe += "-" + hashlib.sha256(uid.encode()).hexdigest()[:12]
    return f"{safe}.ics"
