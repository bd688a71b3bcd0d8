"""The token vault's key ring: AES-256-GCM with a random nonce per value, and associated data
naming the owning row, so a sealed value copied to another row does not open.

A sealed value is `kid` + ":" + 12-byte nonce + ciphertext-with-tag. The key id travels with
the value so a ring holding old keys still opens what they sealed, and `aurelius keys rotate`
can re-seal everything with the newest.

Keys come from `AURELIUS_ENCRYPTION_KEYS` (`kid:base64key,...`; the first seals, all open) or,
on the embedded default, from `vault.key` in the data dir, created with mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ConfigError

if TYPE_CHECKING:
    from aurelius.settings import Settings

NONCE_BYTES = 12
KEY_FILE = "vault.key"
_SETTING = "AURELIUS_ENCRYPTION_KEYS"


class VaultError(ConfigError):
    """A sealed value that no key of the ring opens (wrong key, tampered, or moved)."""


class KeyRing:
    """Loads its keys on first use: commands that never touch a secret never read them."""

    def __init__(self, load: Callable[[], list[tuple[str, bytes]]]) -> None:
        self._load = load
        self._ring: list[tuple[str, bytes]] | None = None

    @property
    def keys(self) -> dict[str, bytes]:
        return dict(self._loaded())

    @property
    def newest(self) -> str:
        return self._loaded()[0][0]

    def _loaded(self) -> list[tuple[str, bytes]]:
        if self._ring is None:
            self._ring = self._load()
            if not self._ring:
                raise ConfigError(f"{_SETTING} holds no key; make one with `aurelius keys new`.")
        return self._ring

    def seal(self, plaintext: bytes, bound_to: str) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self.keys[self.newest]).encrypt(nonce, plaintext, bound_to.encode())
        return self.newest.encode() + b":" + nonce + sealed

    def open(self, sealed: bytes, bound_to: str) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kid, _, rest = sealed.partition(b":")
        key = self.keys.get(kid.decode(errors="replace"))
        if key is None:
            raise VaultError(
                f"A stored secret was sealed with key {kid.decode(errors='replace')!r}, which "
                f"is not in the key ring: add it back to {_SETTING}."
            )
        try:
            return AESGCM(key).decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], bound_to.encode())
        except InvalidTag:
            raise VaultError(
                "A stored secret does not open: it was tampered with or belongs to another row."
            ) from None


def parse_keys(text: str) -> list[tuple[str, bytes]]:
    """`kid:base64key,...` into (kid, 32-byte key) pairs; a bad entry names its position."""
    keys = []
    for number, entry in enumerate(filter(None, (e.strip() for e in text.split(","))), 1):
        kid, sep, encoded = entry.partition(":")
        try:
            key = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if not sep or not kid or len(key) != 32:
            raise ConfigError(
                f"{_SETTING}: key {number} must be `kid:base64key` with a 32-byte key; make "
                "one with `aurelius keys new`."
            )
        keys.append((kid, key))
    return keys


def new_key_entry(kid: str | None = None) -> str:
    """A fresh `kid:base64key` entry for the ring."""
    kid = kid or f"k{secrets.token_hex(4)}"
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def key_ring(settings: Settings) -> KeyRing:
    configured = settings.encryption_keys
    if configured is not None:
        return KeyRing(lambda: parse_keys(configured.get_secret_value()))
    from aurelius.settings import data_dir

    return KeyRing(lambda: parse_keys(_key_file(data_dir() / KEY_FILE)))


def _key_file(path: Path) -> str:
    """The embedded default's ring, created on first use readable by this OS user only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text()
        with os.fdopen(descriptor, "w") as file:
            file.write(new_key_entry("k1") + "\n")
    return path.read_text()
