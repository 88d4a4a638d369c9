"""The catalogue: creating campaigns with their tasks, scales, lock / unlock, ЕГЭ thresholds."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Campaign, CampaignEvent, EgeThreshold, Procedure, Subject
from assessments.parsing import FORMAT_COLLECTION, parse_sheets
from assessments.scales import Scale
from assessments.services.campaigns import (
    TaskData,
    campaign_lock,
    campaign_save,
    campaign_scale_set,
    campaign_unlock,
)
from msoko.spreadsheets import read_table_file
from tests.assessments.builders import Pupil, collection_xlsx
from tests.assessments.matrix_campaigns import hand_campaign, make_campaign

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def _campaign_post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "procedure": Procedure.objects.get(code="vpr").pk,
        "year": 2026,
        "subject": Subject.objects.get(code="math").pk,
        "grade": 5,
        "date": "2026-04-15",
        "variants": "1, 2",
        "max_primary": "",
        **_management("tasks", 3),
        "tasks-0-number": "1",
        "tasks-0-max_score": "2",
        "tasks-0-level": "Б",
        "tasks-0-requirement": "Счёт",
        "tasks-1-number": "4К1",
        "tasks-1-max_score": "3",
        "tasks-1-level": "П",
        "tasks-2-number": "",
    }
    data.update(overrides)
    return data


def test_specialist_creates_a_campaign_with_tasks(specialist, client_for):
    response = client_for(specialist).post(reverse("assessments:campaign_create"), _campaign_post())
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    assert [(t.order, t.number, t.max_score, t.level) for t in campaign.tasks.all()] == [
        (1, "1", Decimal(2), "Б"),
        (2, "4К1", Decimal(3), "П"),
    ]
    assert campaign.max_primary == 5  # the sum of the task maxima
    assert campaign.created_by == specialist


def test_max_primary_must_match_the_tasks(specialist, client_for):
    response = client_for(specialist).post(
        reverse("assessments:campaign_create"), _campaign_post(max_primary="7")
    )
    assert response.status_code == 200
    assert "не равен сумме" in response.content.decode()
    assert not Campaign.objects.exists()


def test_duplicate_campaign_is_refused(specialist, client_for):
    make_campaign(subject="math", grade=5)
    response = client_for(specialist).post(reverse("assessments:campaign_create"), _campaign_post())
    assert response.status_code == 200
    assert Campaign.objects.count() == 1


def test_task_list_is_read_from_an_uploaded_files_header(specialist, client_for):
    data = collection_xlsx([Pupil(1, [2, 1, 3, 3, 2])])
    post = _campaign_post(year="", grade="", subject="", load_tasks="1")
    post["tasks_file"] = SimpleUploadedFile("forma.xlsx", data)
    response = client_for(specialist).post(reverse("assessments:campaign_create"), post)
    assert response.status_code == 200
    formset = response.context["formset"]
    initial = [(f["number"], f["max_score"]) for f in formset.initial]
    assert initial == [
        ("1", Decimal(2)),
        ("2", Decimal(1)),
        ("3", Decimal(3)),
        ("4К1", Decimal(3)),
        ("4К2", Decimal(2)),
    ]
    form = response.context["form"]
    # «Форма сбора результатов Математика 5 класс ВПР 2026»
    assert form.initial["year"] == 2026 and form.initial["grade"] == 5
    assert form.initial["subject"] == Subject.objects.get(code="math").pk
    assert not Campaign.objects.exists()  # nothing saved until the specialist confirms


def test_unreadable_task_file_is_an_error(specialist, client_for):
    post = _campaign_post(load_tasks="1")
    post["tasks_file"] = SimpleUploadedFile("x.csv", "а;б\n1;2\n".encode())
    response = client_for(specialist).post(reverse("assessments:campaign_create"), post)
    assert "не найден заголовок с заданиями" in response.content.decode()


def test_tasks_are_frozen_once_results_exist(school_a, school_b, specialist):
    campaign = hand_campaign(school_a, school_b)
    tasks = [TaskData(t.number, t.max_score, t.level, t.requirement) for t in campaign.tasks.all()]
    with pytest.raises(ValidationError, match="уже есть результаты"):
        campaign_save(campaign=campaign, tasks=tasks[:3], user=specialist)
    tasks[0] = TaskData("1", Decimal(2), "П", "Новое требование")
    campaign_save(campaign=campaign, tasks=tasks, user=specialist)
    first = campaign.tasks.get(number="1")
    assert (first.level, first.requirement) == ("П", "Новое требование")


def test_scale_edit_creates_versions_and_updates_the_campaign(
    school_a, school_b, specialist, client_for
):
    campaign = hand_campaign(school_a, school_b)
    url = reverse("assessments:campaign_scale", args=[campaign.pk])
    client = client_for(specialist)
    assert "«3»: 3–4" in client.get(url).content.decode()  # Scale.describe of the current one
    post = {
        "max_primary": 8,
        "min3": 4,
        "min4": 6,
        "min5": 8,
        "comment": "Приказ № 1",
        "remark": "on",
        **_management("conditions", 1),
        "conditions-0-mark": "4",
        "conditions-0-tasks": "3К1, 3К2",
        "conditions-0-min_points": "2",
    }
    response = client.post(url, post)
    assert response.status_code == 302
    campaign.refresh_from_db()
    scale = Scale.from_dict(campaign.scale)
    assert [b.min_primary for b in scale.bands] == [0, 4, 6, 8]
    assert scale.conditions[0].tasks == ("3К1", "3К2")
    (version,) = campaign.scale_versions.all()
    assert (version.version, version.comment, version.created_by) == (1, "Приказ № 1", specialist)
    # remarked: a2 has 5 points → «3» now; a1 has 8 and 5 points on 3К1–3К2 → «5»
    marks = dict(campaign.results.values_list("participant_code", "mark"))
    assert (marks["a1"], marks["a2"], marks["a4"]) == (5, 3, 3)
    assert client.post(url, {**post, "min3": 5, "remark": ""}).status_code == 302
    assert list(campaign.scale_versions.values_list("version", flat=True)) == [2, 1]


def test_invalid_scale_is_shown_and_not_saved(school_a, school_b, specialist, client_for):
    campaign = hand_campaign(school_a, school_b)
    url = reverse("assessments:campaign_scale", args=[campaign.pk])
    post = {
        "max_primary": 8,
        "min3": 5,
        "min4": 4,
        "min5": 9,
        **_management("conditions", 1),
        "conditions-0-mark": "3",
        "conditions-0-tasks": "99",
        "conditions-0-min_points": "1",
    }
    response = client_for(specialist).post(url, post)
    text = response.content.decode()
    assert "должна быть больше" in text and "нет заданий 99" in text
    assert not campaign.scale_versions.exists()


def test_scale_service_refuses_another_maximum(school_a, school_b, specialist):
    campaign = hand_campaign(school_a, school_b)
    scale = Scale.from_thresholds(max_primary=10, thresholds={3: 3, 4: 5, 5: 7})
    with pytest.raises(ValidationError, match="не равен максимальному"):
        campaign_scale_set(campaign=campaign, scale=scale, comment="", user=specialist)


def test_lock_and_unlock_are_recorded_with_user_and_time(
    school_a, school_b, specialist, client_for
):
    campaign = hand_campaign(school_a, school_b)
    client = client_for(specialist)
    response = client.post(
        reverse("assessments:campaign_lock", args=[campaign.pk]), {"comment": "Сроки вышли"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.is_locked
    client.post(reverse("assessments:campaign_lock", args=[campaign.pk]))  # a double click
    client.post(reverse("assessments:campaign_unlock", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert not campaign.is_locked
    events = list(CampaignEvent.objects.order_by("created_at", "pk"))
    assert [(e.action, e.user, e.comment) for e in events] == [
        ("lock", specialist, "Сроки вышли"),
        ("unlock", specialist, ""),
    ]
    assert all(e.created_at is not None for e in events)
    page = client.get(campaign.get_absolute_url(), {"tab": "tracker"}).content.decode()
    assert "Приём результатов закрыт: Сроки вышли" in page


def test_lock_services_return_whether_anything_changed(school_a, school_b, specialist):
    campaign = hand_campaign(school_a, school_b)
    assert campaign_lock(campaign=campaign, user=specialist) is True
    assert campaign_lock(campaign=campaign, user=specialist) is False
    assert campaign_unlock(campaign=campaign, user=specialist) is True
    assert CampaignEvent.objects.count() == 2


def test_thresholds_prefilled_listed_and_edited(specialist, official, client_for):
    assert EgeThreshold.objects.filter(year=2026, subject__code="russian").count() == 2
    listing = client_for(official).get(reverse("assessments:threshold_list"), {"year": 2026})
    assert listing.status_code == 200
    assert "Изменить" not in listing.content.decode()
    threshold = EgeThreshold.objects.get(year=2026, subject__code="russian", kind="university")
    client = client_for(specialist)
    assert "Изменить" in client.get(reverse("assessments:threshold_list")).content.decode()
    response = client.post(
        reverse("assessments:threshold_update", args=[threshold.pk]),
        {
            "year": 2026,
            "subject": threshold.subject_id,
            "kind": "university",
            "value": "40",
            "note": "Приказ министерства",
        },
    )
    assert response.status_code == 302
    threshold.refresh_from_db()
    assert threshold.value == 40
    export = client.get(reverse("assessments:threshold_list"), {"export": "xlsx"})
    book = load_workbook(io.BytesIO(export.content), read_only=True)
    header = next(book.active.iter_rows(values_only=True))
    assert header == ("Год", "Предмет", "Вид порога", "Минимальный балл", "Примечание")


def test_reference_page_lists_procedures_and_subjects(official, client_for):
    text = client_for(official).get(reverse("assessments:reference")).content.decode()
    for expected in ("ВПР", "ОГЭ", "ГВЭ-9", "ЕГЭ", "НИКО", "ДР-10", "ВсОШ", "Математика (базовый"):
        assert expected in text
    assert "22" in text  # РЦОИ code of математика база


def test_template_round_trip_through_the_parser(school_a, school_b, specialist, client_for):
    """Item 7: fill the downloaded collection form, and parse_sheets reads it back."""
    campaign = hand_campaign(school_a, school_b)
    response = client_for(specialist).get(
        reverse("assessments:campaign_template", args=[campaign.pk])
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Протокол", "Служебный"]
    sheet = book["Протокол"]
    header = [cell.value for cell in sheet[3]]
    assert header == [
        "Код участника",
        "Вариант",
        "1 (2б)",
        "2 (1б)",
        "3К1 (3б)",
        "3К2 (2б)",
        "Порядковый номер класса",
        "Отметка за предыдущий триместр/четверть/полугодие",
        "Итого баллов",
    ]
    validations = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert validations["B4:B153"] == "'Служебный'!$A$2:$A$4"  # 1, 2, отсутствовал
    service = [row for row in book["Служебный"].iter_rows(values_only=True)]
    assert service[0][:2] == ("Вариант", "Отметка")
    assert [row[0] for row in service[1:4]] == ["1", "2", "отсутствовал"]
    assert "X" in [row[2] for row in service]
    filled = [
        [10001, 1, 2, 1, 3, "X", "4А", 5],
        [10002, "отсутствовал", None, None, None, None, "4А", None],
        [10003, 2, 0, 1, 1, 0, "4Б", "нет отметки"],
    ]
    for r, values in enumerate(filled, start=4):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value)
    out = io.BytesIO()
    book.save(out)
    parsed = parse_sheets(read_table_file("forma.xlsx", out.getvalue()))
    assert parsed.format == FORMAT_COLLECTION
    assert parsed.errors == []
    assert (parsed.procedure, parsed.year, parsed.grade) == ("ВПР", 2026, 4)
    assert [(t.number, t.max_score) for t in parsed.tasks] == [
        ("1", 2),
        ("2", 1),
        ("3К1", 3),
        ("3К2", 2),
    ]
    first, absent, third = parsed.rows
    assert first.scores == [2, 1, 3, None] and first.primary_score == 6
    assert first.journal_mark == 5
    assert absent.absent
    assert third.primary_score == 2 and third.journal_mark is None


def test_template_of_a_director_names_his_school(school_a, school_b, director_a, client_for):
    campaign = hand_campaign(school_a, school_b)
    response = client_for(director_a).get(
        reverse("assessments:campaign_template", args=[campaign.pk])
    )
    book = load_workbook(io.BytesIO(response.content))
    assert school_a.login in book["Протокол"]["A2"].value
