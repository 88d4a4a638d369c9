"""Services for background jobs: create, claim, report progress, finish."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from msoko.choices import JobStatus
from msoko.models import Job, User
from msoko.querysets import user_municipality_id


def job_create(
    *,
    kind: str,
    title: str,
    created_by: User | None,
    params: dict[str, Any] | None = None,
    school_id: int | None = None,
    municipality_id: int | None = None,
    file_sha256: str = "",
) -> Job:
    """Record a job in the queue; the caller enqueues the Celery task on commit.

    The job belongs to the municipality whose data it handles: the one given, else its
    author's; only that municipality's department sees it.
    """
    if municipality_id is None:
        municipality_id = user_municipality_id(created_by)
    return Job.objects.create(
        kind=kind,
        title=title,
        created_by=created_by,
        params=params or {},
        school_id=school_id,
        municipality_id=municipality_id,
        file_sha256=file_sha256,
    )


def job_enqueue(job: Job, task: Any) -> None:
    """Send `task(job.pk)` to the workers once the job row is committed."""
    transaction.on_commit(lambda: task.delay(job.pk))


def job_claim(*, job_id: int) -> bool:
    """Move a queued job to running; False when another worker already took it."""
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=timezone.now(), progress=0
        )
    )


def job_progress(*, job_id: int, progress: int, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(progress=max(0, min(progress, 100)), message=message)


def job_finish(
    *,
    job_id: int,
    result: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    message: str = "",
) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED if errors else JobStatus.SUCCEEDED,
        progress=100,
        result=result or {},
        errors=errors or [],
        message=message,
        finished_at=timezone.now(),
    )


def job_run(job_id: int, work: Callable[[Job, Callable[[int, str], None]], dict[str, Any]]) -> None:
    """Claim the job, run `work(job, report)` and record its outcome; safe to call twice.

    `work` returns the result counts (a "message" key, if any, is shown to the user), or
    raises `JobError` with messages for the user.
    """
    if not job_claim(job_id=job_id):
        return
    job = Job.objects.get(pk=job_id)

    def report(progress: int, message: str = "") -> None:
        job_progress(job_id=job_id, progress=progress, message=message)

    try:
        result = work(job, report)
    except JobError as exc:
        job_finish(job_id=job_id, errors=exc.messages, message=exc.messages[0])
        return
    except Exception as exc:
        job_finish(
            job_id=job_id,
            errors=[f"Внутренняя ошибка: {exc.__class__.__name__}. Сообщите администратору."],
            message="Задача завершилась с ошибкой.",
        )
        raise
    message = str(result.pop("message", "Готово."))
    job_finish(job_id=job_id, result=result, message=message)


class JobError(Exception):
    """A job that failed for a reason the user can act on (bad data, a locked campaign)."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))
