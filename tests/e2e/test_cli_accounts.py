"""`aurelius token …` and `aurelius admin …` end to end: a token made on the command line
works against `aurelius serve` until it is revoked; admin commands list, promote, disable and
show the security log (never a secret)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from aurelius.bootstrap import build_services
from aurelius.server.app import create_app
from aurelius.server.principal import authenticate
from aurelius.settings import Settings
from tests.e2e.conftest import Run, as_json


def _server(database_url: str) -> TestClient:
    services = build_services(Settings(database_url=database_url))
    app = create_app(services)

    def whoami(request: Request) -> JSONResponse:
        found = authenticate(request, services)
        if found is None:
            return JSONResponse({"error": request.state.auth_error}, 401)
        return JSONResponse({"user": found.user_id, "tasks": found.can("tasks:write"),
                             "events": found.can("events:write")})

    app.add_api_route("/whoami", whoami, methods=["GET"])
    return TestClient(app)


def test_a_token_from_the_cli_works_until_revoked(run: Run, database_url: str) -> None:
    made = run("token", "create", "phone shortcuts", "--scopes", "tasks:write,events:read",
               "--expires", "90d")
    secret = made.stdout.strip()
    assert secret.startswith("aur_") and "not shown again" in made.stderr
    assert "expires Mon 8 Jun 09:00 Europe/Berlin" in made.stderr  # 90 days on
    [view] = as_json(run("token", "list", "--json"))  # type: ignore[misc]
    assert view["name"] == "phone shortcuts" and view["scopes"] == ["events:read", "tasks:write"]
    assert secret not in run("token", "list").stdout and view["prefix"] == secret[:12]
    client = _server(database_url)
    me = client.get("/whoami", headers={"authorization": f"Bearer {secret}"})
    assert me.json() == {"user": 1, "tasks": True, "events": False}
    run("token", "revoke", str(view["id"]))
    assert client.get("/whoami", headers={"authorization": f"Bearer {secret}"}
                      ).status_code == 401
    audit = run("admin", "audit", "--json").stdout
    assert "token.revoked" in audit and "token.created" in audit and secret not in audit


def test_bad_token_options_are_one_line(run: Run) -> None:
    bad = run("token", "create", "x", "--expires", "soon", ok=False)
    assert bad.exit_code == 1 and "90d" in bad.stderr
    scope = run("token", "create", "x", "--scopes", "everything", ok=False)
    assert "Unknown scope everything" in scope.stderr
    assert "No API token #9" in run("token", "revoke", "9", ok=False).stderr


def test_admin_commands(run: Run) -> None:
    run("admin", "invite", "bob@example.com")
    users = as_json(run("admin", "users", "--json"))
    assert [(u["id"], u["role"]) for u in users] == [(1, "admin"), (2, "member")]  # type: ignore[index,union-attr]
    run("admin", "role", "bob@example.com", "admin")
    assert "is now member" in run("admin", "role", "2", "member").stdout
    assert "would leave no admin" in run("admin", "role", "1", "member", ok=False).stderr
    assert "Disabled bob@example.com" in run("admin", "disable", "bob@example.com").stdout
    assert "disabled" in run("admin", "users").stdout
    actions = [e["action"] for e in as_json(run("admin", "audit", "--json"))]  # type: ignore[index,union-attr]
    assert actions == ["user.disabled", "role.changed", "role.changed", "user.invited"]
    assert "No user 'carol'" in run("admin", "disable", "carol", ok=False).stderr
