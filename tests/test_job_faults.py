"""Faults with real processes: a worker killed in the middle of an import, Redis stopped and
started again around a confirmation. Run in the PostgreSQL + Redis run (`./run test`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.choices import UploadStatus
from assessments.models import Result, ResultUpload
from assessments.services.imports import upload_check, upload_confirm, upload_import
from msoko.choices import JobStatus
from msoko.jobs import BROKER_DOWN_MESSAGE, WORKER_LOST_MESSAGE, jobs_recover
from msoko.models import Job
from msoko.tasks import jobs_recover_task
from tests.assessments.builders import f1_xlsx, sample_schools
from tests.assessments.test_import_results import make_campaign
from tests.conftest import require_service
from tests.factories import SchoolFactory
from tests.test_celery_worker import broker_at, worker_process

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(condition: Callable[[], bool], seconds: float, what: str, step: float = 0.05) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(step)
    pytest.fail(f"{what}: not within {seconds} s")


def job_of(upload: ResultUpload) -> Job:
    upload.refresh_from_db()
    assert upload.job_id is not None
    return Job.objects.get(pk=upload.job_id)


@pytest.fixture(autouse=True)
def _checks_in_process(settings: Any) -> None:
    """These tests are about the commit: the dry run of their large files runs inline."""
    settings.UPLOAD_CHECK_INLINE_MB = 100


def imported_with(user: Any, schools: list[Any], pupils: int, first_code: int) -> ResultUpload:
    """A checked Ф1 upload of `pupils` participants per school."""
    data = f1_xlsx(
        sample_schools([s.login for s in schools], pupils, first_code=first_code),
        write_only=True,
    )
    upload = upload_check(user=user, filename=f"f1-{pupils}.xlsx", data=data)
    assert upload.status == UploadStatus.CHECKED, upload.report.get("problems")
    return upload


# --- a worker killed with SIGKILL in the middle of a result import --------------------------


@pytest.fixture
def worker() -> Iterator[subprocess.Popen[bytes]]:
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with worker_process(settings.REDIS_URL) as process:
        yield process


def test_a_worker_killed_during_an_import_leaves_the_old_results_or_the_new_never_a_mix(
    worker: subprocess.Popen[bytes], specialist: Any, municipality: Any
) -> None:
    campaign = make_campaign()
    schools = [SchoolFactory(municipality=municipality) for _ in range(6)]
    old = imported_with(specialist, schools, pupils=2, first_code=10_001)
    upload_import(upload_id=old.pk)  # the results the big file replaces, all or nothing
    assert Result.objects.filter(campaign=campaign).count() == 12
    # 60,000 rows: three COPY chunks, so the first chunk's progress comes well before the commit.
    new = imported_with(specialist, schools, pupils=10_000, first_code=100_001)

    upload_confirm(upload_id=new.pk, user=specialist)
    job = job_of(new)

    def writing() -> bool:
        job.refresh_from_db()
        assert not job.is_finished or job.status == JobStatus.SUCCEEDED, job.errors
        return job.message.startswith("Записано") or job.is_finished

    wait_for(writing, 120, "the import reporting its progress", step=0.02)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)

    uploads = list(
        Result.objects.filter(campaign=campaign).values_list("upload_id", flat=True).distinct()
    )
    rows = Result.objects.filter(campaign=campaign).count()
    assert (uploads, rows) in (([old.pk], 12), ([new.pk], 60_000)), (uploads, rows)

    # The recovery (the beat job) fails a job whose worker died; a finished job is kept.
    later = timezone.now() + timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    jobs_recover(now=later)
    job.refresh_from_db()
    if uploads == [old.pk]:
        assert job.status == JobStatus.FAILED and job.message == WORKER_LOST_MESSAGE
        assert job.progress > 45  # it was writing when it died: visible, thanks to JobPulse
    else:
        assert job.status == JobStatus.SUCCEEDED
    assert job.is_finished


# --- Redis stopped during a confirmation, then started again ---------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A redis-server of this test alone, on a spare port (never the shared one)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_for(answers, 10, "redis-server answering", step=0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def private_redis(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require_service(bool(os.environ.get("REDIS_URL")), "Redis (REDIS_URL)")
    require_service(shutil.which("redis-server") is not None, "redis-server")
    server = PrivateRedis(tmp_path)
    server.start()
    settings.REDIS_URL = server.url  # what /healthz and the heartbeat talk to
    try:
        with broker_at(server.url):
            yield server
    finally:
        server.stop()


def test_a_confirmation_while_redis_is_down_runs_once_redis_is_back(
    private_redis: PrivateRedis, specialist: Any, municipality: Any, client_for: Any
) -> None:
    make_campaign()
    schools = [SchoolFactory(municipality=municipality) for _ in range(2)]
    upload = imported_with(specialist, schools, pupils=3, first_code=10_001)
    client = client_for(specialist)

    with worker_process(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        response = client.post(reverse("assessments:upload_confirm", args=[upload.pk]))
        assert time.monotonic() - started < 10  # the publish fails fast
        assert response.status_code == 302

        page = client.get(response["Location"])
        assert page.status_code == 200
        assert BROKER_DOWN_MESSAGE in page.content.decode()
        job = job_of(upload)
        assert job.status == JobStatus.QUEUED and job.message == BROKER_DOWN_MESSAGE
        health = client.get(reverse("healthz"))
        assert health.status_code == 200 and json.loads(health.content)["broker"] == "error"

        private_redis.start()
        from msoko.celery import app

        wait_for(lambda: bool(app.control.ping(timeout=0.5)), 60, "the worker reconnecting")
        # What beat does every minute; the job is old enough for the recovery to send it.
        Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))
        jobs_recover_task.delay()

        def finished() -> bool:
            job.refresh_from_db()
            return job.is_finished

        wait_for(finished, 60, "the job finishing", step=0.2)
        assert job.status == JobStatus.SUCCEEDED, job.errors
        assert job.attempts == 1 and "Загружено участников: 6" in job.message
        upload.refresh_from_db()
        assert upload.status == UploadStatus.IMPORTED
        assert Result.objects.filter(upload=upload).count() == 6

        body = json.loads(client.get(reverse("healthz")).content)
        assert body["broker"] == "ok" and body["worker_heartbeat"] is not None
        assert body["status"] == "ok"
