"""The shared upload flow (msoko.uploads), as every importer goes through it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from msoko.choices import JobStatus, UploadStatus
from msoko.jobs import JobError, jobs_recover
from msoko.models import Job
from msoko.uploads import FLOWS, UploadRefused, upload_commit, upload_confirm, upload_store
from roadmaps.models import Roadmap, RoadmapImport
from roadmaps.services import ROADMAP_IMPORT
from tests.roadmaps.test_import import build_docx

pytestmark = pytest.mark.django_db

PARAMS = {"title": "Карта", "start_year": 2024, "end_year": 2026, "status": "draft"}


def _stored(specialist: Any) -> RoadmapImport:
    upload: RoadmapImport = upload_store(
        ROADMAP_IMPORT, user=specialist, filename="karta.docx", data=build_docx(), params=PARAMS
    )
    return upload


def test_every_importer_registers_its_flow() -> None:
    assert {"results", "registry", "roadmap", "medalists"} <= set(FLOWS)


def test_the_file_is_stored_once_with_its_report_and_checked(specialist: Any) -> None:
    upload = _stored(specialist)
    assert upload.status == UploadStatus.CHECKED
    assert upload.report["tasks"] == 5 and upload.report["errors"] == 0
    assert upload.file.name.endswith(f"{upload.sha256[:32]}.docx")
    assert RoadmapImport.objects.count() == 1 and not Roadmap.objects.exists()


def test_a_task_delivered_twice_commits_once(
    specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _stored(specialist)
    with django_capture_on_commit_callbacks(execute=False):
        job = upload_confirm(ROADMAP_IMPORT, upload_id=upload.pk, user=specialist)
    assert Job.objects.get(pk=job.pk).kind == "roadmap_import"
    upload_commit(flow_name="roadmap", upload_id=upload.pk)
    with pytest.raises(JobError, match="уже обработан"):
        upload_commit(flow_name="roadmap", upload_id=upload.pk)
    assert Roadmap.objects.count() == 1
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED and upload.roadmap is not None
    with pytest.raises(UploadRefused, match="уже загружен"):
        upload_confirm(ROADMAP_IMPORT, upload_id=upload.pk, user=specialist)


def test_a_file_changed_after_the_check_is_not_committed(specialist: Any) -> None:
    upload = _stored(specialist)
    upload.file.save(upload.file.name.rsplit("/", 1)[-1], ContentFile(b"PK changed"), save=True)
    with pytest.raises(JobError, match="изменён после проверки"):
        upload_commit(flow_name="roadmap", upload_id=upload.pk)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.FAILED
    assert upload.report["import_errors"] == [
        "исходный файл изменён после проверки; загрузите его заново"
    ]
    assert not Roadmap.objects.exists()


def test_an_upload_whose_worker_died_can_be_confirmed_again(
    specialist: Any, django_capture_on_commit_callbacks: Any
) -> None:
    upload = _stored(specialist)
    with django_capture_on_commit_callbacks(execute=False):
        job = upload_confirm(ROADMAP_IMPORT, upload_id=upload.pk, user=specialist)
    long_ago = timezone.now() - timedelta(hours=2)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    assert jobs_recover().failed == 1
    upload.refresh_from_db()
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    assert upload.status == UploadStatus.CHECKED  # nothing was written: it may go again
    with django_capture_on_commit_callbacks(execute=True):
        upload_confirm(ROADMAP_IMPORT, upload_id=upload.pk, user=specialist)
    assert Roadmap.objects.count() == 1


def test_a_large_file_is_checked_by_a_job_and_the_page_follows_it(
    specialist: Any, client_for: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schools.models import RegistryUpload, School
    from tests.schools.builders import registry_file

    settings.UPLOAD_CHECK_INLINE_MB = 0  # every file counts as large
    client = client_for(specialist)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/schools/registry/", {"file": SimpleUploadedFile("r.xlsx", registry_file())}
        )
    upload = RegistryUpload.objects.get()
    assert upload.status == UploadStatus.CHECKING and upload.job is not None
    assert upload.job.kind == "registry_check"
    page = client.get(response["Location"]).content.decode()
    assert "его проверяет фоновая задача" in page and "?was=checking" in page
    progress = f"/schools/registry/{upload.pk}/progress/?was=checking"
    assert "HX-Refresh" not in client.get(progress, HTTP_HX_REQUEST="true")
    for callback in queued:
        callback()  # the worker runs the check
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
    assert upload.report["summary"]["school_create"] == 3 and not School.objects.exists()
    assert client.get(progress, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    assert "Подтвердить загрузку" in client.get(response["Location"]).content.decode()


def test_a_director_follows_the_check_of_his_large_file(
    director_a: Any,
    school_a: Any,
    client_for: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.models import ResultUpload
    from tests.assessments.builders import f1_xlsx, sample_schools
    from tests.assessments.test_import_results import make_campaign

    settings.UPLOAD_CHECK_INLINE_MB = 0
    make_campaign()
    client = client_for(director_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/assessments/uploads/new/",
            {"file": SimpleUploadedFile("f1.xlsx", f1_xlsx(sample_schools([school_a.login], 4)))},
        )
    upload = ResultUpload.objects.get()
    assert upload.status == UploadStatus.CHECKED, upload.report
    assert upload.school == school_a
    assert client.get(response["Location"]).status_code == 200
