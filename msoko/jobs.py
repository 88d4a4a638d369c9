"""Services for background jobs: create, send, claim, report progress, finish, recover."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from msoko.choices import JobStatus
from msoko.models import Job, User
from msoko.querysets import user_municipality_id

logger = logging.getLogger(__name__)

# What publishing raises when Redis is down (kombu wraps its own; redis-py's may pass through).
BROKER_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError)
BROKER_DOWN_MESSAGE = (
    "Очередь задач недоступна; задача сохранена и будет запущена автоматически, "
    "когда очередь восстановится."
)
WORKER_LOST_MESSAGE = (
    "Задача прервана: обработчик фоновых задач перестал отвечать (сбой или перезапуск "
    "сервера). Запустите задачу заново; если ошибка повторится, сообщите администратору."
)
UNKNOWN_TASK_MESSAGE = "Задача не может быть запущена: её вид больше не поддерживается."
WORKER_HEARTBEAT_KEY = "msoko:worker-heartbeat"
UNSENT_GRACE_SECONDS = 30
RESEND_BATCH = 500


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
    """Send `task(job.pk)` to the workers once the job row is committed.

    The task's name is kept on the row, so the recovery task can send it again. A broker
    that is down does not fail the request: the job stays queued with a message for the
    user (`job_send`), and `jobs_recover` sends it when the broker is back.
    """
    Job.objects.filter(pk=job.pk).update(task_name=task.name)
    transaction.on_commit(lambda: job_send(job_id=job.pk, task_name=task.name))


def job_send(*, job_id: int, task_name: str) -> bool:
    """Publish the job's task; False, with the reason on the job row, when the broker is down."""
    task = _task(task_name)
    assert task is not None, task_name
    try:
        task.delay(job_id)
    except BROKER_ERRORS as exc:
        logger.warning("job %s: the broker is unavailable (%s); it stays queued", job_id, exc)
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(message=BROKER_DOWN_MESSAGE)
        return False
    Job.objects.filter(pk=job_id).update(
        enqueued_at=timezone.now(),
        attempts=F("attempts") + 1,
        # The worker may already have written its own message: only the broker's is cleared.
        message=Case(When(message=BROKER_DOWN_MESSAGE, then=Value("")), default=F("message")),
    )
    return True


def job_claim(*, job_id: int) -> bool:
    """Move a queued job to running; False when another worker already took it."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, progress=0, message=""
        )
    )


def job_progress(*, job_id: int, progress: int | None = None, message: str = "") -> None:
    """Record how far a running job is (None: only that it is alive) and refresh its heartbeat."""
    changes: dict[str, Any] = {"heartbeat_at": timezone.now()}
    if progress is not None:
        changes |= {"progress": max(0, min(progress, 100)), "message": message}
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**changes)


def job_finish(
    *,
    job_id: int,
    result: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    message: str = "",
) -> None:
    """Record the outcome. Unconditional: a job the recovery task gave up on that still ends
    shows what really happened."""
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
    raises `JobError` with messages for the user. In a worker, progress and the heartbeat
    are written by a `JobPulse` thread, outside the transactions of the work.
    """
    if not job_claim(job_id=job_id):
        return
    job = Job.objects.get(pk=job_id)
    result: dict[str, Any] = {}
    with JobPulse(job_id) as pulse:
        try:
            result = work(job, pulse.report)
        except JobError as exc:
            errors, message = exc.messages, exc.messages[0]
        except SoftTimeLimitExceeded:
            errors = [time_limit_message()]
            message = "Задача остановлена: превышено время выполнения."
        except Exception as exc:
            job_finish(
                job_id=job_id,
                errors=[f"Внутренняя ошибка: {exc.__class__.__name__}. Сообщите администратору."],
                message="Задача завершилась с ошибкой.",
            )
            raise
        else:
            errors, message = [], str(result.pop("message", "Готово."))
    job_finish(job_id=job_id, result=None if errors else result, errors=errors, message=message)


class JobError(Exception):
    """A job that failed for a reason the user can act on (bad data, a locked campaign)."""

    def __init__(self, messages: list[str] | str) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


class JobPulse:
    """Writes a running job's progress and heartbeat from a thread with its own connection.

    The work may run in one long transaction (an import commits all or nothing): a progress
    update written inside it would stay invisible to the polling page until the commit, and
    would hold a lock on the job row. The thread writes outside it as soon as progress is
    reported, and every JOB_HEARTBEAT_SECONDS while the worker lives; the recovery task
    reads that heartbeat to tell a dead worker from a slow job.

    In process (the embedded demo, tests) and on SQLite, whose writers queue behind one
    lock, progress is written directly, as before.
    """

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.threaded = _in_worker() and connection.vendor != "sqlite"
        self._lock = threading.Lock()
        self._pending: tuple[int, str] | None = None
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=f"job-{job_id}-pulse", daemon=True)

    def __enter__(self) -> JobPulse:
        if self.threaded:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def report(self, progress: int, message: str = "") -> None:
        if not self.threaded:
            job_progress(job_id=self.job_id, progress=progress, message=message)
            return
        with self._lock:
            self._pending = (progress, message)
        self._wake.set()

    def stop(self) -> None:
        """Stop writing (before the outcome is recorded); the last progress is not needed."""
        if not self.threaded or self._stopped:
            return
        with self._lock:
            self._stopped = True
        self._wake.set()
        self._thread.join(timeout=settings.BROKER_TIMEOUT_SECONDS * 5)

    def _run(self) -> None:
        try:
            while True:
                self._wake.wait(settings.JOB_HEARTBEAT_SECONDS)
                self._wake.clear()
                with self._lock:
                    if self._stopped:
                        return
                    pending, self._pending = self._pending, None
                try:
                    if pending is None:
                        job_progress(job_id=self.job_id)
                    else:
                        job_progress(job_id=self.job_id, progress=pending[0], message=pending[1])
                except DatabaseError:
                    logger.exception("job %s: the heartbeat was not written", self.job_id)
                    connection.close()  # reconnect on the next beat
        finally:
            connection.close()  # this thread's own connection


