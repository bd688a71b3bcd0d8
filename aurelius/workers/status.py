"""What `aurelius jobs status` reports, and re-running a failed job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from core.errors import NotFound, ProviderUnavailable
from core.models import Delivery, JobRecord, Lease, Reminder
from core.models.reminder import SCHEDULED
from core.services.reminder_status import statuses
from core.timeutil import format_when

if TYPE_CHECKING:
    from aurelius.bootstrap import Services


def collect(services: Services) -> dict[str, Any]:
    return {"queue": _queue(services), **_database(services)}


def retry(services: Services, job_id: str) -> str:
    """Re-run a failed job: RQ requeues it; an embedded one runs right here."""
    if services.settings.redis_url:
        from rq.registry import FailedJobRegistry

        queue = services.queue.queue  # type: ignore[attr-defined]

        def requeue(_: Any) -> str:
            FailedJobRegistry(queue=queue).requeue(job_id)
            return f"Requeued job {job_id}."

        return str(services.queue.link.call(requeue, _unreachable(services)))  # type: ignore[attr-defined]
    from aurelius.adapters.local_queue import resolve
    from aurelius.workers import runtime

    with services.db.transaction() as session:
        record = session.get(JobRecord, int(job_id)) if job_id.isdigit() else None
        if record is None or record.state != "failed":
            raise NotFound(f"No failed job {job_id}. See `aurelius jobs status`.")
        function, args = record.function, list(record.args)
        record.state = "retried"
    runtime.use(services)
    resolve(function)(*args)
    return f"Ran {function}{tuple(args)} again."


def _queue(services: Services) -> dict[str, Any]:
    if not services.settings.redis_url:
        with services.db.transaction() as session:
            failed = session.scalars(
                select(JobRecord)
                .where(JobRecord.state == "failed")
                .order_by(JobRecord.id.desc())
                .limit(10)
            ).all()
            return {
                "backend": "in-process (runs inside `aurelius run`)",
                "failed jobs": [
                    f"{j.id}: {j.function}{tuple(j.args)} {j.last_error}" for j in failed
                ],
            }
    link = services.queue.link  # type: ignore[attr-defined]
    return dict(link.call(lambda _: _rq(services.queue.queue),  # type: ignore[attr-defined]
                          lambda: {"backend": f"RQ on Redis at {link.shown_url}: unreachable"}))


def _rq(queue: Any) -> dict[str, Any]:
    from rq import Worker
    from rq.registry import FailedJobRegistry

    return {
        "backend": "RQ on Redis",
        "queued": queue.count,
        "workers": len(Worker.all(queue=queue)),
        "failed jobs": FailedJobRegistry(queue=queue).get_job_ids()[:10],
    }


def _unreachable(services: Services) -> Any:
    def fail() -> str:
        raise ProviderUnavailable(
            f"Redis at {services.queue.link.shown_url} is unreachable; "  # type: ignore[attr-defined]
            "start it and run `aurelius jobs retry` again."
        )

    return fail


def _database(services: Services) -> dict[str, Any]:
    """Deliveries by state, reminders by status (the same words as `remind list --all`),
    times in the zone configured now."""
    now, tz = services.clock.now(), services.settings.timezone
    with services.db.transaction() as session:
        counted = session.execute(select(Delivery.state, func.count()).group_by(Delivery.state))
        upcoming = session.scalars(
            select(Reminder).where(Reminder.status == SCHEDULED).order_by(Reminder.next_at).limit(5)
        ).all()
        lease = session.get(Lease, "scheduler")
        return {
            "deliveries": {state: int(count) for state, count in sorted(counted)},
            "reminders": _reminder_counts(session, now),
            "next reminders": [
                f"#{r.id} {r.title} at {format_when(r.next_at, tz, now)}"
                for r in upcoming
                if r.next_at
            ],
            "scheduler": {
                "leader": lease.holder if lease else "none",
                "lease until": format_when(lease.expires_at, tz, now) if lease else "-",
            },
        }


def _reminder_counts(session: Any, now: Any) -> dict[str, int]:
    reminders = session.scalars(select(Reminder)).all()
    counts: dict[str, int] = {}
    for status in statuses(session, reminders, now, None).values():
        counts[status.name] = counts.get(status.name, 0) + 1
    return dict(sorted(counts.items()))
