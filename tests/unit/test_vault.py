"""The key ring: AES-256-GCM values bound to their row, several keys, a private key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from aurelius.adapters.vault import (
    KEY_FILE,
    KeyRing,
    VaultError,
    key_ring,
    new_key_entry,
    parse_keys,
)
from aurelius.settings import Settings
from core.errors import ConfigError


def ring(*entries: str) -> KeyRing:
    return KeyRing(lambda: parse_keys(",".join(entries)))


def test_a_sealed_value_opens_only_for_its_row() -> None:
    vault = ring(new_key_entry("a"))
    sealed = vault.seal(b"refresh-token-123", "credentials/1/oauth")
    assert b"refresh-token-123" not in sealed
    assert vault.open(sealed, "credentials/1/oauth") == b"refresh-token-123"
    with pytest.raises(VaultError, match="another row"):
        vault.open(sealed, "credentials/2/oauth")


def test_every_value_gets_its_own_nonce() -> None:
    vault = ring(new_key_entry("a"))
    assert vault.seal(b"same", "x") != vault.seal(b"same", "x")


def test_a_tampered_value_is_refused() -> None:
    vault = ring(new_key_entry("a"))
    sealed = bytearray(vault.seal(b"secret", "x"))
    sealed[-1] ^= 1
    with pytest.raises(VaultError, match="tampered"):
        vault.open(bytes(sealed), "x")


def test_the_first_key_seals_and_every_key_opens() -> None:
    old, new = new_key_entry("old"), new_key_entry("new")
    sealed_by_old = ring(old).seal(b"secret", "x")
    both = ring(new, old)
    assert both.open(sealed_by_old, "x") == b"secret"
    assert both.seal(b"secret", "x").startswith(b"new:")
    with pytest.raises(VaultError, match=r"'old'.*not in the key ring"):
        ring(new).open(sealed_by_old, "x")


@pytest.mark.parametrize("bad", ["nokey", "a:notbase64!", "a:c2hvcnQ=", ":" + "A" * 44])
def test_a_malformed_key_setting_names_the_entry_and_never_echoes_it(bad: str) -> None:
    with pytest.raises(ConfigError, match="key 2 must be") as caught:
        parse_keys(f"{new_key_entry('good')},{bad}")
    assert bad.partition(":")[2] not in str(caught.value) or bad.partition(":")[2] == ""


def test_the_embedded_default_creates_a_private_key_file_on_first_use(
    isolated_home: Path,
) -> None:
    vault = key_ring(Settings())
    path = isolated_home / KEY_FILE
    assert not path.exists()  # nothing is read or created until a secret is sealed
    sealed = vault.seal(b"secret", "x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert key_ring(Settings()).open(sealed, "x") == b"secret"
