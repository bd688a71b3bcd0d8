"""A loopback Microsoft Graph v1.0 calendar stand-in: `install(stub, state)` with a `GraphState`.

Documented behaviours it implements (learn.microsoft.com, Graph v1.0 reference):
- `GET /me/calendars`: `value` of calendars with id, name, hexColor, canEdit,
  isDefaultCalendar, owner {name, address}.
- `GET /me/calendars/{id}/calendarView/delta?startDateTime&endDateTime`: singles,
  occurrences and exceptions overlapping the window (never the seriesMaster). Pages of
  `Prefer: odata.maxpagesize` items (default 10) linked by `@odata.nextLink` ($skiptoken);
  the last page has `@odata.deltaLink` ($deltatoken). The token encodes the window. A
  deltaLink round returns exactly the items changed since (in full) and
  `{"id", "@removed": {"reason": "deleted"}}` for those gone. An unknown/expired token (after
  `state.invalidate()`) is 410 Gone with code `SyncStateNotFound`.
- Event fields: id, iCalUId, changeKey, @odata.etag (W/"changeKey"), subject,
  body {contentType, content}, start/end {dateTime (7 fractional digits), timeZone} in UTC
  unless `Prefer: outlook.timezone` names another zone, all-day events as floating
  midnights, originalStartTimeZone (Windows or IANA name as written), isAllDay,
  location {displayName}, attendees, type (singleInstance|occurrence|exception|seriesMaster),
  seriesMasterId, originalStart (UTC DateTimeOffset), recurrence {pattern, range},
  isCancelled. Editing an occurrence makes it an `exception` with the same id; deleting
  one removes it from the view; either changes the master's changeKey.
- `GET /me/events/{id}`, `GET /me/events/{id}/instances?startDateTime&endDateTime`.
- JSON batching, `POST /$batch` with up to 20 `requests` [{id, method, url, headers,
  body}], answered `responses` [{id, status, headers, body}] in any order; each part
  answers (and may be throttled) on its own.
- `POST /me/calendars/{id}/events` (201); a repeated `transactionId` returns the event it
  made. `PATCH`/`DELETE /me/events/{id}` (200/204) honour `If-Match` → 412
  `ErrorIrresolvableConflict`. A calendar with canEdit false answers writes 403
  `ErrorAccessDenied`; an unknown id 404 `ErrorItemNotFound`; a bearer not in
  `state.tokens` 401 `InvalidAuthenticationToken`. Errors are `{"error": {"code",
  "message", "innerError": {"request-id", "date"}}}`. Throttling (429 + Retry-After) comes
  from `stub.fault`.
What the reference says and the adapter relies on: delta state tokens are opaque and carry
the window and every query parameter of the first request (later rounds just follow the
links); Outlook tokens have no fixed lifetime (an internal cache evicts old ones), so a
410 / `syncStateNotFound` / `resyncRequired` may come at any time and means "sync fully
again"; `Prefer: outlook.body-content-type="text"` asks for plain-text bodies.
Not implemented: attendee responses, online meetings, calendar groups, subscriptions.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.stubs.microsoft_graph_items import Stored, item, occurrences, tz
from tests.stubs.provider import ProviderStub, Request, Response

Json = dict[str, Any]


@dataclass
class GraphState:
    tokens: set[str] = field(default_factory=set)
    calendars: dict[str, Json] = field(default_factory=dict)
    events: dict[str, Stored] = field(default_factory=dict)
    raw: dict[str, list[Json]] = field(default_factory=dict)  # calendar → malformed items
    snapshots: dict[str, tuple[str, tuple[datetime, datetime], dict[str, str]]] = field(
        default_factory=dict
    )
    pages: dict[str, tuple[list[Json], Json]] = field(default_factory=dict)
    transactions: dict[str, str] = field(default_factory=dict)

    def add_calendar(self, name: str, can_edit: bool = True, default: bool = False) -> str:
        cid = f"AAMkCal{len(self.calendars) + 1}=="
        self.calendars[cid] = {"id": cid, "name": name, "color": "auto", "hexColor": "#0078d4",
                               "canEdit": can_edit, "isDefaultCalendar": default,
                               "owner": {"name": "Ada", "address": "ada@contoso.com"}}  # fmt: skip
        return cid

    def add_event(self, calendar_id: str, subject: str, start: datetime, end: datetime,
                  zone: str = "UTC", **fields: Any) -> str:  # fmt: skip
        eid = f"AAMkEv{uuid.uuid4().hex[:12]}"
        self.events[eid] = Stored(eid, calendar_id, subject, start, end, zone,
                                  ical_uid=f"0400{eid}", **fields)  # fmt: skip
        return eid

    def edit(self, event_id: str, **fields: Any) -> None:
        stored = self.events[event_id]
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.version += 1

    def change_occurrence(self, master_id: str, original: datetime, **change: Any) -> None:
        self.events[master_id].changes[original.astimezone(UTC)] = change
        self.events[master_id].version += 1

    def cancel_occurrence(self, master_id: str, original: datetime) -> None:
        self.change_occurrence(master_id, original, cancelled=True)

    def remove(self, event_id: str) -> None:
        del self.events[event_id]

    def invalidate(self) -> None:
        """Every delta token expires (Graph's token cache was evicted)."""
        self.snapshots.clear()

    # --- the calendar view --------------------------------------------------------------

    def view(self, calendar_id: str, low: datetime, high: datetime, prefer: str = "") -> list[Json]:
        found = [dict(raw) for raw in self.raw.get(calendar_id, [])]
        for stored in list(self.events.values()):
            if stored.calendar_id == calendar_id:
                found += self.instances(stored, low, high, prefer)
        return found

    def instances(
        self, stored: Stored, low: datetime, high: datetime, prefer: str = ""
    ) -> list[Json]:
        if stored.recurrence is None:
            overlaps = stored.start < high and stored.end > low
            return [item(stored, "singleInstance", prefer=prefer)] if overlaps else []
        length = stored.end - stored.start
        found = []
        for original in occurrences(stored, high):
            change = stored.changes.get(original, {})
            start = change.get("start", original)
            if change.get("cancelled") or not (
                start < high and change.get("end", start + length) > low
            ):
                continue
            found.append(item(stored, "exception" if change else "occurrence", original, prefer))
        return found

    def find(self, event_id: str) -> tuple[Stored, datetime | None] | None:
        if event_id in self.events:
            return self.events[event_id], None
        master, _, stamp = event_id.rpartition("_")
        if master in self.events and re.fullmatch(r"\d{8}T\d{6}Z", stamp):
            original = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            if not self.events[master].changes.get(original, {}).get("cancelled"):
                return self.events[master], original
        return None


BATCH_LIMIT = 20
CONFLICT = (
    "The change key passed in the request does not match the current change key for the item."
)


def _removed(event_id: str) -> Json:
    return {
        "@odata.type": "#microsoft.graph.event",
        "id": event_id,
        "@removed": {"reason": "deleted"},
    }


def error(status: int, code: str, message: str) -> Response:
    inner = {"request-id": str(uuid.uuid4()), "date": datetime.now(UTC).isoformat()}
    return Response(status, {"error": {"code": code, "message": message, "innerError": inner}})


def install(stub: ProviderStub, state: GraphState) -> None:
    Routes(stub, state).register()


@dataclass
class Routes:
    stub: ProviderStub
    state: GraphState

    def register(self) -> None:
        me = "/v1.0/me"
        for method, path, handler in (
            ("POST", r"/v1.0/\$batch", self.batch),
            ("GET", f"{me}/calendars", self.calendars),
            ("GET", f"{me}/calendars/([^/]+)/calendarView/delta", self.delta),
            ("POST", f"{me}/calendars/([^/]+)/events", self.create),
            ("GET", f"{me}/events/([^/]+)/instances", self.instances),
            ("GET", f"{me}/events/([^/]+)", self.get),
            ("PATCH", f"{me}/events/([^/]+)", self.update),
            ("DELETE", f"{me}/events/([^/]+)", self.delete),
        ):
            self.stub.route(method, path, self._authorised(handler))

    def _authorised(self, handler: Any) -> Any:
        def guarded(request: Request) -> Response:
            if request.bearer not in self.state.tokens:
                return error(401, "InvalidAuthenticationToken", "Access token validation failure.")
            return handler(request)  # type: ignore[no-any-return]

        return guarded

    def batch(self, request: Request) -> Response:
        """JSON batching: each request answered as if sent alone (faults included); the
        answers come back in another order than asked, as Graph allows."""
        asks = request.json().get("requests") or []
        if not 1 <= len(asks) <= BATCH_LIMIT:
            return error(400, "BadRequest", "A batch holds 1 to 20 requests.")
        return Response(200, {"responses": [self._answer(request, a) for a in reversed(asks)]})

    def _answer(self, outer: Request, ask: Json) -> Json:
        parts = urlsplit(ask["url"])
        headers = {k.lower(): v for k, v in (ask.get("headers") or {}).items()}
        inner = Request(
            method=ask["method"], path="/v1.0" + parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers={**headers, "authorization": outer.headers.get("authorization", "")},
            body=json.dumps(ask["body"]).encode() if "body" in ask else b"",
        )  # fmt: skip
        with self.stub.lock:  # logged as a part of the batch, not as a request of its own
            reply = self.stub.dispatch(inner)
            self.stub.log[-1] = (f"{inner.method} (batched)", inner.path)
        return {"id": ask["id"], "status": reply.status, "headers": reply.headers,
                "body": reply.payload}  # fmt: skip

    def calendars(self, request: Request) -> Response:
        if "$skiptoken" in request.query:
            return self._next_page(request)
        return self._page(request, list(self.state.calendars.values()), {})

    def delta(self, request: Request) -> Response:
        query, cid = request.query, _id(request)
        if "$skiptoken" in query:
            return self._next_page(request)
        if "$deltatoken" in query:
            known = self.state.snapshots.get(query["$deltatoken"])
            if known is None:
                return error(410, "SyncStateNotFound", "The sync state generation is not found.")
            cid, window, before = known
        elif cid not in self.state.calendars:
            return error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        else:
            try:
                window = (_instant(query["startDateTime"]), _instant(query["endDateTime"]))
            except (KeyError, ValueError):
                return error(
                    400, "ErrorInvalidParameter", "startDateTime and endDateTime are required."
                )
            before = {}
        now = {i["id"]: json.dumps(i, sort_keys=True) for i in self.state.view(cid, *window)}
        changed = [json.loads(text) for key, text in now.items() if before.get(key) != text]
        gone = [_removed(key) for key in before if key not in now]
        token = uuid.uuid4().hex
        self.state.snapshots[token] = (cid, window, now)
        link = f"{self.stub.url}{request.path}?$deltatoken={token}"
        return self._page(request, changed + gone, {"@odata.deltaLink": link})

    def _page(self, request: Request, items: list[Json], last: Json) -> Response:
        found = re.search(r"odata\.maxpagesize=(\d+)", request.headers.get("prefer", ""))
        size = max(1, min(int(found.group(1)) if found else 10, 1000))
        head, rest = items[:size], items[size:]
        extra = last
        if rest:
            skip = uuid.uuid4().hex
            self.state.pages[skip] = (rest, last)
            extra = {"@odata.nextLink": f"{self.stub.url}{request.path}?$skiptoken={skip}"}
        return Response(
            200, {"@odata.context": f"{self.stub.url}/v1.0/$metadata", "value": head, **extra}
        )

    def _next_page(self, request: Request) -> Response:
        found = self.state.pages.pop(request.query["$skiptoken"], None)
        if found is None:
            return error(410, "SyncStateNotFound", "The skip token is not known.")
        return self._page(request, *found)

    def get(self, request: Request) -> Response:
        found = self.state.find(_id(request))
        if found is None:
            return error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        return Response(200, self._item(*found, request.headers.get("prefer", "")))

    def instances(self, request: Request) -> Response:
        if "$skiptoken" in request.query:
            return self._next_page(request)
        found = self.state.find(_id(request))
        if found is None or found[0].recurrence is None:
            return error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        window = (_instant(request.query["startDateTime"]), _instant(request.query["endDateTime"]))
        return self._page(request, self.state.instances(found[0], *window), {})

    def create(self, request: Request) -> Response:
        cid = _id(request)
        if cid not in self.state.calendars:
            return error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        if not self.state.calendars[cid]["canEdit"]:
            return error(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
        body = request.json()
        made = self.state.transactions.get(body.get("transactionId") or "")
        if made not in self.state.events:
            start, zone = _parse(body["start"])
            made = self.state.add_event(
                cid, body.get("subject", ""), start, _parse(body["end"])[0], zone
            )
            self._apply(self.state.events[made], body)
            self.state.transactions[body.get("transactionId") or made] = made
        return Response(201, self._item(self.state.events[made], None))

    def update(self, request: Request) -> Response:
        found, refused = self._writable(request)
        if refused:
            return refused
        stored, original = found  # type: ignore[misc]
        body = request.json()
        if original is None:
            self._apply(stored, body)
        else:
            change = dict(stored.changes.get(original, {}))
            change.update({k: v for k, v in _fields(body).items() if k != "recurrence"})
            stored.changes[original] = change
        stored.version += 1
        return Response(200, self._item(stored, original))

    def delete(self, request: Request) -> Response:
        found, refused = self._writable(request)
        if refused:
            return refused
        stored, original = found  # type: ignore[misc]
        if original is None:
            self.state.remove(stored.id)
        else:
            self.state.cancel_occurrence(stored.id, original)
        return Response(204)

    def _writable(
        self, request: Request
    ) -> tuple[tuple[Stored, datetime | None] | None, Response | None]:
        found = self.state.find(_id(request))
        if found is None:
            return None, error(
                404, "ErrorItemNotFound", "The specified object was not found in the store."
            )
        if not self.state.calendars[found[0].calendar_id]["canEdit"]:
            return None, error(
                403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
            )
        wanted = request.headers.get("if-match")
        if wanted and wanted != "*" and wanted != self._item(*found)["@odata.etag"]:
            return None, error(412, "ErrorIrresolvableConflict", CONFLICT)
        return found, None

    def _item(self, stored: Stored, original: datetime | None, prefer: str = "") -> Json:
        kind = "seriesMaster" if stored.recurrence else "singleInstance"
        if original is not None:
            kind = "exception" if stored.changes.get(original) else "occurrence"
        return item(stored, kind, original, prefer)

    def _apply(self, stored: Stored, body: Json) -> None:
        fields = _fields(body)
        if "start" in body:
            fields["zone"] = body["start"].get("timeZone") or "UTC"
        for name, value in fields.items():
            setattr(stored, name, value)


def _fields(body: Json) -> Json:
    """A written event's fields in the stand-in's terms."""
    fields: Json = {}
    for key in ("start", "end"):
        if key in body:
            fields[key] = _parse(body[key])[0]
    names = {"subject": "subject", "isAllDay": "all_day", "recurrence": "recurrence"}
    fields.update({ours: body[theirs] for theirs, ours in names.items() if theirs in body})
    if "location" in body:
        fields["location"] = (body["location"] or {}).get("displayName") or ""
    if "body" in body:
        fields["notes"] = (body["body"] or {}).get("content") or ""
    if "attendees" in body:
        fields["attendees"] = [a["emailAddress"]["address"] for a in body["attendees"]]
    return fields


def _id(request: Request) -> str:
    return unquote(request.match.group(1))  # type: ignore[union-attr]


def _parse(value: Json) -> tuple[datetime, str]:
    name = value.get("timeZone") or "UTC"
    naive = datetime.fromisoformat(value["dateTime"][:19])
    return naive.replace(tzinfo=tz(name)), name


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
