"""The upload pages: form → dry-run page → confirm → progress → history, and the file."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.choices import UploadStatus
from assessments.models import Result, ResultUpload
from tests.assessments.builders import Pupil, f1_xlsx, sample_schools
from tests.assessments.builders import School as FileSchool
from tests.assessments.test_import_results import make_campaign

pytestmark = pytest.mark.django_db


def post_file(client: Any, data: bytes, name: str = "f1.xlsx", **fields: Any) -> Any:
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(reverse("assessments:upload_create"), {"file": upload, **fields})


def test_director_uploads_checks_confirms_and_sees_the_progress_and_the_campaign_link(
    director_a: Any, school_a: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign()
    client = client_for(director_a)
    page = client.get(reverse("assessments:upload_create"))
    assert page.status_code == 200
    assert "school" not in page.context["form"].fields  # his school is implied
    response = post_file(client, f1_xlsx(sample_schools([school_a.login], 4)))
    upload = ResultUpload.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:upload_detail", args=[upload.pk])
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Подтвердить загрузку" in content and school_a.login in content
    assert str(campaign) in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:upload_confirm", args=[upload.pk]))
    assert response.status_code == 302
    page = client.get(reverse("assessments:upload_detail", args=[upload.pk]))
    content = page.content.decode()
    assert 'id="job"' in content and "Результаты загружены" in content
    assert campaign.get_absolute_url() in content
    assert Result.objects.filter(campaign=campaign).count() == 4
    fragment = client.get(reverse("assessments:upload_progress", args=[upload.pk]))
    assert "hx-get" not in fragment.content.decode()  # finished: polling stops


def test_errors_are_listed_with_sheet_row_and_column(
    specialist: Any, school_a: Any, client_for: Any
) -> None:
    make_campaign()
    pupils = [Pupil(1, [5, 1, 1, 1, 1], mark=4), Pupil(2, [-1, 1, 1, 1, 1], mark=3)]
    client = client_for(specialist)
    response = post_file(client, f1_xlsx([FileSchool(school_a.login, "СОШ", pupils)]))
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "Найдены ошибки" in content and "Подтвердить загрузку" not in content
    assert "балл 5 больше максимума 2 за задание 1" in content
    assert "<td>Индивидуальные результаты</td><td>10</td><td>G</td>" in content
    assert ResultUpload.objects.get().status == UploadStatus.REJECTED


def test_a_file_over_the_size_limit_is_refused_by_the_form(
    specialist: Any, client_for: Any, settings: Any
) -> None:
    settings.UPLOAD_MAX_MB = 1
    response = post_file(client_for(specialist), b"PK" + b"\x00" * (1024 * 1024 + 10))
    assert response.status_code == 200
    assert "Файл больше допустимых 1 МБ" in response.content.decode()
    assert ResultUpload.objects.count() == 0


def test_the_original_file_downloads_unchanged_and_others_get_404(
    director_a: Any, director_b: Any, school_a: Any, client_for: Any
) -> None:
    make_campaign()
    data = f1_xlsx(sample_schools([school_a.login], 2))
    post_file(client_for(director_a), data, name="Русский 4 класс.xlsx")
    upload = ResultUpload.objects.get()
    url = reverse("assessments:upload_file", args=[upload.pk])
    response = client_for(director_a).get(url)
    assert response.status_code == 200 and response.content == data
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client_for(director_b).get(url).status_code == 404
    detail = reverse("assessments:upload_detail", args=[upload.pk])
    assert client_for(director_b).get(detail).status_code == 404


def test_history_lists_who_when_file_hash_rows_and_status_and_exports(
    specialist: Any, director_b: Any, school_a: Any, client_for: Any
) -> None:
    make_campaign()
    post_file(client_for(specialist), f1_xlsx(sample_schools([school_a.login], 3)))
    upload = ResultUpload.objects.get()
    page = client_for(specialist).get(reverse("assessments:upload_list"))
    content = page.content.decode()
    assert "f1.xlsx" in content and upload.sha256[:12] in content
    assert "Проверен, ожидает подтверждения" in content
    filtered = client_for(specialist).get(reverse("assessments:upload_list"), {"status": "failed"})
    assert "f1.xlsx" not in filtered.content.decode()
    export = client_for(specialist).get(reverse("assessments:upload_list"), {"export": "csv"})
    assert upload.sha256 in export.content.decode("utf-8-sig")
    # The specialist's file of school A is not director B's business.
    other = client_for(director_b).get(reverse("assessments:upload_list"))
    assert "f1.xlsx" not in other.content.decode()


def test_confirm_needs_post_and_csrf(specialist: Any, school_a: Any, client_for: Any) -> None:
    from django.test import Client

    make_campaign()
    post_file(client_for(specialist), f1_xlsx(sample_schools([school_a.login], 2)))
    upload = ResultUpload.objects.get()
    url = reverse("assessments:upload_confirm", args=[upload.pk])
    assert client_for(specialist).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(specialist)
    assert strict.post(url).status_code == 403
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
