"""Without an optional extra, its commands say which extra to install: one line, exit 1.

The installed `aurelius` command runs in a subprocess whose interpreter cannot import the
extra's modules (a sitecustomize on PYTHONPATH refuses them, as a venv without the extra
would), so the real lazy imports are exercised.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = Path(sys.prefix) / "bin" / "aurelius"
BLOCKER = '''
import os, sys
from importlib.abc import MetaPathFinder

class Unavailable(MetaPathFinder):
    blocked = set(os.environ["BLOCKED_MODULES"].split(","))

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Unavailable())
'''


def without(
    modules: str, *args: str, tmp_path: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(BLOCKER)
    environment = os.environ | {"PYTHONPATH": str(shim), "BLOCKED_MODULES": modules} | env
    return subprocess.run([str(COMMAND), *args], capture_output=True, text=True,
                          env=environment, timeout=60, check=False)


@pytest.mark.parametrize(
    ("modules", "args", "env", "extra"),
    [
        ("telegram", ["bot", "telegram"], {"AURELIUS_TELEGRAM_BOT_TOKEN": "1:x"}, "bots"),
        ("slack_bolt,slack_sdk", ["bot", "slack"], {"AURELIUS_SLACK_BOT_TOKEN": "xoxb-1"}, "bots"),
        ("uvicorn,fastapi,starlette", ["serve"], {}, "bots"),
        ("rq,redis", ["worker", "--burst"], {"AURELIUS_REDIS_URL": "redis://127.0.0.1:1/0"},
         "redis"),
        ("redis,rq", ["task", "list"], {"AURELIUS_REDIS_URL": "redis://127.0.0.1:1/0"}, "redis"),
        ("anthropic,openai", ["ask", "what should I write to my landlord"],
         {"AURELIUS_ANTHROPIC_API_KEY": "sk-ant-test"}, "ai"),
        ("psycopg,psycopg2", ["task", "list"],
         {"AURELIUS_DATABASE_URL": "postgresql+psycopg://127.0.0.1:1/x"}, "postgres"),
    ],
)
def test_missing_extra_names_the_pip_command(
    tmp_path: Path, modules: str, args: list[str], env: dict[str, str], extra: str
) -> None:
    result = without(modules, *args, tmp_path=tmp_path, **env)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [f'Error: This needs the optional "{extra}" extra: '
                     f'pip install "aurelius[{extra}]".'], result.stderr


def test_a_missing_required_module_asks_for_a_reinstall(tmp_path: Path) -> None:
    result = without("textual", "tui", tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: The installation is incomplete: the 'textual' module is missing. Reinstall "
        'Aurelius (pip install --force-reinstall "aurelius").'
    ]


def test_bytes_that_are_not_utf8_in_argv(tmp_path: Path) -> None:
    result = subprocess.run([os.fsencode(COMMAND), b"task", b"add", b"caf\xe9"],
                            capture_output=True, env=os.environ | {"LC_ALL": "C.UTF-8"},
                            timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.decode().strip() == "Error: Argument 3 is not valid UTF-8 text; retype it."
