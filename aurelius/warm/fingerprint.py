"""The identity of the installed code: a hash of every source file's path, size and mtime."""

from __future__ import annotations

import hashlib
import os
from importlib.util import find_spec

PACKAGES = ("aurelius", "core", "cli", "bots", "migrations")


def fingerprint() -> str:
    """Changes when any installed source file is added, removed or edited (an upgrade, or a
    `pip install -e .` checkout being worked on). A few hundred stat calls: about a millisecond."""
    digest = hashlib.sha256()
    for folder in _package_dirs():
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".mako", ".tcss")):
                    found = os.stat(os.path.join(root, name))
                    digest.update(f"{root}/{name}:{found.st_size}:{found.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _package_dirs() -> list[str]:
    found = []
    for package in PACKAGES:
        spec = find_spec(package)
        if spec and spec.submodule_search_locations:
            found.extend(spec.submodule_search_locations)
    return found
