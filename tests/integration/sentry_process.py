"""A process with error tracking on: one request and one job hit a bug (run by the tests)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

TOKEN = "424242:AAH-secret-bot-token-for-sentry"
WEBHOOK_SECRET = "hook-secret-for-sentry"


class Exploding:
    def handle(self, update: dict[str, Any]) -> None:
        token = TOKEN  # a local variable: the SDK sends frame variables
        raise RuntimeError(f"request bug with {token}")


def main() -> None:
    import sentry_sdk

    from aurelius.bootstrap import build_services
    from aurelius.observed import start
    from aurelius.server.app import create_app
    from aurelius.settings import load_settings
    from aurelius.workers import jobs, runtime

    settings = load_settings()
    start(settings, "serve")
    services = build_services(settings)
    client = TestClient(create_app(services, telegram=Exploding()))
    update = {"update_id": 1, "message": {"message_id": 1, "date": 1, "text": "hi",
                                          "chat": {"id": 5, "type": "private"}}}
    answer = client.post("/telegram/webhook", json=update,
                         headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
                                  "X-Request-ID": "sentry-req-1"})
    assert answer.status_code == 500, answer.text
    runtime.use(services)
    with services.db.engine.begin() as connection:  # the job's bug: its table is gone
        connection.exec_driver_sql("DROP TABLE deliveries")
    queue = services.queue
    queue.retry_delays = ()  # type: ignore[attr-defined]
    queue.start()  # type: ignore[attr-defined]
    queue.enqueue(jobs.TICK, job_id="tick")
    queue.drain(timeout=10)  # type: ignore[attr-defined]
    queue.stop()  # type: ignore[attr-defined]
    sentry_sdk.flush(5)


if __name__ == "__main__":
    main()
