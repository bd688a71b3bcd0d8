"""Notifier adapters: the terminal, a signed webhook, and e-mail over SMTP."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from email.message import EmailMessage

from core.errors import DeliveryUncertain
from core.ports import Address, Note
from core.sanitize import printable

SIGNATURE_HEADER = "X-Aurelius-Signature"
TIMESTAMP_HEADER = "X-Aurelius-Timestamp"
DELIVERY_HEADER = "X-Aurelius-Delivery"


class TerminalNotifier:
    """A desktop notification where one can be shown, else a line on the running process's
    standard output (`aurelius run` in a terminal), stamped in the user's zone."""

    def __init__(self, tz: str = "UTC") -> None:
        self.tz = tz

    def send(self, address: Address, note: Note) -> None:
        title, body = printable(note.title, one_line=True), printable(note.body)
        if shutil.which("notify-send") and _has_display():
            subprocess.run(
                ["notify-send", "--app-name=Aurelius", title, body],
                check=False,
                timeout=5,
            )
        from datetime import datetime
        from zoneinfo import ZoneInfo

        stamp = datetime.now(ZoneInfo(self.tz)).strftime("%H:%M:%S")
        clear = "\r\x1b[K" if sys.stdout.isatty() else ""  # over `run`'s "next:" line
        sys.stdout.write(
            f"{clear}\a[{stamp}] {title}" + (f" — {body}" if body else "") + "\n"
        )
        sys.stdout.flush()


def _has_display() -> bool:
    import os

    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of "{timestamp}.{body}": the receiver recomputes it and
    rejects stale timestamps, so a captured request cannot be replayed later."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True)
class WebhookNotifier:
    """POSTs the note as JSON to the address's URL (or the configured default URL).

    Every request carries `X-Aurelius-Delivery`, the same on each retry of one delivery. A
    request that went out but got no answer in time may have arrived: that raises
    `DeliveryUncertain` (retried later, with the same key, so the receiver can drop it).
    """

    default_url: str | None = None
    secret: str | None = None
    timeout: float = 10.0

    def send(self, address: Address, note: Note) -> None:
        url = address.target or self.default_url
        if not url:
            raise LookupError(
                "no webhook URL: set AURELIUS_NOTIFY_WEBHOOK_URL or "
                "`aurelius notify add webhook URL`"
            )
        body = json.dumps(asdict(note), default=str).encode()
        request = urllib.request.Request(url, data=body, headers=self._headers(note, body))
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.URLError:
            raise  # refused, unresolvable, or an HTTP error status: it did not arrive
        except (TimeoutError, ConnectionError, http.client.HTTPException) as error:
            raise DeliveryUncertain(
                f"the webhook did not answer within {self.timeout:g} s after the request was "
                f"sent ({type(error).__name__}); it may have arrived"
            ) from None
        if status >= 300:
            raise ConnectionError(f"webhook answered HTTP {status}")

    def _headers(self, note: Note, body: bytes) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "User-Agent": "aurelius"}
        if note.key:
            headers[DELIVERY_HEADER] = note.key
        if self.secret:
            stamp = str(int(time.time()))
            headers |= {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(self.secret, stamp, body)}
        return headers


@dataclass(frozen=True)
class SmtpNotifier:
    """Sends the note as a plain-text e-mail to the address's target."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    sender: str = "aurelius@localhost"
    starttls: bool = True
    timeout: float = 20.0

    def send(self, address: Address, note: Note) -> None:
        import smtplib

        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, address.target, note.title
        message.set_content(note.body or note.title)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username and self.password:
                smtp.login(self.username, self.password)
            smtp.send_message(message)
