"""A file that replaces more results than it brings: said plainly, and confirmed explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.choices import UploadStatus
from assessments.models import Result, ResultUpload
from assessments.services.import_plan import replacement_text
from assessments.services.imports import (
    ImportRejected,
    upload_check,
    upload_confirm,
    upload_import,
)
from msoko.models import Job
from tests.assessments.builders import f1_xlsx, sample_schools
from tests.assessments.test_import_results import make_campaign

pytestmark = pytest.mark.django_db


def _f1(*logins: str, pupils: int, first_code: int = 10001) -> bytes:
    return f1_xlsx(sample_schools(list(logins), pupils, first_code=first_code))


def _stored(school: Any, pupils: int, django_capture_on_commit_callbacks: Any, user: Any) -> None:
    """Results of `pupils` participants already imported for the school."""
    upload = upload_check(user=user, filename="all.xlsx", data=_f1(school.login, pupils=pupils))
    with django_capture_on_commit_callbacks(execute=True):
        upload_confirm(upload_id=upload.pk, user=user)
    assert Result.objects.filter(school=school).count() == pupils


@pytest.mark.parametrize(
    ("existing", "rows", "text"),
    [
        (88, 7, "Файл заменит 88 прежних результатов семью новыми"),
        (2, 1, "Файл заменит 2 прежних результата одним новым"),
        (21, 11, "Файл заменит 21 прежний результат 11 новыми"),
        (105, 21, "Файл заменит 105 прежних результатов 21 новым"),
        (22, 12, "Файл заменит 22 прежних результата 12 новыми"),
        (114, 3, "Файл заменит 114 прежних результатов тремя новыми"),
        (12345, 101, "Файл заменит 12\u202f345 прежних результатов 101 новым"),
        (5, 0, "Файл удалит 5 прежних результатов и не загрузит новых"),
    ],
)
def test_the_replacement_reads_with_the_right_russian_forms(
    existing: int, rows: int, text: str
) -> None:
    assert replacement_text(existing, rows) == text


def test_the_dry_run_says_plainly_that_the_file_shrinks_the_results(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    _stored(school_a, 10, django_capture_on_commit_callbacks, specialist)
    upload = upload_check(user=specialist, filename="part.xlsx", data=_f1(school_a.login, pupils=7))
    assert upload.status == UploadStatus.CHECKED
    assert upload.report["replacement"] == "Файл заменит 10 прежних результатов семью новыми"


def test_a_file_that_does_not_shrink_needs_no_tick(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    _stored(school_a, 3, django_capture_on_commit_callbacks, specialist)
    upload = upload_check(user=specialist, filename="more.xlsx", data=_f1(school_a.login, pupils=4))
    assert upload.report["replacement"] == ""
    with django_capture_on_commit_callbacks(execute=True):
        upload_confirm(upload_id=upload.pk, user=specialist)
    assert Result.objects.count() == 4


def test_confirming_a_shrinking_file_without_the_tick_is_refused_and_queues_nothing(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    _stored(school_a, 10, django_capture_on_commit_callbacks, specialist)
    jobs = Job.objects.count()
    upload = upload_check(user=specialist, filename="part.xlsx", data=_f1(school_a.login, pupils=7))
    with pytest.raises(ImportRejected) as refused:
        upload_confirm(upload_id=upload.pk, user=specialist)
    assert refused.value.messages[0] == "Файл заменит 10 прежних результатов семью новыми"
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED and Job.objects.count() == jobs
    assert Result.objects.count() == 10


def test_confirming_a_shrinking_file_with_the_tick_replaces_the_results(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    _stored(school_a, 10, django_capture_on_commit_callbacks, specialist)
    upload = upload_check(
        user=specialist, filename="part.xlsx", data=_f1(school_a.login, pupils=7, first_code=500)
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload_confirm(upload_id=upload.pk, user=specialist, replace_acknowledged=True)
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED
    assert sorted(Result.objects.values_list("participant_code", flat=True)) == [
        str(code) for code in range(500, 507)
    ]


def test_an_import_that_shrinks_only_since_the_dry_run_is_refused(
    specialist: Any, school_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    early = upload_check(user=specialist, filename="a.xlsx", data=_f1(school_a.login, pupils=3))
    assert early.report["replacement"] == ""
    _stored(school_a, 5, django_capture_on_commit_callbacks, specialist)
    with pytest.raises(ImportRejected, match="Файл заменит 5 прежних результатов тремя новыми"):
        upload_import(upload_id=early.pk)
    early.refresh_from_db()
    assert early.status == UploadStatus.FAILED and Result.objects.count() == 5


def test_the_message_names_the_schools_that_shrink_in_a_municipal_file(
    specialist: Any, school_a: Any, school_b: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    _stored(school_a, 4, django_capture_on_commit_callbacks, specialist)
    data = _f1(school_a.login, school_b.login, pupils=2)
    upload = upload_check(user=specialist, filename="m.xlsx", data=data)
    assert upload.report["replacement"] == (
        f"Файл заменит 4 прежних результата двумя новыми в ОО: {school_a.short_name} (4 → 2)"
    )


def test_the_page_shows_the_warning_and_a_required_tick_and_the_view_passes_it(
    specialist: Any, school_a: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_campaign()
    _stored(school_a, 10, django_capture_on_commit_callbacks, specialist)
    upload = upload_check(user=specialist, filename="part.xlsx", data=_f1(school_a.login, pupils=7))
    client = client_for(specialist)
    page = client.get(reverse("assessments:upload_detail", args=[upload.pk])).content.decode()
    assert "Файл заменит 10 прежних результатов семью новыми." in page
    assert 'name="replace_acknowledged" value="1"' in page and " required " in page
    url = reverse("assessments:upload_confirm", args=[upload.pk])
    response = client.post(url, follow=True)
    assert "Файл не поставлен в очередь: Файл заменит 10 прежних результатов" in (
        response.content.decode()
    )
    upload.refresh_from_db()
    assert upload.status == UploadStatus.CHECKED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"replace_acknowledged": "1"})
    upload.refresh_from_db()
    assert upload.status == UploadStatus.IMPORTED and Result.objects.count() == 7


def test_a_file_that_does_not_shrink_shows_no_tick(
    specialist: Any, school_a: Any, client_for: Any
) -> None:
    make_campaign()
    upload = upload_check(user=specialist, filename="f1.xlsx", data=_f1(school_a.login, pupils=3))
    page = client_for(specialist).get(reverse("assessments:upload_detail", args=[upload.pk]))
    assert "replace_acknowledged" not in page.content.decode()


def test_the_command_needs_replace_for_a_shrinking_file(
    tmp_path: Path,
    specialist: Any,
    school_a: Any,
    django_capture_on_commit_callbacks: Any,
    capsys: Any,
) -> None:
    make_campaign()
    _stored(school_a, 10, django_capture_on_commit_callbacks, specialist)
    path = tmp_path / "part.xlsx"
    path.write_bytes(_f1(school_a.login, pupils=7, first_code=500))
    call_command("import_results", str(path), "--dry-run")
    assert "Внимание: Файл заменит 10 прежних результатов семью новыми." in capsys.readouterr().out
    with pytest.raises(CommandError, match="Файл заменит 10 прежних результатов семью новыми; "):
        call_command("import_results", str(path))
    assert Result.objects.count() == 10
    call_command("import_results", str(path), "--replace")
    assert "Загружено участников: 7" in capsys.readouterr().out
    assert Result.objects.count() == 7
    assert ResultUpload.objects.filter(status=UploadStatus.IMPORTED).count() == 2
