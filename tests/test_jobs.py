"""Jobs survive faults: queues, time limits, the recovery rules, a broker that is down, /healthz.

Fast tests, in process; the same faults with real processes are in test_job_faults.py.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import timedelta
from typing import Any

import pytest
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from msoko.celery import app
from msoko.choices import JobStatus
from msoko.jobs import (
    BROKER_DOWN_MESSAGE,
    UNKNOWN_TASK_MESSAGE,
    WORKER_LOST_MESSAGE,
    JobError,
    job_create,
    job_enqueue,
    job_run,
    jobs_recover,
    time_limit_message,
)
from msoko.models import Job
from tests.test_celery_worker import broker_at
from tests.test_settings import manage

pytestmark = pytest.mark.django_db


@shared_task(name="tests.job_done")
def job_done_task(job_id: int) -> None:
    """A job that does nothing but succeed: what the recovery sends must really run."""
    job_run(job_id, lambda job, report: {"message": "Сделано."})


def closed_port() -> int:
    """A local port nothing listens on: a broker there refuses every connection."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_job(user: Any = None, **fields: Any) -> Job:
    job = job_create(kind="test", title="Проверка", created_by=user)
    fields.setdefault("task_name", job_done_task.name)
    Job.objects.filter(pk=job.pk).update(**fields)
    job.refresh_from_db()
    return job


# --- settings: acknowledgement, time limits, queues -----------------------------------------


def test_tasks_are_acknowledged_late_and_given_back_when_the_worker_dies(settings: Any) -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_soft_time_limit == settings.JOB_SOFT_TIME_LIMIT_MINUTES * 60
    assert app.conf.task_time_limit == settings.JOB_TIME_LIMIT_MINUTES * 60
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit
    # Redis gives an unacknowledged message back only after this: never while it still runs.
    assert app.conf.broker_transport_options["visibility_timeout"] > app.conf.task_time_limit


def test_a_hard_limit_not_above_the_soft_one_stops_start_up(tmp_path: Any) -> None:
    env = {"DATA_DIR": str(tmp_path), "JOB_SOFT_TIME_LIMIT_MINUTES": "20"}
    result = manage("check", env=env | {"JOB_TIME_LIMIT_MINUTES": "20"})
    assert result.returncode != 0
    assert "JOB_TIME_LIMIT_MINUTES=20: must be greater than" in result.stderr


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("assessments.results_import", "imports"),
        ("schools.registry_import", "imports"),
        ("roadmaps.roadmap_import", "imports"),
        ("roadmaps.pdf_render", "reports"),
        ("reports.school_passport_pdf", "reports"),
        ("schools.wellbeing_recompute", "default"),
        ("roadmaps.reminders_daily", "default"),
        ("msoko.jobs_recover", "default"),
    ],
)
def test_tasks_are_routed_to_their_queue_by_name(task_name: str, queue: str) -> None:
    assert app.amqp.router.route({}, task_name)["queue"].name == queue


