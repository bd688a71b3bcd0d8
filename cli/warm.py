"""`aurelius warm …`: the background server that makes every command instant."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from cli import render
from cli.app import group

app = group("The warm server that answers commands in milliseconds: status, stop.")


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Is it running? Its pid, start, socket, code version, memory and requests served."""
    from aurelius.warm import control

    report = control.status()
    if as_json:
        render.print_raw(report)
    elif not report["running"]:
        refused = f" It was refused: {report['refused']}." if report.get("refused") else ""
        render.say(f"No warm server is running (socket {report['socket']}).{refused} "
                   "The next command starts one.")
    else:
        render.say("The warm server is running.")
        for label, value in _lines(report):
            render.say(f"  {label:<9} {value}")


def _lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    since = datetime.fromtimestamp(report["since"]).astimezone()
    idle = report["idle_minutes"]
    return [
        ("pid", str(report["pid"])),
        ("since", f"{since:%a %Y-%m-%d %H:%M:%S} {since.tzname()}"),
        ("socket", report["socket"]),
        ("code", f"aurelius {report['version']} on {report['python']}"),
        ("memory", f"{report['rss_bytes'] / 2**20:.1f} MiB resident"),
        ("requests", f"{report['requests']} served, {report['children']} running now"),
        ("exits", f"after {idle:g} min without a request" if idle > 0 else "never when idle"),
    ]


@app.command("stop")
def stop() -> None:
    """Stop it (running commands finish first); the next command starts a new one."""
    from aurelius.warm import control

    pid = control.stop()
    render.say(f"Stopped the warm server (pid {pid})." if pid else "No warm server was running.")
