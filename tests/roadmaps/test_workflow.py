"""Occurrences, the status workflow, evidence and director scoping."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from roadmaps import services
from roadmaps.choices import OccurrenceStatus
from roadmaps.models import Evidence, Occurrence, Task
from tests.roadmaps.builders import make_roadmap, make_task

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"


@pytest.fixture
def roadmap(specialist: Any) -> Any:
    return make_roadmap(specialist)


def test_task_with_schools_gets_one_occurrence_per_period_per_school(
    roadmap: Any, specialist: Any, school_a: Any, school_b: Any
) -> None:
    task = make_task(roadmap, schools=[school_a, school_b], user=specialist)
    assert task.occurrences.count() == 6  # 3 years × 2 schools
    assert set(task.occurrences.values_list("school", flat=True)) == {school_a.pk, school_b.pk}


def test_department_task_gets_occurrences_without_school(roadmap: Any, specialist: Any) -> None:
    task = make_task(roadmap, deadline="ежеквартально", user=specialist)
    assert task.occurrences.count() == 12
    assert not task.occurrences.exclude(school=None).exists()


def test_unparsed_deadline_is_kept_verbatim_and_flagged(roadmap: Any, specialist: Any) -> None:
    task = make_task(roadmap, deadline="по согласованию с министерством", user=specialist)
    task.refresh_from_db()
    assert task.deadline_text == "по согласованию с министерством"
    assert task.needs_review
    assert task.occurrences.count() == 0


def test_regeneration_keeps_matching_occurrences_with_status_and_evidence(
    roadmap: Any, specialist: Any
) -> None:
    task = make_task(roadmap, deadline="ежегодно", user=specialist)
    first = task.occurrences.get(label="2024")
    services.evidence_add(
        occurrence=first, user=specialist, link="https://example.org/a", comment="отчёт"
    )
    services.occurrence_update(occurrence=first, user=specialist, status=OccurrenceStatus.DONE)
    untouched = task.occurrences.get(label="2026").pk
    roadmap.end_year = 2025
    services.roadmap_save(roadmap=roadmap, user=specialist)
    first.refresh_from_db()
    assert first.status == OccurrenceStatus.DONE
    assert first.evidence.count() == 1
    assert not Occurrence.objects.filter(pk=untouched).exists()
    task.deadline_text = "ежегодно, до 15 декабря"
    services.task_save(task=task, user=specialist)
    # Labels changed («до 15 декабря 2024»): the done one is kept, new ones are created.
    assert Occurrence.objects.filter(pk=first.pk).exists()
    assert task.occurrences.filter(label__startswith="до 15 декабря").count() == 2


def test_done_needs_evidence_and_comment_for_a_document_indicator(
    roadmap: Any, specialist: Any
) -> None:
    task = make_task(roadmap, user=specialist)
    occurrence = task.occurrences.first()
    with pytest.raises(ValidationError) as error:
        services.occurrence_update(occurrence=occurrence, user=specialist, status="done")
    assert "Приложите подтверждающий документ" in " ".join(error.value.messages)
    services.evidence_add(occurrence=occurrence, user=specialist, link="https://example.org/r")
    with pytest.raises(ValidationError, match="комментарий"):
        services.occurrence_update(occurrence=occurrence, user=specialist, status="done")
    done = services.occurrence_update(
        occurrence=occurrence, user=specialist, status="done", comment="Отчёт утверждён"
    )
    assert done.status == "done" and done.completed_by == specialist
    assert done.history.count() >= 2  # who changed what and when


def test_done_needs_the_value_for_a_numeric_indicator(roadmap: Any, specialist: Any) -> None:
    task = make_task(roadmap, indicator="не менее 5 % педагогов ежегодно", user=specialist)
    assert (task.indicator_kind, task.target_value, task.target_unit) == ("number", 5, "%")
    occurrence = task.occurrences.first()
    with pytest.raises(ValidationError, match="достигнутое значение"):
        services.occurrence_update(occurrence=occurrence, user=specialist, status="done")
    done = services.occurrence_update(
        occurrence=occurrence, user=specialist, status="done", achieved_value=Decimal("4")
    )
    assert services.target_met(done) is False


def test_director_updates_only_his_school_and_cannot_cancel(
    roadmap: Any, specialist: Any, director_a: Any, school_a: Any, school_b: Any
) -> None:
    task = make_task(roadmap, schools=[school_a, school_b], user=specialist)
    own = task.occurrences.filter(school=school_a).first()
    other = task.occurrences.filter(school=school_b).first()
    assert set(Occurrence.objects.for_user(director_a)) == set(
        task.occurrences.filter(school=school_a)
    )
    services.occurrence_update(occurrence=own, user=director_a, status="in_progress")
    with pytest.raises(ValidationError):
        services.occurrence_update(occurrence=other, user=director_a, status="in_progress")
    with pytest.raises(ValidationError, match="специалист"):
        services.occurrence_update(occurrence=own, user=director_a, status="cancelled")


def test_director_sees_only_tasks_of_his_school(
    roadmap: Any, specialist: Any, director_a: Any, director_b: Any, school_a: Any
) -> None:
    mine = make_task(roadmap, "1", schools=[school_a], user=specialist)
    make_task(roadmap, "2", user=specialist)
    assert list(Task.objects.for_user(director_a)) == [mine]
    assert not Task.objects.for_user(director_b).exists()


def test_director_gets_404_for_another_schools_occurrence(
    roadmap: Any, specialist: Any, director_b: Any, school_a: Any, client_for: Any
) -> None:
    task = make_task(roadmap, schools=[school_a], user=specialist)
    occurrence = task.occurrences.first()
    url = f"/roadmaps/occurrences/{occurrence.pk}/"
    response = client_for(director_b).post(url, {"status": "in_progress"})
    assert response.status_code == 404
    occurrence.refresh_from_db()
    assert occurrence.status == "not_started"


def test_director_marks_done_through_the_page(
    roadmap: Any, specialist: Any, director_a: Any, school_a: Any, client_for: Any
) -> None:
    task = make_task(roadmap, schools=[school_a], user=specialist)
    occurrence = task.occurrences.first()
    client = client_for(director_a)
    response = client.post(
        f"/roadmaps/occurrences/{occurrence.pk}/", {"status": "done", "comment": "готово"}
    )
    assert response.status_code == 200
    assert "Приложите подтверждающий документ" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("otchet.pdf", PDF, content_type="application/pdf")
    client.post(
        f"/roadmaps/occurrences/{occurrence.pk}/evidence/",
        {"evidence-file": upload, "evidence-comment": "Отчёт"},
    )
    evidence = Evidence.objects.get(occurrence=occurrence)
    assert evidence.file and evidence.original_name == "otchet.pdf"
    assert "otchet" not in evidence.file.name  # stored under a hash, not the user's name
    response = client.post(
        f"/roadmaps/occurrences/{occurrence.pk}/", {"status": "done", "comment": "готово"}
    )
    assert response.status_code == 302
    occurrence.refresh_from_db()
    assert occurrence.status == "done"
    download = client.get(f"/roadmaps/evidence/{evidence.pk}/")
    assert download.status_code == 200 and download.content == PDF


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("otchet.exe", b"MZ\x90\x00", "недопустимый тип"),
        ("otchet.pdf", b"<html>not a pdf</html>", "не соответствует"),
        ("photo.png", b"%PDF-1.4", "не соответствует"),
        ("empty.pdf", b"", "файл"),
    ],
)
def test_evidence_file_is_checked_by_content(
    roadmap: Any, specialist: Any, name: str, data: bytes, message: str
) -> None:
    occurrence = make_task(roadmap, user=specialist).occurrences.first()
    with pytest.raises(ValidationError, match=message):
        services.evidence_add(occurrence=occurrence, user=specialist, filename=name, data=data)
    assert not Evidence.objects.exists()


def test_evidence_file_too_big_is_refused(roadmap: Any, specialist: Any, settings: Any) -> None:
    settings.ROADMAP_EVIDENCE_MAX_MB = 1
    occurrence = make_task(roadmap, user=specialist).occurrences.first()
    with pytest.raises(ValidationError, match="слишком большой"):
        services.evidence_add(
            occurrence=occurrence,
            user=specialist,
            filename="big.pdf",
            data=b"%PDF-1.4" + b"0" * (1024 * 1024 + 1),
        )


def test_office_files_are_recognised(roadmap: Any, specialist: Any) -> None:
    import io

    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    assert services.evidence_kind("plan.docx", buffer.getvalue()) == "docx"
    with pytest.raises(ValidationError):
        services.evidence_kind("plan.xlsx", buffer.getvalue())


def test_overdue_is_computed_and_marked(roadmap: Any, specialist: Any) -> None:
    task = make_task(roadmap, deadline="ежегодно", user=specialist)
    occurrence = task.occurrences.get(label="2024")
    assert occurrence.overdue_on(datetime.date(2025, 1, 1))
    assert occurrence.display_status == "Просрочено"  # today is after 2024
    assert services.overdue_mark(today=datetime.date(2025, 1, 1)) == 1
    occurrence.refresh_from_db()
    assert occurrence.is_overdue
    Occurrence.objects.filter(pk=occurrence.pk).update(status="cancelled")
    services.overdue_mark(today=datetime.date(2025, 1, 1))
    occurrence.refresh_from_db()
    assert not occurrence.is_overdue and not occurrence.overdue


def test_comments_of_a_director_are_not_shown_to_another_director(
    roadmap: Any, specialist: Any, director_a: Any, director_b: Any, school_a: Any, school_b: Any
) -> None:
    from roadmaps.models import TaskComment

    task = make_task(roadmap, schools=[school_a, school_b], user=specialist)
    services.comment_add(task=task, user=director_a, text="У нас отчёт готов")
    services.comment_add(task=task, user=specialist, text="Срок — до конца месяца")
    assert TaskComment.objects.for_user(director_b).count() == 1
    assert TaskComment.objects.for_user(director_a).count() == 2
