"""`create_app(services, …)`: the FastAPI application of `aurelius serve`.

Work runs in worker threads, where the synchronous core belongs: health checks are plain
`def` endpoints; the Slack and Telegram routes only read the raw body on the loop (the
Slack signature covers the exact bytes, and malformed JSON must be a 400, not a 422),
then verify and hand the rest to `run_in_threadpool`.

Order of defences on every request: the per-address budget for unauthenticated requests
(429), the body limit (413), the signature or secret (401), then parsing (400). Each
webhook is recorded by its platform id before it takes effect, so a redelivery or a replay
within the signature's five minutes runs nothing twice.
"""

from __future__ import annotations

import hmac
import logging
import time
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from aurelius.bootstrap import Services
from aurelius.server.bodies import Malformed, json_object, slack_payload, slack_replay_key
from aurelius.server.limits import BodyLimit, ClientLimit, authenticated
from aurelius.server.observe import Observe
from aurelius.server.slack_signature import verify
from core.services.links import LinkService

log = logging.getLogger(__name__)
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PRUNE_EVERY = 3600.0  # seconds between clean-ups of old webhook records


class TelegramEndpoint(Protocol):
    def handle(self, update: dict[str, Any]) -> None:
        """Process one update; ValueError when it is malformed."""


class SlackEndpoint(Protocol):
    def handle(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """Dispatch a verified request; returns (status, headers, body)."""


class Seen:
    """Webhook ids already handled; records past their memory are dropped once an hour."""

    def __init__(self, links: LinkService) -> None:
        self.links, self._pruned = links, time.monotonic()

    def first_time(self, source: str, key: str) -> bool:
        if time.monotonic() - self._pruned > PRUNE_EVERY:
            self._pruned = time.monotonic()
            self.links.forget_old_updates()
        return self.links.first_time(source, key)


def create_app(services: Services, telegram: TelegramEndpoint | None = None,
               slack: SlackEndpoint | None = None) -> FastAPI:
    app = FastAPI(title="Aurelius", docs_url=None, redoc_url=None, openapi_url=None)
    settings = services.settings
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_kb * 1024)
    app.add_middleware(ClientLimit, per_minute=settings.unauthenticated_rate_per_minute)
    app.add_middleware(Observe, metrics=services.metrics)  # outermost: sees every answer
    _health_routes(app, services)
    from aurelius.server.auth import auth_routes

    auth_routes(app, services)
    if settings.public_url:
        from aurelius.server.oauth import oauth_routes

        oauth_routes(app, services)
    _metrics_route(app, services)
    if telegram is not None:
        _telegram_route(app, services, telegram)
    if slack is not None:
        _slack_routes(app, services, slack)
    return app


def _health_routes(app: FastAPI, services: Services) -> None:
    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    def readyz() -> JSONResponse:
        try:
            with services.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception:  # any failure means "not ready"; the reason goes to the log
            log.warning("database not reachable", exc_info=True)
            return JSONResponse({"status": "unavailable", "database": "down"}, 503)
        return JSONResponse({"status": "ok", "database": "up"})


def _metrics_route(app: FastAPI, services: Services) -> None:
    from aurelius.adapters.prometheus_metrics import exposition

    depth = getattr(services.queue, "depth", None)

    @app.get("/metrics")
    def metrics() -> Response:
        body, content_type = exposition(depth)
        return Response(body, 200, media_type=content_type)


def _refused(services: Services, source: str, error: str) -> JSONResponse:
    services.metrics.count("aurelius_webhook_signature_failures_total", source=source)
    return JSONResponse({"error": error}, 401)


def _telegram_route(app: FastAPI, services: Services, endpoint: TelegramEndpoint) -> None:
    secret = services.settings.telegram_webhook_secret
    links = Seen(LinkService(services.db, services.clock))

    async def telegram_webhook(request: Request) -> JSONResponse:
        given = request.headers.get(TELEGRAM_SECRET_HEADER, "")
        if secret is None or not hmac.compare_digest(
                given.encode(), secret.get_secret_value().encode()):
            return _refused(services, "telegram", "bad secret token")
        authenticated(request)
        try:
            update = json_object(await request.body())
        except Malformed:
            return JSONResponse({"error": "not a Telegram update"}, 400)
        update_id = update.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            return JSONResponse({"error": "not a Telegram update"}, 400)
        return await run_in_threadpool(_telegram_handle, links, endpoint, update)

    app.add_api_route("/telegram/webhook", telegram_webhook, methods=["POST"])


def _telegram_handle(links: Seen, endpoint: TelegramEndpoint,
                     update: dict[str, Any]) -> JSONResponse:
    """Each update_id runs once: Telegram redelivers when an answer is slow."""
    if not links.first_time("telegram", str(update["update_id"])):
        return JSONResponse({"ok": True, "duplicate": True})
    try:
        endpoint.handle(update)
    except ValueError:
        return JSONResponse({"error": "not a Telegram update"}, 400)
    return JSONResponse({"ok": True})


def _slack_routes(app: FastAPI, services: Services, endpoint: SlackEndpoint) -> None:
    secret = services.settings.slack_signing_secret
    links = Seen(LinkService(services.db, services.clock))

    async def slack(request: Request) -> Response:
        body = await request.body()
        headers = {key.lower(): value for key, value in request.headers.items()}
        if secret is None or not verify(secret.get_secret_value(), body, headers):
            return _refused(services, "slack", "bad or stale signature")
        authenticated(request)
        try:
            payload = slack_payload(body, headers.get("content-type", ""))
        except Malformed as error:
            return JSONResponse({"error": f"malformed body: {error}"}, 400)
        return await run_in_threadpool(_slack_handle, links, endpoint, body, headers, payload)

    for path in ("/slack/events", "/slack/interactions", "/slack/commands"):
        app.add_api_route(path, slack, methods=["POST"])


def _slack_handle(links: Seen, endpoint: SlackEndpoint, body: bytes,
                  headers: dict[str, str], payload: dict[str, Any]) -> Response:
    """Each event, command and interaction runs once, Slack's retries
    (`X-Slack-Retry-Num`) and replays of a captured request included."""
    key = slack_replay_key(payload, body)
    if key is not None and not links.first_time("slack", key):
        return Response(b"", 200, {"x-aurelius-duplicate": "1"})
    status, extra, content = endpoint.handle(body, headers)
    return Response(content, status, extra)
