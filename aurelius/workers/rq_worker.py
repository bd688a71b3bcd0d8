"""`aurelius worker`: an RQ worker, with a clear line instead of a traceback when Redis is away."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.errors import ConfigError, ProviderUnavailable

if TYPE_CHECKING:
    from aurelius.bootstrap import Services


def work(services: Services, *, burst: bool, simple: bool) -> None:
    from redis import Redis
    from redis.exceptions import ConnectionError, TimeoutError
    from rq import SimpleWorker, Worker

    from aurelius.adapters.rq_queue import QUEUE

    url = services.settings.redis_url
    if not url:
        raise ConfigError(
            "`aurelius worker` needs Redis: set AURELIUS_REDIS_URL. Without it, "
            "`aurelius run` does the work in one process."
        )
    link = services.queue.link  # type: ignore[attr-defined]
    # Its own connection: a worker blocks on Redis for a while by design, so the short
    # timeouts of the shared link would cut every wait short.
    connection = Redis.from_url(url, socket_connect_timeout=services.settings.redis_timeout)
    kind = SimpleWorker if simple else Worker
    try:
        connection.ping()
        kind([QUEUE], connection=connection).work(burst=burst)
    except (ConnectionError, TimeoutError) as error:
        raise ProviderUnavailable(
            f"Redis at {link.shown_url} is unreachable ({type(error).__name__}); start it, "
            "or unset AURELIUS_REDIS_URL and use `aurelius run`."
        ) from None