def test_the_recovery_runs_on_beat_and_every_registered_task_has_a_queue() -> None:
    entry = app.conf.beat_schedule["msoko-jobs-recover"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    queues = {
        app.amqp.router.route({}, name)["queue"].name
        for name in app.tasks
        if not name.startswith("celery.")
    }
    assert queues <= {"imports", "reports", "default"}


def test_the_soft_time_limit_fails_the_job_with_a_clear_message(specialist: Any) -> None:
    job = make_job(specialist)

    def work(job: Any, report: Any) -> dict[str, Any]:
        report(40, "Запись…")
        raise SoftTimeLimitExceeded()

    job_run(job.pk, work)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [time_limit_message()]
    assert "дольше отведённых" in job.errors[0] and "мин" in job.errors[0]


def test_a_job_error_still_fails_the_job_with_its_own_messages(specialist: Any) -> None:
    job = make_job(specialist)

    def work(job: Any, report: Any) -> dict[str, Any]:
        raise JobError(["строка 3: нет кода ОО", "строка 7: балл больше максимума"])

    job_run(job.pk, work)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == "строка 3: нет кода ОО"
    assert len(job.errors) == 2


# --- recovery rules ----------------------------------------------------------------------------


def test_a_running_job_without_heartbeat_for_too_long_is_failed_with_a_message(
    settings: Any,
) -> None:
    now = timezone.now()
    silent = now - timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    job = make_job(status=JobStatus.RUNNING, started_at=silent, heartbeat_at=silent, progress=60)

    recovered = jobs_recover(now=now)

    job.refresh_from_db()
    assert recovered.failed == 1
    assert job.status == JobStatus.FAILED
    assert job.message == WORKER_LOST_MESSAGE and job.errors == [WORKER_LOST_MESSAGE]
    assert job.finished_at == now and job.is_finished


def test_a_running_job_with_a_fresh_heartbeat_is_left_alone(settings: Any) -> None:
    now = timezone.now()
    job = make_job(
        status=JobStatus.RUNNING,
        started_at=now - timedelta(minutes=settings.JOB_STALE_MINUTES * 3),
        heartbeat_at=now - timedelta(seconds=settings.JOB_HEARTBEAT_SECONDS),
    )

    assert jobs_recover(now=now).failed == 0
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_a_job_running_past_the_hard_time_limit_is_failed_even_with_a_heartbeat(
    settings: Any,
) -> None:
    now = timezone.now()
    job = make_job(
        status=JobStatus.RUNNING,
        started_at=now - timedelta(minutes=settings.JOB_TIME_LIMIT_MINUTES + 1),
        heartbeat_at=now,
    )

    jobs_recover(now=now)

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.errors == [time_limit_message()]


def test_a_queued_job_whose_message_was_lost_is_sent_again_and_runs(settings: Any) -> None:
    now = timezone.now()
    sent = now - timedelta(minutes=settings.JOB_RESEND_MINUTES + 1)
    job = make_job(created_at=sent, enqueued_at=sent, attempts=1)

    recovered = jobs_recover(now=now)

    job.refresh_from_db()
    assert recovered.resent == 1
    assert job.status == JobStatus.SUCCEEDED and job.message == "Сделано."  # ran in process
    assert job.attempts == 2


def test_a_queued_job_sent_recently_is_not_sent_twice(settings: Any) -> None:
    now = timezone.now()
    job = make_job(created_at=now - timedelta(hours=1), enqueued_at=now - timedelta(minutes=1))

    assert jobs_recover(now=now).resent == 0
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.attempts == 0


def test_a_queued_job_never_sent_is_sent_after_a_short_grace() -> None:
    now = timezone.now()
    fresh = make_job(created_at=now - timedelta(seconds=5))
    unsent = make_job(created_at=now - timedelta(minutes=1), message=BROKER_DOWN_MESSAGE)

    assert jobs_recover(now=now).resent == 1

    fresh.refresh_from_db()
    unsent.refresh_from_db()
    assert fresh.status == JobStatus.QUEUED  # its request may not have sent it yet
    assert unsent.status == JobStatus.SUCCEEDED and unsent.message == "Сделано."


def test_finished_jobs_and_jobs_without_a_task_are_untouched() -> None:
    now = timezone.now()
    long_ago = now - timedelta(days=3)
    done = make_job(status=JobStatus.SUCCEEDED, started_at=long_ago, finished_at=long_ago)
    failed = make_job(status=JobStatus.FAILED, started_at=long_ago, finished_at=long_ago)
    legacy = make_job(created_at=long_ago, task_name="")

    assert jobs_recover(now=now) == type(jobs_recover(now=now))(failed=0, resent=0, waiting=0)

    for job, status in ((done, JobStatus.SUCCEEDED), (failed, JobStatus.FAILED)):
        job.refresh_from_db()
        assert job.status == status and job.finished_at == long_ago and job.errors == []
    legacy.refresh_from_db()
    assert legacy.status == JobStatus.QUEUED


def test_a_queued_job_of_a_task_that_no_longer_exists_is_failed() -> None:
    now = timezone.now()
    job = make_job(created_at=now - timedelta(hours=1), task_name="schools.gone_away")

    assert jobs_recover(now=now).failed == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message == UNKNOWN_TASK_MESSAGE


def test_the_command_runs_the_recovery(settings: Any, capsys: Any) -> None:
    stale = timezone.now() - timedelta(minutes=settings.JOB_STALE_MINUTES + 1)
    job = make_job(status=JobStatus.RUNNING, started_at=stale, heartbeat_at=stale)

    call_command("jobs_recover")

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Помечено неудавшимися: 1" in capsys.readouterr().out


# --- the broker is down at enqueue ---------------------------------------------------------


@pytest.fixture
def broker_down() -> Any:
    """A real Celery publish to a Redis that refuses connections (not a mock of the error)."""
    app.conf.task_always_eager = False  # restored by the autouse fixture in conftest
    with broker_at(f"redis://127.0.0.1:{closed_port()}/0"):
        yield


def test_with_the_broker_down_the_job_stays_queued_with_a_message(
    broker_down: Any, specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = job_create(kind="test", title="Проверка", created_by=specialist)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(job, job_done_task)
    assert time.monotonic() - started < 5  # the publish fails fast; the request does not hang

    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert job.message == BROKER_DOWN_MESSAGE
    assert job.task_name == "tests.job_done" and job.enqueued_at is None and job.attempts == 0
    # Still down: the recovery leaves it queued, waiting.
    later = timezone.now() + timedelta(minutes=1)
    assert jobs_recover(now=later).waiting == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.message == BROKER_DOWN_MESSAGE


def test_the_user_sees_the_broker_down_message_on_the_job_page_not_a_500(
    broker_down: Any, specialist: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(specialist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("schools:wellbeing_recompute"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert BROKER_DOWN_MESSAGE in page.content.decode()
    assert Job.objects.get().status == JobStatus.QUEUED


def test_a_job_left_queued_by_a_broker_outage_runs_when_the_broker_is_back(
    specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = job_create(kind="test", title="Проверка", created_by=specialist)
    app.conf.task_always_eager = False
    with (
        broker_at(f"redis://127.0.0.1:{closed_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job_enqueue(job, job_done_task)
    app.conf.task_always_eager = True  # the broker is back (in process, here)

    recovered = jobs_recover(now=timezone.now() + timedelta(minutes=1))

    job.refresh_from_db()
    assert recovered.resent == 1
    assert job.status == JobStatus.SUCCEEDED and job.message == "Сделано." and job.attempts == 1


# --- /healthz ---------------------------------------------------------------------------------


def test_healthz_answers_without_sign_in_and_tells_only_states(client: Any, settings: Any) -> None:
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = json.loads(response.content)
    assert set(body) == {"status", "database", "broker", "worker_heartbeat", "media_free_bytes"}
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] == "in-process" and body["worker_heartbeat"] is None
    assert isinstance(body["media_free_bytes"], int) and body["media_free_bytes"] > 0
    text = response.content.decode()
    assert str(settings.MEDIA_ROOT) not in text and str(settings.BASE_DIR) not in text
    assert socket.gethostname() not in text


def test_healthz_is_degraded_not_down_when_the_broker_is_unreachable(
    client: Any, settings: Any
) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    body = json.loads(client.get(reverse("healthz")).content)
    assert body["broker"] == "error" and body["status"] == "degraded"
    assert body["database"] == "ok"


class _BrokenConnection:
    def cursor(self) -> Any:
        raise OperationalError("could not connect to server")


def test_healthz_is_503_when_the_database_is_unreachable(client: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("msoko.views.connection", _BrokenConnection())

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error" and body["database"] == "error"
    assert "could not connect" not in response.content.decode()
