"""`aurelius doctor [--json]`: every check, what is wrong and the command that fixes it."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import render


def doctor(as_json: Annotated[bool, typer.Option("--json", help="One JSON document.")] = False,
           ) -> None:
    """Check settings, database, Redis, workers, scheduler, clock, keys and tokens,
    connections, webhook secrets, disk and file permissions; exit 1 when anything is wrong."""
    from aurelius.doctor import diagnose

    checks = diagnose()
    healthy = all(check.ok for check in checks)
    if as_json:
        render.print_raw({"ok": healthy, "checks": [check.as_dict() for check in checks]})
    else:
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            render.say(f"{mark} {check.name}: {check.detail}")
            if not check.ok:
                render.say(f"     fix: {check.fix}")
        wrong = sum(not check.ok for check in checks)
        render.say("All checks passed." if healthy else f"{wrong} check(s) failed.")
    if not healthy:
        raise typer.Exit(1)
