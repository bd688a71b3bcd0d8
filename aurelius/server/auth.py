"""`/auth/*` on `aurelius serve`: signing in with Google or Microsoft, refreshing, signing out.

- `GET /auth/{provider}/login[?next=/path]` sends the browser to the provider;
- `GET /auth/{provider}/callback` signs the person in (see `core.services.accounts` for who
  may) and opens a session: browsers get cookies and go to `next`; a client that asks for
  `Accept: application/json` gets the tokens as JSON instead;
- `POST /auth/refresh` trades a refresh token (JSON `{"refresh_token": …}`, or the cookie)
  for a new access token AND a new refresh token; the old one stops working;
- `POST /auth/logout` ends the session (refresh token in the body or cookie, or the access
  token of the session).

Cookies are `HttpOnly; Secure; SameSite=Lax`: `aurelius_access` (15 minutes, every path),
`aurelius_refresh` (7 days, only `/auth/`), plus the readable `aurelius_csrf` that pages
echo in `X-CSRF-Token` on writes (double-submit; see `principal`).
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from aurelius import correlation
from aurelius.bootstrap import Services
from aurelius.failures import explain
from aurelius.server.principal import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    CSRF_HEADER,
    REFRESH_COOKIE,
    authenticate,
    csrf_ok,
)  # fmt: skip
from aurelius.server.sessions import ACCESS_LIFETIME, issue
from core.errors import PermissionDenied, UserError
from core.services.sessions import REFRESH_LIFETIME, Opened

PROVIDERS = ("google", "microsoft")
NO_STORE = {"Cache-Control": "no-store"}


def auth_routes(app: FastAPI, services: Services) -> None:
    def login(provider: str, request: Request, next: str | None = None) -> Response:
        from aurelius.adapters.oauth.oidc import OidcSignIn

        if provider not in PROVIDERS:
            return _page("Unknown provider: use google or microsoft.", 404)
        base = services.settings.public_url
        if not base:
            return _page("Signing in needs AURELIUS_PUBLIC_URL (where this server is "
                         "reachable).", 400)
        try:
            url = OidcSignIn(services, provider).begin(
                f"{base.rstrip('/')}/auth/{provider}/callback", _local(next))
        except Exception as error:
            return _failed(error)
        return RedirectResponse(url, 302, headers=NO_STORE)

    def callback(provider: str, request: Request) -> Response:
        if provider not in PROVIDERS:
            return _page("Unknown provider: use google or microsoft.", 404)
        try:
            opened, next_path = _sign_in(services, provider, request)
        except Exception as error:
            _log(services, request, "sign_in.failed", None, provider=provider,
                 reason=explain(error) or type(error).__name__)
            return _failed(error)
        if _wants_json(request):
            return _tokens(services, opened)
        target = next_path or "/"
        answer = RedirectResponse(target, 303, headers=NO_STORE) if next_path else _page(
            "Signed in to Aurelius. You can close this tab.")
        return _set_cookies(services, answer, opened, new_csrf=True)

    async def refresh(request: Request) -> Response:
        given, from_cookie = _refresh_token(request, await _json(request))
        if given is None:
            return _problem(401, "Send the refresh token (JSON refresh_token, or the cookie).")
        if from_cookie and not csrf_ok(request):
            return _problem(403, f"Send the {CSRF_HEADER} header with cookie refreshes.")
        return await run_in_threadpool(_rotate, services, request, given, from_cookie)

    async def logout(request: Request) -> Response:
        given, from_cookie = _refresh_token(request, await _json(request))
        if from_cookie and not csrf_ok(request):
            return _problem(403, f"Send the {CSRF_HEADER} header with cookie sign-outs.")
        return await run_in_threadpool(_sign_out, services, request, given)

    app.add_api_route("/auth/{provider}/login", login, methods=["GET"])
    app.add_api_route("/auth/{provider}/callback", callback, methods=["GET"])
    app.add_api_route("/auth/refresh", refresh, methods=["POST"])
    app.add_api_route("/auth/logout", logout, methods=["POST"])


def _sign_in(services: Services, provider: str, request: Request) -> tuple[Opened, str | None]:
    from aurelius.adapters.oauth.oidc import OidcSignIn

    who = OidcSignIn(services, provider).identify(dict(request.query_params))
    user_id = services.accounts.sign_in(who.provider, who.subject, who.email,
                                        who.email_verified, who.name)
    opened = services.sessions.open(user_id, provider, _ip(request))
    _log(services, request, "sign_in", user_id, provider=provider, session=opened.session_id)
    return opened, who.next_path


def _rotate(services: Services, request: Request, given: str, cookies: bool) -> Response:
    try:
        opened = services.sessions.rotate(given, _ip(request), correlation.current())
    except UserError as error:
        return _cleared(_problem(401, str(error)))
    if cookies:
        return _set_cookies(services, _expiry(opened), opened, new_csrf=False)
    return _tokens(services, opened)


def _sign_out(services: Services, request: Request, given: str | None) -> Response:
    principal = authenticate(request, services) if given is None else None
    session_id = principal.session_id if principal else None
    user = services.sessions.close(session_id=session_id, refresh_token=given) \
        if (given or session_id) else None
    if user is not None:
        _log(services, request, "sign_out", user)
    return _cleared(JSONResponse({"signed_out": user is not None}, headers=NO_STORE))


def _tokens(services: Services, opened: Opened) -> JSONResponse:
    access = issue(services, opened.user_id, opened.session_id, opened.role)
    return JSONResponse({
        "access_token": access.token, "token_type": "Bearer",
        "expires_in": int(ACCESS_LIFETIME.total_seconds()),
        "refresh_token": opened.refresh_token,
        "refresh_expires_in": int(REFRESH_LIFETIME.total_seconds()),
    }, headers=NO_STORE)  # fmt: skip


def _expiry(opened: Opened) -> JSONResponse:
    """What a page learns from a cookie refresh: when to refresh next (tokens stay in cookies)."""
    return JSONResponse({"expires_in": int(ACCESS_LIFETIME.total_seconds()),
                         "refresh_expires_at": opened.refresh_expires_at.isoformat()},
                        headers=NO_STORE)


def _set_cookies(services: Services, answer: Response, opened: Opened, new_csrf: bool
                 ) -> Response:
    access = issue(services, opened.user_id, opened.session_id, opened.role)
    secure: dict[str, Any] = {"secure": True, "samesite": "lax"}
    answer.set_cookie(ACCESS_COOKIE, access.token, int(ACCESS_LIFETIME.total_seconds()),
                      path="/", httponly=True, **secure)
    answer.set_cookie(REFRESH_COOKIE, opened.refresh_token,
                      int(REFRESH_LIFETIME.total_seconds()), path="/auth/", httponly=True,
                      **secure)
    if new_csrf:
        answer.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24),
                          int(REFRESH_LIFETIME.total_seconds()), path="/", **secure)
    return answer


def _cleared(answer: Response) -> Response:
    for name, path in ((ACCESS_COOKIE, "/"), (REFRESH_COOKIE, "/auth/"), (CSRF_COOKIE, "/")):
        answer.delete_cookie(name, path=path, secure=True, httponly=name != CSRF_COOKIE,
                             samesite="lax")
    return answer


def _refresh_token(request: Request, body: dict[str, Any]) -> tuple[str | None, bool]:
    given = body.get("refresh_token")
    if isinstance(given, str) and given:
        return given, False
    cookie = request.cookies.get(REFRESH_COOKIE)
    return (cookie, True) if cookie else (None, False)


async def _json(request: Request) -> dict[str, Any]:
    """The body as a JSON object; anything else counts as empty."""
    try:
        found = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _log(services: Services, request: Request, action: str, user: int | None,
         **detail: Any) -> None:
    services.security_log.record(action, actor_id=user, user_id=user, ip=_ip(request),
                                 request_id=correlation.current(), detail=detail)


def _ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _local(next_path: str | None) -> str | None:
    """Only a path on this server: `next=https://evil.example` must not send people away."""
    if next_path and next_path.startswith("/") and not next_path.startswith(("//", "/\\")):
        return next_path[:500]
    return None


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _failed(error: Exception) -> Response:
    line = explain(error)
    if line is None:
        raise error
    return _page(line, 403 if isinstance(error, PermissionDenied) else 400)


def _problem(status: int, detail: str) -> JSONResponse:
    title = {401: "Unauthorized", 403: "Forbidden"}.get(status, "Bad Request")
    return JSONResponse({"type": "about:blank", "title": title, "status": status,
                         "detail": detail}, status, media_type="application/problem+json",
                        headers=NO_STORE)


def _page(text: str, status: int = 200) -> HTMLResponse:
    body = f"<!doctype html><title>Aurelius</title><p>{html.escape(text)}</p>"
    return HTMLResponse(body, status, headers=NO_STORE)
