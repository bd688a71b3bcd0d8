"""The WebDAV/CalDAV XML Aurelius sends and reads (RFC 4918, 4791, 6578; the CalendarServer
`getctag` and Apple `calendar-color` extensions). Standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.etree import ElementTree

DAV, CALDAV = "DAV:", "urn:ietf:params:xml:ns:caldav"
CS, APPLE = "http://calendarserver.org/ns/", "http://apple.com/ns/ical/"
PREFIXES = {"d": DAV, "c": CALDAV, "cs": CS, "a": APPLE}
CALENDAR_PROPS = (
    "d:resourcetype",
    "d:displayname",
    "a:calendar-color",
    "c:supported-calendar-component-set",
    "c:calendar-timezone",
    "d:current-user-privilege-set",
    "cs:getctag",
    "d:sync-token",
    "d:supported-report-set",
)
WRITE_PRIVILEGES = ("write", "write-content", "all")


class NotMultistatus(ValueError):
    """The answer is not WebDAV XML: whatever answered is no CalDAV server."""


@dataclass
class Response:
    href: str
    status: int | None  # a status for the whole resource (sync-collection: 404 = removed)
    props: dict[str, ElementTree.Element] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        element = self.props.get(clark(name))
        return (element.text or "").strip() if element is not None else None

    def children(self, name: str) -> list[str]:
        """The local names of the child elements of a property (resource types, privileges)."""
        element = self.props.get(clark(name))
        if element is None:
            return []
        return [child.tag.rpartition("}")[2] for child in element.iter() if child is not element]

    def hrefs(self, name: str) -> list[str]:
        element = self.props.get(clark(name))
        if element is None:
            return []
        return [unquote((h.text or "").strip()) for h in element.iter(clark("d:href"))]

    def components(self) -> list[str]:
        element = self.props.get(clark("c:supported-calendar-component-set"))
        if element is None:
            return []
        return [str(c.get("name", "")).upper() for c in element.iter(clark("c:comp"))]


def clark(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{PREFIXES[prefix]}}}{local}"


def propfind(*names: str) -> bytes:
    props = "".join(f"<{name}/>" for name in names)
    return _document(f'<d:propfind {_xmlns()}><d:prop>{props}</d:prop></d:propfind>')


def sync_collection(token: str) -> bytes:
    return _document(
        f"<d:sync-collection {_xmlns()}><d:sync-token>{_escape(token)}</d:sync-token>"
        "<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>"
    )


def multiget(hrefs: list[str]) -> bytes:
    listed = "".join(f"<d:href>{_escape(href)}</d:href>" for href in hrefs)
    return _document(
        f"<c:calendar-multiget {_xmlns()}><d:prop><d:getetag/><c:calendar-data/></d:prop>"
        f"{listed}</c:calendar-multiget>"
    )


def parse(body: bytes) -> tuple[list[Response], str | None]:
    """The responses of a multistatus, and its sync-token (sync-collection) if any."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        raise NotMultistatus("not XML") from None
    if root.tag != clark("d:multistatus"):
        raise NotMultistatus("not a multistatus")
    token = root.find(clark("d:sync-token"))
    found = [_response(item) for item in root.findall(clark("d:response"))]
    return found, (token.text or "").strip() if token is not None else None


def _response(item: ElementTree.Element) -> Response:
    href = unquote((item.findtext(clark("d:href")) or "").strip())
    response = Response(href, _status(item.findtext(clark("d:status"))))
    for propstat in item.findall(clark("d:propstat")):
        if _status(propstat.findtext(clark("d:status"))) != 200:
            continue
        for prop in propstat.find(clark("d:prop")) or []:
            response.props[prop.tag] = prop
    return response


def _status(line: str | None) -> int | None:
    parts = (line or "").split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _xmlns() -> str:
    return " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in PREFIXES.items())


def _document(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?>{body}'.encode()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
