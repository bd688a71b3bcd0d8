"""A loopback stand-in for Google Calendar API v3 (calendarList and events).

It follows the published reference (developers.google.com/calendar/api/v3/reference and
the guides "Synchronize resources efficiently" and "Handle API errors"):

- `GET /calendar/v3/users/me/calendarList`: CalendarListEntry items (`id`, `summary`,
  `timeZone`, `backgroundColor`, `accessRole` owner|writer|reader|freeBusyReader,
  `primary` only when true), `maxResults` (default 100, at most 250) and `nextPageToken`.
- `GET .../calendars/{id}/events`: `maxResults` (default 250, at most 2500), `pageToken` /
  `nextPageToken`, `nextSyncToken` on the last page only, `syncToken` giving exactly the
  entries written since (deletions included, as `status: "cancelled"` tombstones holding
  `id`, and for instances `recurringEventId` + `originalStartTime`); `showDeleted=false`
  or any of iCalUID, orderBy, privateExtendedProperty, q, sharedExtendedProperty, timeMin,
  timeMax, updatedMin beside a `syncToken` is a 400; a token no longer valid is 410
  `fullSyncRequired`. Without `showDeleted`, cancelled instances of live series are still
  listed (documented for `singleEvents=false`); `iCalUID` filters to one event and its
  instances. Expanding series (`singleEvents=true`) is not implemented (400).
- `POST .../events` (insert): a client-chosen `id` must be base32hex (a-v, 0-9), 5-1024
  characters; an id already used (even by a deleted event) is 409 `duplicate`.
- `GET|PUT|PATCH|DELETE .../events/{eventId}`: `If-Match` with another etag is 412
  `conditionNotMet`; every write changes the etag. An instance id `{id}_{YYYYMMDDTHHMMSSZ}`
  (`_{YYYYMMDD}` all-day) of a series can be read, written (the occurrence becomes an
  exception event) or deleted (a cancelled exception). Deleting a deleted event is 410
  `deleted`, an unknown one 404 `notFound`. Writes to reader calendars are 403
  `requiredAccessLevel`.
- Every request needs `Authorization: Bearer T` with T in `state.tokens` (else 401
  `authError`). Error bodies: `{"error": {"errors": [{"domain", "reason", "message"}],
  "code", "message", "status"}}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import unquote

from tests.stubs.google_calendar_state import INSTANCE, GoogleCalendarState, Item
from tests.stubs.provider import ProviderStub, Request, Response

__all__ = ["GoogleCalendarState", "StaticTokens", "install", "serving"]

ROOT = "/calendar/v3"
RESTRICTED = ("iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty",
              "timeMin", "timeMax", "updatedMin")
VALID_ID = re.compile(r"^[a-v0-9]{5,1024}$")
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
          404: "NOT_FOUND", 409: "ALREADY_EXISTS", 410: "FAILED_PRECONDITION",
          412: "FAILED_PRECONDITION"}
Route = Callable[[GoogleCalendarState, Request], Response]


def install(stub: ProviderStub, state: GoogleCalendarState) -> None:
    calendar = rf"{ROOT}/calendars/([^/]+)/events"
    event = rf"{calendar}/([^/]+)"
    for method, pattern, route in (
        ("GET", rf"{ROOT}/users/me/calendarList", _calendar_list),
        ("GET", calendar, _list), ("POST", calendar, _insert),
        ("GET", event, _get), ("PUT", event, _put), ("PATCH", event, _patch),
        ("DELETE", event, _delete),
    ):
        stub.route(method, pattern, _guarded(state, route))


@contextmanager
def serving(state: GoogleCalendarState) -> Iterator[ProviderStub]:
    """A started stand-in for `state` alone (stopped on leaving)."""
    stub = ProviderStub()
    install(stub, state)
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


class StaticTokens:
    """An `AccessTokens` for driving the stand-in without the OAuth flow: one bearer that
    `state.tokens` accepts; a refresh hands out `fresh`."""

    def __init__(self, current: str, fresh: str | None = None) -> None:
        self.current, self.fresh = current, fresh or current

    def token(self) -> str:
        return self.current

    def refreshed(self) -> str:
        self.current = self.fresh
        return self.current


def error(status: int, reason: str, message: str, domain: str = "global") -> Response:
    body = {"errors": [{"domain": domain, "reason": reason, "message": message}],
            "code": status, "message": message, "status": STATUS.get(status, "UNKNOWN")}
    return Response(status, {"error": body})


def _guarded(state: GoogleCalendarState, route: Route) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        if request.bearer not in state.tokens:
            answer = error(401, "authError", "Invalid Credentials")
            answer.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
            return answer
        groups = request.match.groups() if request.match else ()
        if groups and unquote(groups[0]) not in state.calendars:
            return error(404, "notFound", "Not Found")
        return route(state, request)

    return handle


def _ids(request: Request) -> tuple[str, str]:
    assert request.match is not None
    groups = [unquote(g) for g in request.match.groups()]
    return groups[0], groups[1] if len(groups) > 1 else ""


def _calendar_list(state: GoogleCalendarState, request: Request) -> Response:
    size = min(int(request.query.get("maxResults", 100)), 250, state.page_limit)
    entries = list(state.calendars.values())
    return _paged(state, request, entries, size, {"kind": "calendar#calendarList"})


def _list(state: GoogleCalendarState, request: Request) -> Response:
    calendar_id, _ = _ids(request)
    query = request.query
    if query.get("singleEvents") == "true":
        return error(400, "invalid", "singleEvents=true is not implemented by this stand-in.")
    if "pageToken" in query:
        return _paged(state, request, [], 0, {})
    token = query.get("syncToken")
    if token and (any(k in query for k in RESTRICTED) or query.get("showDeleted") == "false"):
        return error(400, "invalid", "Sync token cannot be used with other request restrictions.")
    if token:
        since = state.since(calendar_id, token)
        if since is None:
            return error(410, "fullSyncRequired",
                         "Sync token is no longer valid, a full sync is required.",
                         domain="calendar")
        items = state.changed_since(calendar_id, since)
    else:
        items = _visible(state, calendar_id, query)
    entry = state.calendars[calendar_id]
    head = {"kind": "calendar#events", "summary": entry["summary"],
            "timeZone": entry["timeZone"], "accessRole": entry["accessRole"],
            "defaultReminders": [], "etag": f'"{state.seq}"'}
    size = min(int(query.get("maxResults", 250)), 2500, state.page_limit)
    return _paged(state, request, items, size, {**head, "nextSyncToken":
                                                   state.sync_token(calendar_id)})


def _visible(state: GoogleCalendarState, calendar_id: str, query: dict[str, str]) -> list[Item]:
    events = state.events[calendar_id]
    live = {key for key, e in events.items() if e.get("status") != "cancelled"}
    uid = query.get("iCalUID")
    out = []
    for item in events.values():
        if uid is not None and item.get("iCalUID") != uid:
            continue
        shown = item["id"] in live or query.get("showDeleted") == "true" \
            or item.get("recurringEventId") in live
        if shown:
            out.append(item)
    return out


def _paged(state: GoogleCalendarState, request: Request, items: list[Item], size: int,
           head: Item) -> Response:
    """One page; the rest waits under a `nextPageToken` (the sync token is the first
    page's, so nothing written while paging is missed)."""
    token = request.query.get("pageToken")
    if token:
        if token not in state.pages:
            return error(400, "invalid", "Invalid page token value.")
        items, head = state.pages.pop(token)
        size = head["_size"]
    page, rest = items[:size], items[size:]
    body = {k: v for k, v in head.items() if k not in ("_size", "nextSyncToken")}
    if rest:
        key = f"p{len(state.pages)}x{state.seq}x{id(rest)}"
        state.pages[key] = (rest, {**head, "_size": size})
        body["nextPageToken"] = key
    elif "nextSyncToken" in head:
        body["nextSyncToken"] = head["nextSyncToken"]
    return Response(200, {**body, "items": page})


def _writable(state: GoogleCalendarState, calendar_id: str) -> Response | None:
    if state.calendars[calendar_id]["accessRole"] in ("owner", "writer"):
        return None
    return error(403, "requiredAccessLevel", "You need to have writer access to this calendar.")


def _insert(state: GoogleCalendarState, request: Request) -> Response:
    calendar_id, _ = _ids(request)
    body: Item = request.json()
    refused = _writable(state, calendar_id) or _incomplete(body)
    if refused:
        return refused
    if "id" in body and not VALID_ID.match(str(body["id"])):
        return error(400, "invalid", "Invalid resource id value.")
    if body.get("id") in state.events[calendar_id]:
        return error(409, "duplicate", "The requested identifier already exists.")
    return Response(200, state.put(calendar_id, body))


def _incomplete(body: Item) -> Response | None:
    for side in ("start", "end"):
        if not isinstance(body.get(side), dict):
            return error(400, "required", f"Missing {side} time.")
    return None


def _current(state: GoogleCalendarState, calendar_id: str, event_id: str) -> Item | None:
    return state.events[calendar_id].get(event_id) or state.instance(calendar_id, event_id)


def _precondition(request: Request, item: Item) -> Response | None:
    wanted = request.headers.get("if-match")
    if wanted and wanted != "*" and wanted != item.get("etag"):
        return error(412, "conditionNotMet", "Precondition Failed")
    return None


def _get(state: GoogleCalendarState, request: Request) -> Response:
    item = _current(state, *_ids(request))
    return Response(200, item) if item else error(404, "notFound", "Not Found")


def _put(state: GoogleCalendarState, request: Request) -> Response:
    return _write(state, request, lambda item, body: body)


def _patch(state: GoogleCalendarState, request: Request) -> Response:
    return _write(state, request, lambda item, body: {**item, **body})


def _write(state: GoogleCalendarState, request: Request,
           merge: Callable[[Item, Item], Item]) -> Response:
    calendar_id, event_id = _ids(request)
    item = _current(state, calendar_id, event_id)
    if item is None:
        return error(404, "notFound", "Not Found")
    refused = _writable(state, calendar_id) or _precondition(request, item)
    merged = merge(item, request.json())
    refused = refused or _incomplete(merged)
    if refused:
        return refused
    # The identity of an event (and of an occurrence) is not the client's to change.
    for key in ("id", "iCalUID", "recurringEventId", "originalStartTime"):
        if key in item:
            merged[key] = item[key]
    return Response(200, state.put(calendar_id, merged))


def _delete(state: GoogleCalendarState, request: Request) -> Response:
    calendar_id, event_id = _ids(request)
    item = _current(state, calendar_id, event_id)
    if item is None:
        return error(404, "notFound", "Not Found")
    if item.get("status") == "cancelled":
        return error(410, "deleted", "Resource has been deleted")
    refused = _writable(state, calendar_id) or _precondition(request, item)
    if refused:
        return refused
    if INSTANCE.match(event_id) and item.get("recurringEventId"):
        state.put(calendar_id, {**item, "status": "cancelled"})  # one occurrence cancelled
    else:
        state.remove(calendar_id, event_id)
    return Response(204)


