"""The backup file: a magic line, a one-line JSON manifest, then the body.

    AURELIUS-BACKUP
    {"format": 1, "schema_revision": "0006", "database": "sqlite", "created_at": ..., "sha256":
     ..., "size": ..., "encryption": null | {"cipher": "AES-256-GCM", "key_id": "k1", ...}}
    <body>

The body is the database's own dump (a SQLite file, or `pg_dump --format=custom`), or, when a
key ring is set, that dump sealed in chunks of CHUNK bytes, each `length (4 bytes) + sealed`.
Each chunk's associated data names the backup, its position and whether it is the last, so
chunks cannot be reordered, swapped between backups or cut off unnoticed. `sha256` is taken
over the body as stored, so a backup is verified before any key is needed; the body is
streamed through fixed-size buffers, never held whole in memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from core.errors import Invalid

if TYPE_CHECKING:
    from aurelius.adapters.vault import KeyRing

MAGIC = b"AURELIUS-BACKUP\n"
FORMAT = 1
CHUNK = 1 << 20
MANIFEST_LIMIT = 64 * 1024
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class Manifest:
    format: int
    schema_revision: str
    database: str
    created_at: str
    sha256: str
    size: int
    backup_id: str
    encryption: dict[str, Any] | None = None

    @property
    def encrypted(self) -> bool:
        return self.encryption is not None


def write(dump: Path, target: Path, *, revision: str, database: str, created_at: str,
          ring: KeyRing | None) -> Manifest:
    """Pack `dump` into the backup file `target`, which appears whole or not at all."""
    backup_id = secrets.token_hex(8)
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sibling(target) as body_path:
        with body_path.open("wb") as body:
            digest, size = _write_body(dump, body, backup_id, ring)
        encryption = None if ring is None else {
            "cipher": "AES-256-GCM", "key_id": ring.newest, "chunk_bytes": CHUNK}
        manifest = Manifest(FORMAT, revision, database, created_at, digest, size, backup_id,
                            encryption)
        with _sibling(target) as whole_path:
            with whole_path.open("wb") as whole, body_path.open("rb") as body:
                whole.write(MAGIC + json.dumps(asdict(manifest)).encode() + b"\n")
                shutil.copyfileobj(body, whole, CHUNK)
                whole.flush()
                os.fsync(whole.fileno())
            whole_path.chmod(0o600)
            os.replace(whole_path, target)
    return manifest


def read_manifest(path: Path) -> Manifest:
    with _open(path) as file:
        return _manifest(file, path)


def verify(path: Path) -> Manifest:
    """The manifest, once the body's size and checksum match it; Invalid otherwise."""
    with _open(path) as file:
        manifest = _manifest(file, path)
        digest, size = hashlib.sha256(), 0
        for block in iter(lambda: file.read(CHUNK), b""):
            digest.update(block)
            size += len(block)
    if size != manifest.size or digest.hexdigest() != manifest.sha256:
        raise Invalid(f"{path} is damaged: its checksum does not match (it was cut short or "
                      "changed after it was written); use another backup.")
    return manifest


def extract(path: Path, dump: Path, ring: KeyRing | None) -> Manifest:
    """Verify `path`, then write its plain dump to `dump`."""
    manifest = verify(path)
    with _open(path) as file, dump.open("wb") as out:
        _manifest(file, path)
        if manifest.encryption is None:
            shutil.copyfileobj(file, out, CHUNK)
        else:
            for block in _open_chunks(file, manifest, _ring_for(manifest, ring), path):
                out.write(block)
    return manifest


def _write_body(dump: Path, body: IO[bytes], backup_id: str,
                ring: KeyRing | None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with dump.open("rb") as source:
        for block in _sealed_chunks(source, backup_id, ring) if ring else _plain(source):
            body.write(block)
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _plain(source: IO[bytes]) -> Iterator[bytes]:
    yield from iter(lambda: source.read(CHUNK), b"")


def _sealed_chunks(source: IO[bytes], backup_id: str, ring: KeyRing) -> Iterator[bytes]:
    index, block = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        sealed = ring.seal(block, _bound(backup_id, index, last=not following))
        yield _LENGTH.pack(len(sealed)) + sealed
        if not following:
            return
        index, block = index + 1, following


def _open_chunks(file: IO[bytes], manifest: Manifest, ring: KeyRing,
                 path: Path) -> Iterator[bytes]:
    from aurelius.adapters.vault import VaultError

    index, pending = 0, _next_sealed(file)
    while pending is not None:
        following = _next_sealed(file)
        try:
            yield ring.open(pending, _bound(manifest.backup_id, index, last=following is None))
        except VaultError:
            raise Invalid(f"{path} does not decrypt with key {ring.newest!r}: its chunks were "
                          "changed, reordered or cut off; use another backup.") from None
        index, pending = index + 1, following


def _next_sealed(file: IO[bytes]) -> bytes | None:
    header = file.read(_LENGTH.size)
    if not header:
        return None
    (length,) = _LENGTH.unpack(header)
    return file.read(length)


def _bound(backup_id: str, index: int, *, last: bool) -> str:
    return f"aurelius-backup:{backup_id}:{index}:{'last' if last else 'more'}"


def _ring_for(manifest: Manifest, ring: KeyRing | None) -> KeyRing:
    key_id = (manifest.encryption or {}).get("key_id")
    if ring is None or key_id not in ring.keys:
        raise Invalid(f"This backup is encrypted with key {key_id!r}: set "
                      "AURELIUS_ENCRYPTION_KEYS to a key ring that holds it.")
    return ring


def _manifest(file: IO[bytes], path: Path) -> Manifest:
    line = file.read(len(MAGIC)) == MAGIC and file.readline(MANIFEST_LIMIT)
    try:
        fields = json.loads(line) if line else None
        manifest = Manifest(**fields) if isinstance(fields, dict) else None
    except (ValueError, TypeError):
        manifest = None
    if manifest is None:
        raise Invalid(f"{path} is not an Aurelius backup (made by `aurelius backup`).")
    if manifest.format > FORMAT:
        raise Invalid(f"{path} has backup format {manifest.format}; this Aurelius reads up "
                      f"to {FORMAT}: upgrade Aurelius to restore it.")
    return manifest


def _open(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise Invalid(f"Cannot read {path}: {error.strerror or error}.") from None


class _sibling:
    """A temporary file beside `target` (same file system, so the final rename is atomic),
    removed on the way out unless it was renamed into place."""

    def __init__(self, target: Path) -> None:
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(descriptor)
        self.path = Path(name)

    def __enter__(self) -> Path:
        return self.path

    def __exit__(self, *_: object) -> None:
        self.path.unlink(missing_ok=True)
