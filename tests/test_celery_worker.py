"""A real Celery worker process, fed through Redis, does the work and writes the database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from msoko.choices import JobStatus
from msoko.jobs import job_create
from msoko.models import Job
from schools.models import SocialPassport
from schools.tasks import wellbeing_recompute_task
from schools.wellbeing import wellbeing_index
from tests.conftest import require_service
from tests.factories import PassportFactory, SchoolFactory

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# Every queue of CELERY_TASK_ROUTES: one worker here does what several do in production.
QUEUES = "imports,reports,default"


@contextlib.contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Point this process's Celery app at another broker (its pools are made per broker)."""
    from msoko.celery import app

    def drop_pools() -> None:
        # Not closed: kombu keeps each pool in a registry by broker and would hand it back.
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    drop_pools()
    app.conf.broker_url = url
    try:
        yield
    finally:
        drop_pools()
        app.conf.broker_url = previous


@contextlib.contextmanager
def worker_process(redis_url: str, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker (solo pool, every queue) fed through `redis_url`, answering pings."""
    from msoko.celery import app

    app.conf.task_always_eager = False  # restored by the autouse fixture in conftest
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "msoko",
        "worker",
        "--pool=solo",
        f"--queues={QUEUES}",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    environment = os.environ | env
    # The test's database and files (conftest gives each test its own MEDIA_ROOT).
    environment |= {
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    # A file, not a pipe: a worker that logs more than a pipe holds would block on it.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    log.seek(0)
                    pytest.fail("the Celery worker exited: " + log.read().decode(errors="replace"))
                if app.control.ping(timeout=0.5):
                    break
            else:
                pytest.fail("the Celery worker did not answer a ping in 30 s")
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def worker() -> Iterator[subprocess.Popen[bytes]]:
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    require_service(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    with worker_process(settings.REDIS_URL) as process:
        yield process


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_recomputes_the_index_of_every_school(worker: Any, specialist: Any) -> None:
    passports = [
        PassportFactory(school=SchoolFactory(), year=2025, share_low_income=share)
        for share in (5, 25, 60)
    ]
    assert all(p.wellbeing_index is None for p in passports)  # factories bypass the service
    job = job_create(kind="wellbeing_recompute", title="Пересчёт", created_by=specialist)

    wellbeing_recompute_task.delay(job.pk)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert job.result["changed"] == 3
    for passport in SocialPassport.objects.filter(pk__in=[p.pk for p in passports]):
        assert passport.wellbeing_index == wellbeing_index(passport.values())
    # The task is safe to run twice: a second delivery finds the job claimed and does nothing.
    wellbeing_recompute_task.delay(job.pk)
    time.sleep(1)
    assert Job.objects.get(pk=job.pk).finished_at == job.finished_at
