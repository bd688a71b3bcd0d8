"""The scheduler: APScheduler fires a tick; only the holder of the `scheduler` lease acts.

Triggers only enqueue jobs. The reminders, briefs and their delivery states live in the
database, so a restarted or newly elected scheduler carries on where the last one stopped.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from aurelius.workers.jobs import BACKUP, TICK
from core.services import leases

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

LEASE = "scheduler"
log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, services: Services, holder: str | None = None) -> None:
        self.services = services
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}"
        self.interval = services.settings.tick_seconds
        self.ttl = timedelta(seconds=max(5 * self.interval, 10))
        self.leading = False
        self.trouble: str | None = None  # the last failure, reported once until it clears
        self.backup_asked: date | None = None

    def fire(self) -> bool:
        """One trigger: renew the lease; as the leader, enqueue a tick. Returns leadership."""
        leading = leases.acquire(
            self.services.db, self.services.clock, LEASE, self.holder, self.ttl
        )
        if leading != self.leading:
            log.info("scheduler %s is %s", self.holder, "leading" if leading else "standing by")
            self.leading = leading
        self.services.metrics.set("aurelius_scheduler_leader", float(leading))
        if leading:
            self.services.queue.enqueue(TICK, job_id="tick")
            self._ask_for_backup()
        return leading

    def _ask_for_backup(self) -> None:
        """Once a (UTC) day per leader; the job itself skips a day that has its backup, so a
        restarted or newly elected leader asking again costs one look at the backup dir."""
        today = datetime.now(UTC).date()
        if self.backup_asked != today:
            self.services.queue.enqueue(BACKUP, job_id=f"backup-{today.isoformat()}")
            self.backup_asked = today

    def run(self, stop: threading.Event) -> None:
        """Fire every `tick_seconds` until `stop` is set; hand the lease back on the way out."""
        from apscheduler.schedulers.background import BackgroundScheduler

        # A tick still running when the next is due is simply skipped; that is not news.
        logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        scheduler = BackgroundScheduler(timezone="UTC")
        scheduler.add_job(
            self._safe_fire,
            "interval",
            seconds=self.interval,
            coalesce=True,
            max_instances=1,
            id="tick",
        )
        scheduler.start()
        self._safe_fire()
        try:
            stop.wait()
        finally:
            scheduler.shutdown(wait=True)
            leases.release(self.services.db, LEASE, self.holder)
            self.services.metrics.set("aurelius_scheduler_leader", 0.0)

    def _safe_fire(self) -> None:
        """One line when ticks start failing and one when they recover, never a loop of
        tracebacks: a database hiccup must not stop the trigger for good."""
        try:
            self.fire()
        except Exception as error:
            reason = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
            if reason != self.trouble:
                log.warning("scheduler tick failed (%s); retrying every %g s", reason,
                            self.interval)
                self.trouble = reason
            return
        if self.trouble:
            log.warning("scheduler ticks work again")
            self.trouble = None
