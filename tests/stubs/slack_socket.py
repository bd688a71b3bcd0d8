"""A loopback Socket Mode endpoint: the WebSocket side of Slack that `aurelius bot slack` uses.

Just enough of RFC 6455 for text frames, pings and close: it greets with `hello`, sends the
envelopes a test queues, and records the acknowledgements the app sends back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import queue
import socket
import struct
import threading
from typing import Any

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class SocketModeStub:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.outbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.acks: list[dict[str, Any]] = []
        self.connected = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.listener.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def start(self) -> SocketModeStub:
        self._thread.start()
        return self

    def send(self, envelope: dict[str, Any]) -> None:
        self.outbox.put(envelope)

    def stop(self) -> None:
        self.listener.close()

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            _handshake(connection)
            _send(connection, 0x1, json.dumps({"type": "hello"}).encode())
            self.connected.set()
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()
            while (envelope := self.outbox.get()) is not None:
                _send(connection, 0x1, json.dumps(envelope).encode())

    def _read(self, connection: socket.socket) -> None:
        while True:
            try:
                opcode, payload = _receive(connection)
            except (OSError, ConnectionError):
                return
            if opcode == 0x9:
                _send(connection, 0xA, payload)
            elif opcode == 0x8:
                return
            elif opcode == 0x1:
                self.acks.append(json.loads(payload))


def _handshake(connection: socket.socket) -> None:
    request = b""
    while b"\r\n\r\n" not in request:
        request += connection.recv(1024)
    key = next(
        line.split(b":", 1)[1].strip()
        for line in request.split(b"\r\n")
        if line.lower().startswith(b"sec-websocket-key")
    )
    accept = base64.b64encode(hashlib.sha1(key + GUID.encode()).digest()).decode()
    connection.sendall(
        (
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        ).encode()
    )


def _send(connection: socket.socket, opcode: int, payload: bytes) -> None:
    """A server frame: final, unmasked."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    connection.sendall(header + payload)


def _receive(connection: socket.socket) -> tuple[int, bytes]:
    """A client frame: masked, as RFC 6455 requires."""
    first, second = _exactly(connection, 2)
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", _exactly(connection, 2))
    elif size == 127:
        (size,) = struct.unpack("!Q", _exactly(connection, 8))
    mask = _exactly(connection, 4) if second & 0x80 else b"\0\0\0\0"
    data = _exactly(connection, size)
    return first & 0x0F, bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))


def _exactly(connection: socket.socket, count: int) -> bytes:
    chunks = b""
    while len(chunks) < count:
        chunk = connection.recv(count - len(chunks))
        if not chunk:
            raise ConnectionError("closed")
        chunks += chunk
    return chunks