def _task(name: str) -> Any:
    """The registered Celery task of that name, or None."""
    from celery import current_app

    if name not in current_app.tasks:
        # Outside a worker the apps' tasks modules are imported only when first used.
        current_app.loader.import_default_modules()
    return current_app.tasks.get(name)


def _in_worker() -> bool:
    """True inside a Celery worker (not for a task run in process)."""
    from celery import current_task

    request = getattr(current_task, "request", None)
    return request is not None and not request.is_eager


def time_limit_message() -> str:
    return (
        f"Задача выполнялась дольше отведённых {settings.JOB_SOFT_TIME_LIMIT_MINUTES} мин "
        "и остановлена. Попробуйте позже или разделите файл на части; если ошибка "
        "повторится, сообщите администратору."
    )


# --- recovery ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobsRecovered:
    failed: int
    resent: int
    waiting: int  # queued jobs that could not be sent: the broker is still down


def jobs_recover(*, now: datetime | None = None) -> JobsRecovered:
    """Fail the jobs whose worker died; send again the queued jobs whose message was lost.

    A running job that has been silent for JOB_STALE_MINUTES lost its worker (killed, out
    of memory, the machine restarted), and one running past the hard time limit was
    killed: both are failed with a message (a late outcome of a living worker still wins,
    see `job_finish`). A queued job never started is safe to send again, because its task
    claims the row with a conditional UPDATE: a duplicate does nothing. One never sent
    (the broker was down) is sent at once, one sent but not started after
    JOB_RESEND_MINUTES is sent again (its message may have been lost with Redis).
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    running = Job.objects.filter(status=JobStatus.RUNNING)
    failed = _fail(
        running.filter(started_at__lt=now - timedelta(minutes=settings.JOB_TIME_LIMIT_MINUTES)),
        time_limit_message(),
        now,
    )
    failed += _fail(
        running.filter(
            Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
        ),
        WORKER_LOST_MESSAGE,
        now,
    )
    resend = now - timedelta(minutes=settings.JOB_RESEND_MINUTES)
    # The grace lets the request that created a job send it first (transaction.on_commit).
    unsent = now - timedelta(seconds=UNSENT_GRACE_SECONDS)
    lost = (
        Job.objects.filter(status=JobStatus.QUEUED, started_at__isnull=True)
        .exclude(task_name="")
        .filter(Q(enqueued_at__lt=resend) | Q(enqueued_at__isnull=True, created_at__lt=unsent))
        .order_by("created_at")
        .values_list("pk", "task_name")
    )
    resent = waiting = 0
    for job_id, task_name in lost[:RESEND_BATCH]:
        if _task(task_name) is None:
            failed += _fail(Job.objects.filter(pk=job_id), UNKNOWN_TASK_MESSAGE, now)
        elif waiting or not job_send(job_id=job_id, task_name=task_name):
            waiting += 1  # the broker is down: the next run tries again
        else:
            resent += 1
    if failed or resent or waiting:
        logger.warning(
            "jobs recovered: %s failed, %s sent again, %s waiting", failed, resent, waiting
        )
    return JobsRecovered(failed=failed, resent=resent, waiting=waiting)


def _fail(jobs: Any, message: str, now: datetime) -> int:
    """Fail the jobs; an import's upload is given back for another confirm.

    Conditional on the status the caller filtered by, so a job that ends meanwhile is kept.
    """
    from msoko.uploads import upload_release

    active = (JobStatus.QUEUED, JobStatus.RUNNING)
    ids = list(jobs.filter(status__in=active).values_list("pk", flat=True))
    count = Job.objects.filter(pk__in=ids, status__in=active).update(
        status=JobStatus.FAILED, message=message, errors=[message], finished_at=now
    )
    for job in Job.objects.filter(pk__in=ids, status=JobStatus.FAILED, finished_at=now):
        upload_release(job)
    return int(count)


# --- the health of the workers -------------------------------------------------------------


def broker_status() -> str:
    """ "ok" or "error" for the Redis broker, "in-process" when there is none."""
    if not settings.REDIS_URL:
        return "in-process"
    try:
        _redis().ping()
    except RedisError:
        return "error"
    return "ok"


def worker_heartbeat_touch() -> None:
    """Record that a worker is alive (worker signals and the recovery task call this)."""
    if not settings.REDIS_URL:
        return
    try:
        _redis().set(WORKER_HEARTBEAT_KEY, timezone.now().isoformat())
    except RedisError:
        logger.warning("the worker heartbeat was not recorded: Redis is unavailable")


def worker_heartbeat_get() -> datetime | None:
    """When a worker last said it is alive; None if never or unknown (no broker)."""
    if not settings.REDIS_URL:
        return None
    try:
        value = _redis().get(WORKER_HEARTBEAT_KEY)
    except RedisError:
        return None
    return datetime.fromisoformat(value.decode()) if value else None


def _redis() -> Any:
    import redis

    timeout = settings.BROKER_TIMEOUT_SECONDS
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout
    )
