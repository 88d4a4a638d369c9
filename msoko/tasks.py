"""Celery tasks of the portal's own machinery: the recovery of jobs, the worker heartbeat."""

from __future__ import annotations

import time
from typing import Any

from celery import shared_task
from celery.signals import heartbeat_sent, worker_ready

# Celery's own heartbeat fires every two seconds; Redis needs to hear of it far less often.
HEARTBEAT_EVERY_SECONDS = 30.0
_last_heartbeat = 0.0


@shared_task(name="msoko.jobs_recover")
def jobs_recover_task() -> dict[str, int]:
    """The beat job: fail jobs whose worker died, send again queued jobs whose message was lost."""
    from msoko.jobs import jobs_recover, worker_heartbeat_touch

    worker_heartbeat_touch()
    recovered = jobs_recover()
    return {"failed": recovered.failed, "resent": recovered.resent, "waiting": recovered.waiting}


@shared_task(name="msoko.upload_import")
def upload_import_task(job_id: int) -> None:
    """Commit the upload named in the job's params through its flow (msoko.uploads).

    Safe to run twice: `job_run` claims the job with a conditional UPDATE, and
    `upload_commit` refuses an upload that is no longer queued.
    """
    from msoko.jobs import job_run
    from msoko.uploads import upload_commit

    def work(job: Any, report: Any) -> dict[str, Any]:
        return upload_commit(
            flow_name=job.params["flow"],
            upload_id=job.params["upload_id"],
            progress=report,
            options=job.params.get("options"),
        )

    job_run(job_id, work)


@shared_task(name="msoko.upload_check")
def upload_check_task(job_id: int) -> None:
    """The dry run of a large upload (msoko.uploads); claims the job, so it runs once."""
    from msoko.jobs import job_run
    from msoko.uploads import upload_check_run

    def work(job: Any, report: Any) -> dict[str, Any]:
        return upload_check_run(
            flow_name=job.params["flow"],
            upload_id=job.params["upload_id"],
            options=job.params.get("options"),
            progress=report,
        )

    job_run(job_id, work)


@worker_ready.connect
def _worker_ready(**_kwargs: Any) -> None:
    from msoko.jobs import worker_heartbeat_touch

    worker_heartbeat_touch()


@heartbeat_sent.connect
def _worker_heartbeat(**_kwargs: Any) -> None:
    global _last_heartbeat
    if time.monotonic() - _last_heartbeat < HEARTBEAT_EVERY_SECONDS:
        return
    _last_heartbeat = time.monotonic()
    from msoko.jobs import worker_heartbeat_touch

    worker_heartbeat_touch()
