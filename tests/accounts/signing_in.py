"""What the sign-in tests share: `aurelius serve`'s app on a TestClient (https, so the
Secure cookies travel), pointed at an identity stand-in, with one authenticated route that
answers who the principal is."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from pydantic import SecretStr

from aurelius.bootstrap import Services
from aurelius.server.app import create_app
from aurelius.server.principal import authenticate
from core.services.accounts import Accounts
from tests.oauth_stands import Stand, consent

PUBLIC = "https://testserver"


@dataclass
class Browser:
    client: TestClient
    services: Services
    stand: Stand

    def sign_in(self, **headers: str) -> object:
        """Login, consent at the stand-in, and the callback's answer."""
        start = self.client.get(f"/auth/{self.stand.name}/login", params=self.next,
                                follow_redirects=False)
        assert start.status_code == 302, start.text
        back = consent(start.headers["location"])
        assert back.startswith(f"{PUBLIC}/auth/{self.stand.name}/callback?")
        self.last_callback = back.removeprefix(PUBLIC)
        return self.client.get(self.last_callback, headers=headers, follow_redirects=False)

    next: dict[str, str] | None = None
    last_callback: str = ""


def browser(services: Services, stand: Stand, signup: str = "open") -> Browser:
    key = stand.name
    services.settings = services.settings.model_copy(update={
        "public_url": PUBLIC, f"{key}_base_url": stand.stub.url,
        f"{key}_client_id": stand.state.client_id,
        f"{key}_client_secret": SecretStr(stand.state.client_secret)})
    services.accounts = Accounts(services.db, services.clock, signup)
    stand.state.id_tokens.now = lambda: services.clock.now().timestamp()
    app = create_app(services)

    def whoami(request: Request) -> JSONResponse:
        found = authenticate(request, services)
        if found is None:
            return JSONResponse({"error": getattr(request.state, "auth_error", None)}, 401)
        return JSONResponse({"user": found.user_id, "role": found.role, "via": found.via,
                             "admin": found.can("admin")})

    app.add_api_route("/whoami", whoami, methods=["GET", "POST"])
    return Browser(TestClient(app, base_url=PUBLIC), services, stand)
